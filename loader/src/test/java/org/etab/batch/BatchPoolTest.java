package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

class BatchPoolTest {
    private static final TensorSpec X = new TensorSpec(DType.FLOAT32, 3, 4, 4);
    private static final TensorSpec Y = new TensorSpec(DType.FLOAT32, 1);

    @Test
    void buffersAreAllocatedLazilyAndReused() {
        try (BatchPool pool = new BatchPool(X, Y, 5, 3)) {
            BatchPool.Buffers a = pool.acquire();
            assertThat(pool.allocated()).isEqualTo(1);
            assertThat(a.features().capacity()).isEqualTo(5);
            assertThat(a.features().buffer().capacity()).isEqualTo(5 * 3 * 4 * 4 * 4);
            pool.release(a);
            BatchPool.Buffers b = pool.acquire();
            assertThat(b).isSameAs(a);
            assertThat(pool.allocated()).isEqualTo(1);
            assertThat(pool.outstanding()).isEqualTo(1);
            pool.release(b);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void anExhaustedPoolWaitsThenFailsSayingWhy() {
        try (BatchPool pool = new BatchPool(X, Y, 2, 2, HostAllocator.NATIVE, Duration.ofMillis(20),
                Duration.ofMillis(60))) {
            pool.acquire();
            pool.acquire();
            assertThatThrownBy(pool::acquire)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("all 2 are held by the consumer")
                    .hasMessageContaining("Close each Batch");
            assertThat(pool.allocated()).isEqualTo(2);
        }
    }

    @Test
    void aWaitingAcquireGetsTheNextReleasedBuffer() throws Exception {
        try (BatchPool pool = new BatchPool(X, Y, 2, 1)) {
            BatchPool.Buffers first = pool.acquire();
            Thread releaser = new Thread(() -> {
                sleep(50);
                pool.release(first);
            });
            releaser.start();
            assertThat(pool.acquire()).isSameAs(first);
            releaser.join();
        }
    }

    @Test
    void closeFreesIdleBuffersNowAndOutstandingOnesOnRelease() {
        long before = Pointer.totalBytes();
        BatchPool pool = new BatchPool(X, Y, 8, 4);
        List<BatchPool.Buffers> held = List.of(pool.acquire(), pool.acquire(), pool.acquire());
        pool.release(held.get(0));
        assertThat(Pointer.totalBytes() - before).isEqualTo(3 * 8 * (X.bytes() + Y.bytes()));
        pool.close();
        assertThat(pool.allocated()).isEqualTo(2);
        pool.release(held.get(1));
        pool.release(held.get(2));
        assertThat(pool.allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(before);
    }

    @Test
    void batchCloseIsIdempotentAndGuardsTheMemory() {
        try (BatchPool pool = new BatchPool(X, Y, 2, 2)) {
            Batch batch = new Batch(0, List.of(), pool.acquire(), pool);
            batch.close();
            batch.close();
            assertThat(pool.outstanding()).isZero();
            assertThatThrownBy(batch::features).hasMessageContaining("closed");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
