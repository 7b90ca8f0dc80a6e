package org.etab.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.etab.batch.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resize kernels pinned: small cases worked out by hand from the kernel definitions, and vectors that Pillow
 * 9.4 and OpenCV 4.6 produced once ({@code bench/compare/resize_vectors.py}, committed as
 * {@code resize-vectors.txt}): Pillow's filters (antialias true) must match to the bit, OpenCV's (false) within one
 * gray level (nearest: exactly).
 */
class ResizeKernelTest {

    record Vector(ResizeFilter filter, boolean antialias, int sw, int sh, int dw, int dh, byte[] src, int[] out) {
        @Override
        public String toString() {
            return filter.cliName() + (antialias ? " Pillow " : " OpenCV ") + sw + "x" + sh + " -> " + dw + "x" + dh;
        }
    }

    static List<Vector> vectors() throws IOException {
        List<Vector> all = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                ResizeKernelTest.class.getResourceAsStream("resize-vectors.txt"), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("case ")) {
                    continue;
                }
                String[] c = line.split(" ");
                int[] src = numbers(in.readLine(), "src ");
                int[] out = numbers(in.readLine(), "out ");
                byte[] bytes = new byte[src.length];
                for (int i = 0; i < src.length; i++) {
                    bytes[i] = (byte) src[i];
                }
                all.add(new Vector(
                        ResizeFilter.parse(c[1]),
                        Boolean.parseBoolean(c[2]),
                        Integer.parseInt(c[3]),
                        Integer.parseInt(c[4]),
                        Integer.parseInt(c[5]),
                        Integer.parseInt(c[6]),
                        bytes,
                        out));
            }
        }
        assertThat(all).hasSize(8 * 2 * 4 * 2);
        return all;
    }

    private static int[] numbers(String line, String prefix) {
        assertThat(line).startsWith(prefix);
        return java.util.Arrays.stream(line.substring(prefix.length()).split(" "))
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    private static int[] bytes(Resampling r, byte[] src, int sw, int sh, int dw, int dh) {
        FrameTransform t = new FrameTransform(dh, dw, 1, false, DType.UINT8, r);
        ByteBuffer out = ByteBuffer.allocate(dw * dh);
        t.writeBytes(src, sw, sh, out, 0, dw * dh, t.newScratch());
        int[] v = new int[dw * dh];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i) & 0xff;
        }
        return v;
    }

    /** float32 without normalization, back on the 0..255 scale. */
    private static float[] floats(Resampling r, byte[] src, int sw, int sh, int dw, int dh) {
        FrameTransform t = new FrameTransform(dh, dw, 1, false, DType.FLOAT32, r);
        FloatBuffer out = ByteBuffer.allocateDirect(dw * dh * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        t.writeFloat(src, sw, sh, out, 0, dw * dh, t.newScratch());
        float[] v = new float[dw * dh];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i) * 255f;
        }
        return v;
    }

    private static byte[] gray(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** Columns 0, 70, 140, 210 plus rows 0, 7, 14, 21. */
    private static final byte[] RAMP4 = gray(0, 70, 140, 210, 7, 77, 147, 217, 14, 84, 154, 224, 21, 91, 161, 231);

    @Test
    void pillowBilinearShrinkWidensTheTriangleByTheScale() {
        // 4 -> 2: scale 2, support 2; output 0 centred at 1.0 reads sources 0..2 with triangle((x - 1 + 0.5) / 2)
        // = 0.75, 0.75, 0.25, i.e. 3/7, 3/7, 1/7; output 1 reads 1..3 with 1/7, 3/7, 3/7.
        // columns: (0*3 + 70*3 + 140) / 7 = 50, (70 + 140*3 + 210*3) / 7 = 160; rows: 5, 16
        assertThat(bytes(new Resampling(ResizeFilter.BILINEAR, true), RAMP4, 4, 4, 2, 2))
                .containsExactly(55, 165, 66, 176);
    }

    @Test
    void pillowBicubicGrowthRenormalizesAtTheEdgesAndClips() {
        // 2 -> 5: centres 0.2, 0.6, 1.0, 1.4, 1.8 (scale 0.4), a = -0.5, taps cut to the 2 source pixels and
        // renormalized: output 0: cubic(0.3) = 0.8155, cubic(1.3) = -0.0735 -> 100 * -0.0735 / 0.742 = -9.9 -> 0;
        // output 1: cubic(-0.1) = 0.9765, cubic(0.9) = 0.0685 -> 6.55 -> 7; output 2: 0.5625 each -> 50; symmetric.
        assertThat(bytes(new Resampling(ResizeFilter.BICUBIC, true), gray(0, 100), 2, 1, 5, 1))
                .containsExactly(0, 7, 50, 93, 110);
    }

    @Test
    void openCvBicubicUsesFourClampedTapsWithAMinusThreeQuarters() {
        // 4 -> 2: position (o + 0.5) * 2 - 0.5 = 0.5 and 2.5; weights at 0.5 with a = -0.75:
        // -0.09375, 0.59375, 0.59375, -0.09375; output 0 reads sources -1 (= 0), 0, 1, 2, output 1 reads 1, 2, 3, 4 (=
        // 3).
        // columns: 70 * 0.59375 - 140 * 0.09375 = 28.4375; -6.5625 + 83.125 + 124.6875 - 19.6875 = 181.5625;
        // rows: 2.84375, 18.15625 -> 31.28, 184.41 (row 0), 46.59, 199.72 (row 1)
        assertThat(bytes(new Resampling(ResizeFilter.BICUBIC, false), RAMP4, 4, 4, 2, 2))
                .containsExactly(31, 184, 47, 200);
    }

    @Test
    void openCvAreaAveragesEachCellAndUint8RoundsHalfUp() {
        // 2x2 cells: (0 + 70 + 7 + 77) / 4 = 38.5 -> 39, 178.5 -> 179, 52.5 -> 53, 192.5 -> 193
        assertThat(bytes(new Resampling(ResizeFilter.AREA, false), RAMP4, 4, 4, 2, 2))
                .containsExactly(39, 179, 53, 193);
        assertThat(floats(new Resampling(ResizeFilter.AREA, false), RAMP4, 4, 4, 2, 2))
                .containsExactly(
                        new float[] {38.5f, 178.5f, 52.5f, 192.5f}, org.assertj.core.api.Assertions.within(1e-3f));
    }

    @Test
    void nearestPicksPixelCentresWithPillowAndCornersWithOpenCv() {
        byte[] row = gray(0, 10, 20, 30, 40, 50);
        // 6 -> 4: Pillow floor((o + 0.5) * 1.5) = 0, 2, 3, 5; OpenCV floor(o * 1.5) = 0, 1, 3, 4
        assertThat(bytes(new Resampling(ResizeFilter.NEAREST, true), row, 6, 1, 4, 1))
                .containsExactly(0, 20, 30, 50);
        assertThat(bytes(new Resampling(ResizeFilter.NEAREST, false), row, 6, 1, 4, 1))
                .containsExactly(0, 10, 30, 40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesThePillowAndOpenCvVectors(Vector v) {
        Resampling r = new Resampling(v.filter(), v.antialias());
        int[] got = bytes(r, v.src(), v.sw(), v.sh(), v.dw(), v.dh());
        float[] asFloat = floats(r, v.src(), v.sw(), v.sh(), v.dw(), v.dh());
        boolean exact = v.antialias() || v.filter() == ResizeFilter.NEAREST;
        int worst = 0;
        float worstFloat = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - v.out()[i]));
            worstFloat = Math.max(worstFloat, Math.abs(asFloat[i] - v.out()[i]));
        }
        if (exact) {
            assertThat(got).as("uint8").containsExactly(v.out());
            assertThat(worstFloat).as("float32 * 255").isLessThan(1e-3f);
        } else {
            assertThat(worst).as("uint8, max |ours - OpenCV|").isLessThanOrEqualTo(1);
            assertThat(worstFloat).as("float32 * 255, max |ours - OpenCV|").isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void unknownFilterIsRefusedNamingTheAcceptedOnes() {
        assertThatThrownBy(() -> ResizeFilter.parse("lanczos"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resize must be nearest, bilinear, bicubic or area but was 'lanczos'");
        assertThat(ResizeFilter.parse("BiCubic")).isEqualTo(ResizeFilter.BICUBIC);
    }

    @Test
    void pillowResizesAFrameThatDiffersInOneAxisOnly() {
        // RAMP4 is 70 * column + 7 * row; Pillow's bilinear 4 -> 2 (weights 3/7, 3/7, 1/7 and mirrored) maps the
        // columns 0, 70, 140, 210 to 50, 160 and the rows 0, 7, 14, 21 to 5, 16 (see above); the other axis is kept
        Resampling pillow = new Resampling(ResizeFilter.BILINEAR, true);
        assertThat(bytes(pillow, RAMP4, 4, 4, 4, 2)).containsExactly(5, 75, 145, 215, 16, 86, 156, 226);
        assertThat(bytes(pillow, RAMP4, 4, 4, 2, 4)).containsExactly(50, 160, 57, 167, 64, 174, 71, 181);
    }

    /**
     * OpenCV's INTER_AREA averages cells whenever no axis grows, also when one axis keeps its size: a shrink by 3
     * along the other axis averages three pixels (the growing formula would blend two, 2/3 and 1/3).
     */
    @Test
    void openCvAreaAveragesCellsWhenOneAxisKeepsItsSize() {
        Resampling area = new Resampling(ResizeFilter.AREA, false);
        // 4 columns x 6 rows, 70 * column + 7 * row: rows 0..2 average 7, rows 3..5 average 28
        byte[] tall = new byte[24];
        // 6 columns x 4 rows, 7 * column + 70 * row: columns 0..2 average 7, columns 3..5 average 28
        byte[] wide = new byte[24];
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 4; c++) {
                tall[r * 4 + c] = (byte) (70 * c + 7 * r);
                wide[c * 6 + r] = (byte) (7 * r + 70 * c);
            }
        }
        assertThat(floats(area, tall, 4, 6, 4, 2))
                .containsExactly(
                        new float[] {7, 77, 147, 217, 28, 98, 168, 238}, org.assertj.core.api.Assertions.within(1e-3f));
        assertThat(floats(area, wide, 6, 4, 2, 4))
                .containsExactly(
                        new float[] {7, 28, 77, 98, 147, 168, 217, 238}, org.assertj.core.api.Assertions.within(1e-3f));
    }

    @Test
    void eachFilterParsesFromItsCommandLineName() {
        assertThat(ResizeFilter.AREA.cliName()).isEqualTo("area");
        for (ResizeFilter f : ResizeFilter.values()) {
            assertThat(ResizeFilter.parse(f.cliName())).isEqualTo(f);
        }
    }
}
