package org.etab.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestResizeTest {

    @Test
    void upscaleRepeatsPixelsAndKeepsMaskValues() {
        byte[] src = {0, 1, 1, 0}; // 2x2
        ByteBuffer out = ByteBuffer.allocate(16);
        NearestResize.write(src, 2, 2, out, 0, 4, 4);
        byte[] got = new byte[16];
        out.get(0, got);
        assertThat(got).containsExactly(0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0);
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

    @Test
    void everyPixelIsTheSourcePixelOfTheIntegerRuleForManySizes() {
        Random random = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int sw = 1 + random.nextInt(300);
            int sh = 1 + random.nextInt(300);
            int dw = 1 + random.nextInt(300);
            int dh = 1 + random.nextInt(300);
            byte[] src = new byte[sw * sh];
            random.nextBytes(src);
            int base = random.nextInt(7);
            ByteBuffer out = ByteBuffer.allocate(base + dw * dh + 3);
            NearestResize.write(src, sw, sh, out, base, dh, dw);
            for (int y = 0; y < dh; y++) {
                for (int x = 0; x < dw; x++) {
                    // floor(y * sh / dh), floor(x * sw / dw), in exact arithmetic
                    int sy = java.math.BigInteger.valueOf(y)
                            .multiply(java.math.BigInteger.valueOf(sh))
                            .divide(java.math.BigInteger.valueOf(dh))
                            .intValueExact();
                    int sx = java.math.BigInteger.valueOf(x)
                            .multiply(java.math.BigInteger.valueOf(sw))
                            .divide(java.math.BigInteger.valueOf(dw))
                            .intValueExact();
                    if (out.get(base + y * dw + x) != src[sy * sw + sx]) {
                        throw new AssertionError(sw + "x" + sh + " -> " + dw + "x" + dh + ": (" + x + ", " + y + ")");
                    }
                }
            }
            for (int k = 0; k < base; k++) {
                assertThat(out.get(k)).as("before base").isZero();
            }
            for (int k = base + dw * dh; k < out.capacity(); k++) {
                assertThat(out.get(k)).as("after the mask").isZero();
            }
        }
    }

    @Test
    void theRuleTakesTheExactRowWhereFloatingPointWouldTakeTheOneBefore() {
        // 244 -> 224: output row 56 is source row 61 exactly (56 * 244 / 224 = 61), row 112 is 122
        byte[] src = new byte[244];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) i;
        }
        ByteBuffer out = ByteBuffer.allocate(224);
        NearestResize.write(src, 1, 244, out, 0, 224, 1);
        assertThat(out.get(56)).isEqualTo((byte) 61);
        assertThat(out.get(112)).isEqualTo((byte) 122);
        assertThat(out.get(168)).isEqualTo((byte) 183);
    }

    @Test
    void aMaskOfTheOutputSizeIsCopiedWholeAtTheBase() {
        byte[] src = {1, 2, 3, 4, 5, 6}; // 3x2
        ByteBuffer out = ByteBuffer.allocate(8);
        NearestResize.write(src, 3, 2, out, 1, 2, 3);
        byte[] got = new byte[8];
        out.get(0, got);
        assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 0);
    }
}
