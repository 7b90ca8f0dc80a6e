package org.etab.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.etab.batch.DType;
import org.junit.jupiter.api.Test;

class FrameTransformTest {

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void imagenetNormalizationMatchesTheFormulaInDoublePrecision() {
        FrameTransform t = new FrameTransform(2, 2, 3, true, DType.FLOAT32);
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                assertThat((double) t.value(v, c)).isCloseTo((v / 255.0 - mean[c]) / std[c], within(1e-5));
            }
        }
    }

    @Test
    void withoutNormalizationPixelsLandInZeroToOne() {
        FrameTransform t = new FrameTransform(1, 2, 3, false, DType.FLOAT32);
        FloatBuffer out = floats(6);
        t.writeFloat(new byte[] {0, (byte) 255}, 2, 1, out, 0, 2, t.newScratch());
        assertThat(new float[] {out.get(0), out.get(1), out.get(2), out.get(3), out.get(4), out.get(5)})
                .containsExactly(0f, 1f, 0f, 1f, 0f, 1f);
    }

    @Test
    void grayIsReplicatedIntoEachChannelPlaneAtTheGivenStride() {
        FrameTransform t = new FrameTransform(2, 2, 3, true, DType.FLOAT32);
        byte[] gray = {10, 20, 30, (byte) 200};
        // [C=3, T=2, H=2, W=2]: frame t=1 starts at 4, channel stride 8
        FloatBuffer out = floats(24);
        for (int i = 0; i < 24; i++) {
            out.put(i, Float.NaN); // poison: every element the frame owns must be written
        }
        t.writeFloat(gray, 2, 2, out, 4, 8, t.newScratch());
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertThat(out.get(c * 8 + 4 + i)).isEqualTo(t.value(gray[i] & 0xff, c));
                assertThat(out.get(c * 8 + i)).isNaN(); // frame 0 untouched
            }
        }
    }

    @Test
    void bilinearUpscaleFollowsHalfPixelCentres() {
        // 2x1 -> 4x1: OpenCV INTER_LINEAR gives 0, 25, 75, 100 for a 0..100 ramp
        FrameTransform t = new FrameTransform(1, 4, 1, false, DType.FLOAT32);
        FloatBuffer out = floats(4);
        t.writeFloat(new byte[] {0, 100}, 2, 1, out, 0, 4, t.newScratch());
        assertThat(new float[] {out.get(0), out.get(1), out.get(2), out.get(3)})
                .containsExactly(new float[] {0f, 25 / 255f, 75 / 255f, 100 / 255f}, within(1e-6f));
    }

    @Test
    void bilinearDownscaleByTwoAveragesPairs() {
        // 4x4 -> 2x2: each output centre falls between 2x2 source pixels
        byte[] src = new byte[16];
        for (int i = 0; i < 16; i++) {
            src[i] = (byte) (i * 10);
        }
        FrameTransform t = new FrameTransform(2, 2, 1, false, DType.FLOAT32);
        FloatBuffer out = floats(4);
        t.writeFloat(src, 4, 4, out, 0, 4, t.newScratch());
        // top-left output = mean of src[0], src[1], src[4], src[5] = (0 + 10 + 40 + 50) / 4 = 25
        assertThat(out.get(0) * 255f).isCloseTo(25f, within(1e-3f));
        assertThat(out.get(3) * 255f).isCloseTo((100 + 110 + 140 + 150) / 4f, within(1e-3f));
    }

    @Test
    void nonSquareResizeWritesEveryOutputPixel() {
        byte[] src = new byte[7 * 5];
        java.util.Arrays.fill(src, (byte) 128);
        FrameTransform t = new FrameTransform(3, 11, 3, true, DType.FLOAT32);
        FloatBuffer out = floats(3 * 33);
        for (int i = 0; i < 99; i++) {
            out.put(i, Float.NaN);
        }
        t.writeFloat(src, 7, 5, out, 0, 33, t.newScratch());
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 33; i++) {
                assertThat(out.get(c * 33 + i)).isCloseTo(t.value(128, c), within(1e-5f));
            }
        }
    }

    @Test
    void uint8KeepsRawPixelsAndResizesWithRounding() {
        FrameTransform t = new FrameTransform(1, 4, 3, false, DType.UINT8);
        ByteBuffer out = ByteBuffer.allocateDirect(12);
        t.writeBytes(new byte[] {0, 100}, 2, 1, out, 0, 4, t.newScratch());
        for (int c = 0; c < 3; c++) {
            assertThat(new int[] {
                        out.get(c * 4) & 0xff,
                        out.get(c * 4 + 1) & 0xff,
                        out.get(c * 4 + 2) & 0xff,
                        out.get(c * 4 + 3) & 0xff
                    })
                    .containsExactly(0, 25, 75, 100);
        }
    }

    @Test
    void impossibleCombinationsFailWhenBuilt() {
        assertThatThrownBy(() -> new FrameTransform(112, 112, 3, true, DType.UINT8))
                .hasMessageContaining("normalize");
        assertThatThrownBy(() -> new FrameTransform(112, 112, 2, false, DType.FLOAT32))
                .hasMessageContaining("channels must be 1 (gray) or 3 (RGB) but was 2");
        assertThatThrownBy(() -> new FrameTransform(0, 112, 3, false, DType.FLOAT32))
                .hasMessageContaining("0x112");
    }
}
