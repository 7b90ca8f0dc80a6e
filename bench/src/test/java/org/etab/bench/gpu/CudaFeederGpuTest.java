package org.etab.bench.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.RequiresCuda;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** On a GPU only (skipped elsewhere): the kernel against the float64 reference, and the device path against the host. */
@Tag("gpu")
@ExtendWith(RequiresCuda.class)
class CudaFeederGpuTest {

    @Test
    void normalizedOnTheDeviceMatchesTheReference() {
        try (CudaDevice device = new CudaDevice(0)) {
            GpuCheck.Correctness c = GpuCheck.correctness(device, 4, 3);
            assertThat(c.maxAbsError()).isLessThan(1e-5);
        }
    }

    @Test
    void theDevicePathDeliversTheHostPathsValues(@TempDir Path dir) throws Exception {
        Map<String, Path> roots = HostParity.phantoms(dir);
        try (CudaDevice device = new CudaDevice(0)) {
            for (HostParity.Case c : HostParity.cases()) {
                HostParity.Result r = HostParity.compare(device, roots.get(c.dataset()), c);
                assertThat(r.passed()).as(c.name() + ": " + r.row()).isTrue();
            }
        }
    }
}
