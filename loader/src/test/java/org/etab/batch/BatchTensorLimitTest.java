package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.etab.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * A batch tensor of 2 GiB or more cannot be a buffer ({@link HostTensor}). {@link BatchPool#checkSize}, which the
 * pool's constructors and {@code Pipeline}'s call so that a pool that cannot be allocated "fails with advice instead
 * of running out of memory mid-epoch", must refuse it however much native memory JavaCPP may allocate; before, with
 * a large {@code maxBytes} (a 32 GiB heap, batches of 128 clips of 3x32x224x224 float32, 2.3 GiB each) it was accepted,
 * and the first {@link BatchPool#acquire()} threw an {@link IllegalArgumentException} its Javadoc does not list,
 * after the allocator had allocated the block, which was never freed.
 *
 * <p>{@code Pointer.maxBytes()} is fixed when JavaCPP loads, so the check runs in a JVM of its own with
 * {@code -Dorg.bytedeco.javacpp.maxBytes=64g} (and a small heap: nothing is really allocated).
 */
class BatchTensorLimitTest {
    /** Over 2 GiB per batch tensor: 2048 samples of 1 MiB plus one byte. */
    static final TensorSpec MEGABYTE_AND_ONE = new TensorSpec(DType.UINT8, (1 << 20) + 1);

    static final TensorSpec LABEL = new TensorSpec(DType.FLOAT32, 1);
    static final int BATCH = 2048;

    @Test
    void aBatchTensorOfTwoGibibytesOrMoreIsRefusedBeforeAnythingIsAllocated() throws Exception {
        List<String> out = runIsolated();
        assertThat(out).contains("maxBytes=" + (64L << 30));
        assertThat(out)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("checkSize: IllegalArgumentException: a batch of 2048 samples of uint8[1048577]")
                        .contains("2147485696 bytes", "2 GiB", "lower the batch size"));
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("pool: IllegalArgumentException"));
        assertThat(out).contains("allocated blocks not freed: 0");
        // a batch that fits is still accepted
        assertThat(out).contains("half the batch: accepted");
    }

    /** The probe: what {@code checkSize}, the pool's constructor and its first acquire do, one line each. */
    public static void main(String[] args) {
        System.out.println("maxBytes=" + Pointer.maxBytes());
        System.out.println("checkSize: " + attempt(() -> BatchPool.checkSize(MEGABYTE_AND_ONE, LABEL, BATCH, 4)));
        AtomicInteger live = new AtomicInteger();
        HostAllocator counting = new HostAllocator() {
            @Override
            public BytePointer allocate(long bytes) {
                live.incrementAndGet();
                return new BytePointer(); // no memory: HostTensor refuses the size before it touches it
            }

            @Override
            public void free(BytePointer memory) {
                live.decrementAndGet();
            }
        };
        System.out.println("pool: "
                + attempt(() -> {
                    BatchPool pool = new BatchPool(
                            MEGABYTE_AND_ONE, LABEL, BATCH, 4, counting, Duration.ofSeconds(1), Duration.ofSeconds(1));
                    pool.acquire();
                }));
        System.out.println("allocated blocks not freed: " + live.get());
        System.out.println(
                "half the batch: " + attempt(() -> BatchPool.checkSize(MEGABYTE_AND_ONE, LABEL, BATCH / 2, 4)));
    }

    private static String attempt(Runnable r) {
        try {
            r.run();
            return "accepted";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static List<String> runIsolated() throws IOException, InterruptedException {
        ChildJvm.Result r =
                ChildJvm.run(List.of("-Xmx128m", "-Dorg.bytedeco.javacpp.maxBytes=64g"), BatchTensorLimitTest.class);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.lines();
    }
}
