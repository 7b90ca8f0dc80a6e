package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.BoundedWait;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One batch's copy, kernel, padding and release on the two streams of the fake device. */
class UploadStreamsTest {
    static final TensorSpec SPEC = new TensorSpec(DType.UINT8, 3, 2, 4, 5);
    static final int BATCH = 4;

    final FakeDevice device = new FakeDevice();
    final BatchPool pool = new BatchPool(SPEC, new TensorSpec(DType.FLOAT32, 1), BATCH, 4);
    final Normalization n = Normalization.imagenet();
    final UploadStreams streams = new UploadStreams(device, SPEC, n);
    final SlotRing ring = new SlotRing(
            device,
            2,
            SPEC.bytes() * BATCH,
            new BoundedWait("a device ring slot", Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO));

    @AfterEach
    void freeEverything() {
        streams.synchronize();
        ring.close();
        streams.close();
        streams.close(); // idempotent
        pool.close();
        assertThat(device.liveBuffers()).isZero();
        assertThat(device.liveStreamsAndEvents()).isZero();
        assertThat(device.violations()).isEmpty();
    }

    /** Samples of bytes {@code 7 * i}; sample 1 holds one frame of two (the second is padding). */
    Batch host(int size) {
        BatchPool.Buffers b = pool.acquire();
        for (int k = 0; k < SPEC.bytes() * size; k++) {
            b.features().buffer().put(k, (byte) (7 * k));
        }
        List<SampleInfo> infos = new ArrayList<>();
        for (int s = 0; s < size; s++) {
            infos.add(new SampleInfo("v" + s, 0, s, new int[] {s, s + 1}, s == 1 ? 1 : 2));
        }
        return new Batch(0, infos, b, pool);
    }

    float[] read(SlotRing.Slot slot, int size, Device.Stream consumer) {
        int elements = (int) SPEC.elements() * size;
        try (BytePointer out = new BytePointer(4L * elements)) {
            device.waitEvent(consumer, slot.ready);
            device.copyToHost(slot.output, out, 4L * elements, consumer);
            device.synchronize(consumer);
            float[] got = new float[elements];
            out.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer().get(got);
            return got;
        }
    }

    @Test
    void aBatchIsCopiedNormalizedAndPaddedThenReleasedWithItsTimes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FeederMetrics meters = new FeederMetrics("echonet");
        meters.bindTo(registry);
        Device.Stream consumer = device.newStream();
        Batch host = host(3);
        byte[] in = new byte[(int) SPEC.bytes() * 3];
        host.features().buffer().get(0, in);
        SlotRing.Slot slot = ring.take();
        streams.enqueue(slot, host, meters);
        float[] got = read(slot, 3, consumer);
        float[] expected = NormalizeReference.kernel(in, 3, SPEC.elements() / 3, n);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 20; i++) {
                expected[((1 * 3 + c) * 2 + 1) * 20 + i] = 0f; // sample 1's second frame
            }
        }
        assertThat(got).containsExactly(expected);

        streams.release(slot, consumer);
        host.close(); // safe now: release waited for the copy
        ring.giveBack(slot);
        assertThat(registry.get("etab.upload.bytes").counter().count()).isEqualTo(SPEC.bytes() * 3);
        assertThat(registry.get("etab.upload.duration").timer().totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo(Math.round(device.copyMillis(SPEC.bytes() * 3) * 1e6));
        assertThat(registry.get("etab.normalize.duration").timer().count()).isEqualTo(1); // the consumer waited
        device.destroy(consumer);
    }

    @Test
    void withoutMetersNothingIsTimedAndTheKernelStreamReleasesTheSlot() {
        Batch host = host(2);
        SlotRing.Slot slot = ring.take();
        streams.enqueue(slot, host, null);
        assertThat(slot.timed).isNull();
        streams.release(slot, null);
        device.synchronize(slot.released);
        host.close();
        ring.giveBack(slot);
    }

    @Test
    void aFailedCopyThrowsAfterTheCopyStreamIsDrained() {
        device.failCopyAt = 1;
        Batch first = host(2);
        SlotRing.Slot a = ring.take();
        streams.enqueue(a, first, null);
        Batch second = host(2);
        SlotRing.Slot b = ring.take();
        assertThatThrownBy(() -> streams.enqueue(b, second, null)).hasMessage("fake copy failure");
        second.close();
        ring.giveBack(b);
        streams.release(a, null);
        first.close();
        ring.giveBack(a);
    }
}
