package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;

/** The allocator's contract, through the fake device's "pinned" memory. */
class PinnedAllocatorTest {
    final FakeDevice device = new FakeDevice();
    final PinnedAllocator pinned = new PinnedAllocator(device);

    @Test
    void allocatesThroughTheDeviceAndFreesExactlyOnce() {
        BytePointer p = pinned.allocate(1000);
        assertThat(p.capacity()).isEqualTo(1000);
        assertThat(pinned.blocks()).isEqualTo(1);
        assertThat(pinned.bytes()).isEqualTo(1000);
        pinned.free(p);
        assertThat(pinned.blocks()).isZero();
        assertThat(device.pinned.get()).isZero();
        assertThatThrownBy(() -> pinned.free(p)).hasMessageContaining("already freed");
        assertThatThrownBy(() -> pinned.allocate(0)).hasMessageContaining("bytes >= 1");
    }

    @Test
    void aBatchPoolCollatesIntoPinnedMemoryAndFreesItOnClose() {
        TensorSpec f = new TensorSpec(DType.UINT8, 3, 4, 8, 8);
        TensorSpec l = new TensorSpec(DType.FLOAT32, 1);
        try (BatchPool pool = new BatchPool(f, l, 2, 3, pinned, Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            BatchPool.Buffers a = pool.acquire();
            BatchPool.Buffers b = pool.acquire();
            assertThat(device.pinnedLive)
                    .contains(
                            a.features().pointer().address(),
                            b.labels().pointer().address());
            pool.release(a);
            pool.release(b);
        }
        assertThat(pinned.blocks()).isZero();
        assertThat(device.pinned.get()).isZero();
        assertThat(device.violations).isEmpty();
    }
}
