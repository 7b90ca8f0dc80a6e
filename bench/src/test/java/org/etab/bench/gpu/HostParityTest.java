package org.etab.bench.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.gpu.cuda.FakeDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GpuCheck's host-parity rows, run on the fake device: every case passes, and the comparison can fail. */
class HostParityTest {

    @Test
    void everyCasePassesOnADeviceThatComputesWhatTheKernelComputes(@TempDir Path dir) throws Exception {
        List<EchoNetRecord> records = phantom(dir);
        FakeDevice device = new FakeDevice();
        for (HostParity.Case c : HostParity.cases()) {
            HostParity.Result r = HostParity.compare(device, records, c);
            assertThat(r.passed()).as(c.name() + ": " + r.row()).isTrue();
            assertThat(r.elements()).as(c.name()).isGreaterThan(records.size() * 8L * 32 * 32);
        }
        assertThat(device.violations()).isEmpty();
        assertThat(device.livePinned()).isZero();
    }

    /** The resized case differs by up to half a gray level: held to float rounding, the comparison must see it. */
    @Test
    void theComparisonSeesHalfAGrayLevelAndMissingPadding(@TempDir Path dir) throws Exception {
        List<EchoNetRecord> records = phantom(dir);
        HostParity.Case resized = HostParity.cases().get(1);
        HostParity.Result strict = HostParity.compare(
                new FakeDevice(), records, new HostParity.Case("strict", resized.asked(), 1e-5, false));
        assertThat(strict.maxAbsError()).isGreaterThan(1e-3).isLessThanOrEqualTo(resized.tolerance());
        assertThat(strict.row()).endsWith("FAIL");

        HostParity.Case noPadding = HostParity.cases().get(0);
        HostParity.Result r = HostParity.compare(
                new FakeDevice(), records, new HostParity.Case("padded?", noPadding.asked(), 1e-5, true));
        assertThat(r.paddedSamples()).isZero();
        assertThat(r.passed()).isFalse();
    }

    private static List<EchoNetRecord> phantom(Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(8).seed(11).build()).write(dir);
        return EchoNetReader.read(dir).records();
    }
}
