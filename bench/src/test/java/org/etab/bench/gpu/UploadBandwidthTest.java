package org.etab.bench.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FakeDevice;
import org.junit.jupiter.api.Test;

/** {@link UploadBandwidth}'s device-time row, checked without a GPU: it reads the feeder's meters. */
class UploadBandwidthTest {
    static final TensorSpec SPEC = new TensorSpec(DType.UINT8, 3, 2, 4, 5); // 120 B a sample, 480 B a batch of 4

    @Test
    void deviceTimesRowShowsTheFeedersMeanAndMedianTimes() {
        FakeDevice device = new FakeDevice().timing(1.0 / 64, 1.0 / 256); // 7.5 ms per batch's copy, 1.875 ms kernel
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String row;
        try (BatchPool pool = new BatchPool(SPEC, new TensorSpec(DType.FLOAT32, 1), 4, 8);
                DeviceFeeder f = DeviceFeeder.builder()
                        .device(device)
                        .features(SPEC)
                        .batchSize(4)
                        .build()
                        .bindTo(registry, "echonet")) {
            for (DeviceBatch db : f.feed(UploadBandwidth.synthetic(pool, 8, 4)).toIterable(1)) { // 8 full batches
                db.synchronize().close();
            }
            row = UploadBandwidth.deviceTimes(registry, 480_000_000L); // as if each batch were 480 MB: 64 GB/s
        }
        assertThat(device.violations()).isEmpty();
        // p50 comes from Micrometer's histogram (a close upper bound), so only its presence is checked
        assertThat(row)
                .startsWith("etab.upload.duration mean 7.500 ms, p50 ")
                .contains("(64.0 GB/s at the mean); etab.normalize.duration mean 1.875 ms, p50 ")
                .endsWith("; 8 batches")
                .doesNotContain("NaN");
    }
}
