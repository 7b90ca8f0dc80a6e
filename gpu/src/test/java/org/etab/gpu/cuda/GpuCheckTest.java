package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** GpuCheck's rows that can be checked without a GPU: the device-time row reads the feeder's meters. */
class GpuCheckTest {

    @Test
    void deviceTimesRowShowsTheFeedersMeanAndMedianTimes() {
        DeviceFeederTest t = new DeviceFeederTest();
        t.device.copyMillisPerByte = 1.0 / 64;          // 480 B: 7.5 ms per full batch
        t.device.normalizeMillisPerElement = 1.0 / 256; // 480 elements: 1.875 ms
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DeviceFeeder f = t.feeder(2).bindTo(registry, "echonet")) {
            for (DeviceBatch db : f.feed(t.hosts(9)).take(8).toIterable(1)) { // 8 full batches
                db.synchronize().close();
            }
        }
        assertThat(t.device.violations()).isEmpty();
        String row = GpuCheck.deviceTimes(registry, 480_000_000L); // as if each batch were 480 MB: 64 GB/s
        // p50 comes from Micrometer's histogram (a close upper bound), so only its presence is checked
        assertThat(row).startsWith("etab.upload.duration mean 7.500 ms, p50 ")
                .contains("(64.0 GB/s at the mean); etab.normalize.duration mean 1.875 ms, p50 ").endsWith("; 8 batches")
                .doesNotContain("NaN");
    }
}
