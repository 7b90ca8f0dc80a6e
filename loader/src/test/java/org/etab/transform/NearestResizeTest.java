package org.etab.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class NearestResizeTest {

    @Test
    void upscaleRepeatsPixelsAndKeepsMaskValues() {
        byte[] src = {0, 1, 1, 0}; // 2x2
        ByteBuffer out = ByteBuffer.allocate(16);
        NearestResize.write(src, 2, 2, out, 0, 4, 4);
        byte[] got = new byte[16];
        out.get(0, got);
        assertThat(got).containsExactly(
                0, 0, 1, 1,
                0, 0, 1, 1,
                1, 1, 0, 0,
                1, 1, 0, 0);
    }

    @Test
    void downscalePicksFloorOfScaledIndex() {
        byte[] src = new byte[9]; // 3x3 with the centre set
        src[4] = 1;
        ByteBuffer out = ByteBuffer.allocate(5 + 4);
        NearestResize.write(src, 3, 3, out, 5, 2, 2);
        // rows/cols 0 and 1 map to source 0 and 1 (floor(1 * 3 / 2) = 1)
        assertThat(new byte[] {out.get(5), out.get(6), out.get(7), out.get(8)}).containsExactly(0, 0, 0, 1);
    }
}
