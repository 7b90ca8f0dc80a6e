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

    private static int[] unsigned(ByteBuffer b, int from, int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = b.get(from + i) & 0xff;
        }
        return v;
    }

    @Test
    void aOneByOneOutputIsAllowedAndTheSettingsReadBack() {
        FrameTransform one = new FrameTransform(1, 1, 1, false, DType.FLOAT32);
        assertThat(one.height()).isEqualTo(1);
        assertThat(one.width()).isEqualTo(1);
        Resampling pillow = new Resampling(ResizeFilter.BICUBIC, true);
        FrameTransform t = new FrameTransform(2, 3, 3, false, DType.UINT8, pillow);
        assertThat(t.height()).isEqualTo(2);
        assertThat(t.width()).isEqualTo(3);
        assertThat(t.channels()).isEqualTo(3);
        assertThat(t.resampling()).isEqualTo(pillow);
    }

    /** A frame resized along one axis only must be resized, not copied as if it already had the output size. */
    @Test
    void uint8ResizesAFrameThatDiffersInOneAxisOnly() {
        FrameTransform t = new FrameTransform(2, 2, 1, false, DType.UINT8);
        ByteBuffer out = ByteBuffer.allocate(4);
        // 4x2 -> 2x2: columns (0, 1) and (2, 3) blended half and half, rows kept
        t.writeBytes(
                new byte[] {0, 70, (byte) 140, (byte) 210, 7, 77, (byte) 147, (byte) 217},
                4,
                2,
                out,
                0,
                4,
                t.newScratch());
        assertThat(unsigned(out, 0, 4)).containsExactly(35, 175, 42, 182);
        // 2x4 -> 2x2: rows (0, 1) and (2, 3): 3.5, 73.5, 17.5, 87.5 rounded half up
        t.writeBytes(new byte[] {0, 70, 7, 77, 14, 84, 21, 91}, 2, 4, out, 0, 4, t.newScratch());
        assertThat(unsigned(out, 0, 4)).containsExactly(4, 74, 18, 88);
    }

    /**
     * One transform sees frames of several sizes (a dataset's videos differ): each size must get its own resize
     * table, also when two sizes share their height. Default bilinear and OpenCV nearest (its own resampler cache).
     */
    @Test
    void framesOfSeveralSizesThroughOneTransformEachGetTheirOwnResize() {
        FrameTransform bilinear = new FrameTransform(2, 2, 1, false, DType.UINT8);
        FrameTransform.Scratch scratch = bilinear.newScratch();
        ByteBuffer out = ByteBuffer.allocate(4);
        bilinear.writeBytes(
                new byte[] {0, 70, (byte) 140, (byte) 210, 7, 77, (byte) 147, (byte) 217}, 4, 2, out, 0, 4, scratch);
        assertThat(unsigned(out, 0, 4)).containsExactly(35, 175, 42, 182);
        // 6x2 -> 2x2: centres (o + 0.5) * 3 - 0.5 = 1 and 4, exactly on source columns
        bilinear.writeBytes(
                new byte[] {0, 10, 20, 30, 40, 50, 100, 110, 120, (byte) 130, (byte) 140, (byte) 150},
                6,
                2,
                out,
                0,
                4,
                scratch);
        assertThat(unsigned(out, 0, 4)).containsExactly(10, 40, 110, 140);

        FrameTransform nearest =
                new FrameTransform(2, 2, 1, false, DType.UINT8, new Resampling(ResizeFilter.NEAREST, false));
        scratch = nearest.newScratch();
        // pixel (row r, column c) = 10 r + c; OpenCV nearest takes floor(o * in / out)
        nearest.writeBytes(grid(4, 6), 4, 6, out, 0, 4, scratch); // columns 0, 2; rows 0, 3
        assertThat(unsigned(out, 0, 4)).containsExactly(0, 2, 30, 32);
        nearest.writeBytes(grid(6, 6), 6, 6, out, 0, 4, scratch); // columns 0, 3; rows 0, 3
        assertThat(unsigned(out, 0, 4)).containsExactly(0, 3, 30, 33);
    }

    private static byte[] grid(int w, int h) {
        byte[] g = new byte[w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                g[r * w + c] = (byte) (10 * r + c);
            }
        }
        return g;
    }

    /** The scratch is reused from frame to frame: a second frame must not add onto the first one's result. */
    @Test
    void aSecondFrameThroughTheSameScratchIsNotAddedToTheFirst() {
        byte[] ramp = {
            0,
            70,
            (byte) 140,
            (byte) 210,
            7,
            77,
            (byte) 147,
            (byte) 217,
            14,
            84,
            (byte) 154,
            (byte) 224,
            21,
            91,
            (byte) 161,
            (byte) 231
        };
        // OpenCV area 4x4 -> 2x2: the 2x2 cells' means 38.5, 178.5, 52.5, 192.5
        Resampling area = new Resampling(ResizeFilter.AREA, false);
        FrameTransform f = new FrameTransform(2, 2, 1, false, DType.FLOAT32, area);
        FrameTransform.Scratch fs = f.newScratch();
        FloatBuffer floats = floats(4);
        for (int frame = 0; frame < 2; frame++) {
            f.writeFloat(ramp, 4, 4, floats, 0, 4, fs);
            assertThat(new float[] {floats.get(0), floats.get(1), floats.get(2), floats.get(3)})
                    .containsExactly(new float[] {38.5f / 255, 178.5f / 255, 52.5f / 255, 192.5f / 255}, within(1e-6f));
        }
        FrameTransform b = new FrameTransform(2, 2, 1, false, DType.UINT8, area);
        FrameTransform.Scratch bs = b.newScratch();
        ByteBuffer bytes = ByteBuffer.allocate(4);
        for (int frame = 0; frame < 2; frame++) {
            b.writeBytes(ramp, 4, 4, bytes, 0, 4, bs);
            assertThat(unsigned(bytes, 0, 4)).containsExactly(39, 179, 53, 193);
        }
    }

    /** A float resampler's result goes through the same normalization as the default path's. */
    @Test
    void anOpenCvResampledFrameIsNormalizedPerChannel() {
        byte[] flat = new byte[16];
        java.util.Arrays.fill(flat, (byte) 100);
        FrameTransform t = new FrameTransform(2, 2, 3, true, DType.FLOAT32, new Resampling(ResizeFilter.AREA, false));
        FloatBuffer out = floats(12);
        t.writeFloat(flat, 4, 4, out, 0, 4, t.newScratch());
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertThat((double) out.get(c * 4 + i)).isCloseTo((100 / 255.0 - mean[c]) / std[c], within(1e-5));
            }
        }
    }

    /** Padding frames: zero in every plane the frame owns, nothing outside it. */
    @Test
    void paddingWritesZerosIntoEachPlaneOfTheFrameOnly() {
        FrameTransform t = new FrameTransform(2, 3, 3, true, DType.FLOAT32);
        FloatBuffer floats = floats(24);
        for (int i = 0; i < 24; i++) {
            floats.put(i, Float.NaN);
        }
        t.writeZeros(floats, 1, 8);
        for (int c = 0; c < 3; c++) {
            assertThat(floats.get(c * 8)).isNaN();
            for (int i = 1; i <= 6; i++) {
                assertThat(floats.get(c * 8 + i)).isZero();
            }
            assertThat(floats.get(c * 8 + 7)).isNaN();
        }
        FrameTransform u = new FrameTransform(2, 3, 3, false, DType.UINT8);
        ByteBuffer bytes = ByteBuffer.allocate(24);
        for (int i = 0; i < 24; i++) {
            bytes.put(i, (byte) 0x7f);
        }
        u.writeZeros(bytes, 1, 8);
        for (int c = 0; c < 3; c++) {
            assertThat(unsigned(bytes, c * 8, 8)).containsExactly(0x7f, 0, 0, 0, 0, 0, 0, 0x7f);
        }
    }
}
