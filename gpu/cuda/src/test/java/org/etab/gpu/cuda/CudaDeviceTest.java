package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On any machine: the probe answers and never throws; the fatbin resource holds what the docs say it holds. */
class CudaDeviceTest {

    @Test
    void probeNeverThrowsAndGivesAReason() {
        assertThatCode(CudaDevice::probe).doesNotThrowAnyException();
        CudaDevice.Availability a = CudaDevice.probe();
        assertThat(a.reason()).isNotBlank();
        assertThat(CudaDevice.available()).isEqualTo(a.available());
        System.out.println("CUDA available: " + a.available() + " (" + a.reason() + ")");
    }

    /**
     * The entries of the fatbin (its header: magic, version, header size, payload size; each entry: kind, flags,
     * header size, payload size, and at offset 0x1c the architecture): machine code for sm_80 and sm_90 and PTX for
     * compute_80, as built by the nvcc line in docs/gpu.md.
     */
    @Test
    void fatbinHoldsMachineCodeForSm80AndSm90AndPtx() {
        ByteBuffer b = ByteBuffer.wrap(CudaDevice.readKernels()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0xBA55ED50);
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long end = headerSize + b.getLong(8);
        assertThat(end).isEqualTo(b.capacity());
        List<String> entries = new ArrayList<>();
        String section = "\0.text." + CudaDevice.KERNEL + "\0"; // each ELF's section names are stored plainly
        for (long at = headerSize; at < end; ) {
            int o = Math.toIntExact(at);
            int payload = o + b.getInt(o + 4);
            int size = Math.toIntExact(b.getLong(o + 8));
            String kind = b.getShort(o) == 1 ? "ptx" : b.getShort(o) == 2 ? "sass" : "kind " + b.getShort(o);
            if (kind.equals("sass")) {
                assertThat(new String(b.array(), payload, size, StandardCharsets.ISO_8859_1))
                        .contains(section);
            }
            entries.add(kind + " " + b.getInt(o + 0x1c));
            at = payload + (long) size;
        }
        assertThat(entries).containsExactly("ptx 80", "sass 80", "sass 90");
    }
}
