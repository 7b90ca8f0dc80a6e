package org.etab.bench.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.RequiresCuda;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On a GPU only (skipped elsewhere): the kernel against the float64 reference, through the real feeder. */
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
}
