package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** On any machine: the probe answers and never throws; the PTX resource is there and names the kernel. */
class CudaDeviceTest {

    @Test
    void probeNeverThrowsAndGivesAReason() {
        assertThatCode(CudaDevice::probe).doesNotThrowAnyException();
        CudaDevice.Availability a = CudaDevice.probe();
        assertThat(a.reason()).isNotBlank();
        assertThat(CudaDevice.available()).isEqualTo(a.available());
        System.out.println("CUDA available: " + a.available() + " (" + a.reason() + ")");
    }

    @Test
    void ptxResourceHoldsTheKernel() {
        String ptx = CudaDevice.readPtx();
        assertThat(ptx).contains(".entry " + CudaDevice.KERNEL).contains(".target sm_80");
    }
}
