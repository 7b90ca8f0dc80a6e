package org.etab.bench.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.etab.gpu.cuda.FakeDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GpuCheck's host-parity rows, run on the fake device: every case passes, and the comparison can fail. */
class HostParityTest {

    @Test
    void everyCasePassesOnADeviceThatComputesWhatTheKernelComputes(@TempDir Path dir) throws Exception {
        Map<String, Path> roots = HostParity.phantoms(dir);
        assertThat(roots).containsOnlyKeys("echonet", "camus", "tmed");
        FakeDevice device = new FakeDevice();
        for (HostParity.Case c : HostParity.cases()) {
            HostParity.Result r = HostParity.compare(device, roots.get(c.dataset()), c);
            System.out.println(c.name() + ": " + r.row());
            assertThat(r.passed()).as(c.name() + ": " + r.row()).isTrue();
            assertThat(r.elements()).as(c.name()).isGreaterThan(8L * 32 * 32);
        }
        assertThat(device.violations()).isEmpty();
        assertThat(device.livePinned()).isZero();
    }

    /** The resized case differs by up to half a gray level: held to float rounding, the comparison must see it. */
    @Test
    void theComparisonSeesHalfAGrayLevelAndMissingPadding(@TempDir Path dir) throws Exception {
        Map<String, Path> roots = HostParity.phantoms(dir);
        HostParity.Case resized = HostParity.cases().get(1);
        HostParity.Result strict = HostParity.compare(
                new FakeDevice(),
                roots.get("echonet"),
                new HostParity.Case("strict", "echonet", resized.asked(), 1e-5, false));
        assertThat(strict.maxAbsError()).isGreaterThan(1e-3).isLessThanOrEqualTo(resized.tolerance());
        assertThat(strict.row()).endsWith("FAIL");

        HostParity.Case noPadding = HostParity.cases().get(0);
        HostParity.Result r = HostParity.compare(
                new FakeDevice(),
                roots.get("echonet"),
                new HostParity.Case("padded?", "echonet", noPadding.asked(), 1e-5, true));
        assertThat(r.paddedSamples()).isZero();
        assertThat(r.passed()).isFalse();
    }

    @Test
    void channelsLastPutsEachUnitsChannelsTogether() {
        float[] twoUnits = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // two [C=2, S=3] units
        assertThat(HostParity.channelsLast(twoUnits, 2, 6)).containsExactly(1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12);
    }
}
