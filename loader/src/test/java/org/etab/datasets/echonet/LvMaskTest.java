package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.etab.decode.Deadline;
import org.junit.jupiter.api.Test;

/**
 * Expected masks are worked out by hand from the reference rules (rint, then centre inside or on an edge or
 * vertex) and drawn as text: '#' = 1, '.' = 0, one line per row.
 */
class LvMaskTest {

    /**
     * A tracing whose chords are {x1, y1, x2, y2}; row 0 is a long axis far outside every test polygon, so
     * any test would fail if it were used.
     */
    static Tracing tracing(float[]... chords) {
        int n = chords.length + 1;
        float[] x1 = new float[n], y1 = new float[n], x2 = new float[n], y2 = new float[n];
        x1[0] = -50;
        y1[0] = -50;
        x2[0] = 500;
        y2[0] = 500;
        for (int i = 0; i < chords.length; i++) {
            x1[i + 1] = chords[i][0];
            y1[i + 1] = chords[i][1];
            x2[i + 1] = chords[i][2];
            y2[i + 1] = chords[i][3];
        }
        return new Tracing(7, x1, y1, x2, y2);
    }

    static float[] chord(double x1, double y1, double x2, double y2) {
        return new float[] {(float) x1, (float) y1, (float) x2, (float) y2};
    }

    static String mask(Tracing t, int height, int width) {
        byte[] out = new byte[height * width];
        Arrays.fill(out, (byte) 7); // every element must be overwritten
        LvMask.rasterize(t, height, width, out);
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                byte b = out[r * width + c];
                sb.append(b == 1 ? '#' : b == 0 ? '.' : '?');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void rectangleIncludesItsBorderPixels() {
        // vertices (1,1) (1,3) (4,3) (4,1): columns 1..4, rows 1..3, the right and bottom edges included
        Tracing t = tracing(chord(1, 1, 4, 1), chord(1, 3, 4, 3));
        assertThat(mask(t, 6, 6)).isEqualTo("""
                ......
                .####.
                .####.
                .####.
                ......
                ......
                """);
    }

    @Test
    void triangleIncludesPixelCentresExactlyOnItsSlantedRightEdge() {
        // vertices (0,0) (0,3) (0,3) (6,0): the hypotenuse x + 2y = 6 passes through the centres (4,1) (2,2)
        // (0,3), which are in; (5,1) and (3,2) lie just beyond it and are out.
        Tracing t = tracing(chord(0, 0, 6, 0), chord(0, 3, 0, 3));
        assertThat(mask(t, 5, 8)).isEqualTo("""
                #######.
                #####...
                ###.....
                #.......
                ........
                """);
    }

    @Test
    void triangleIncludesPixelCentresExactlyOnItsSlantedLeftEdge() {
        // vertices (0,0) (6,3) (6,3) (6,0): the hypotenuse x = 2y passes through (2,1) (4,2) (6,3), all in;
        // (1,1) and (3,2) lie just beyond it and are out.
        Tracing t = tracing(chord(0, 0, 6, 0), chord(6, 3, 6, 3));
        assertThat(mask(t, 5, 8)).isEqualTo("""
                #######.
                ..#####.
                ....###.
                ......#.
                ........
                """);
    }

    @Test
    void diamondWithVerticesOnPixelCentres() {
        // vertices (2,0) (0,2) (2,4) (2,4) (4,2) (2,0): |x-2| + |y-2| <= 2; each vertex is a lone extreme pixel
        Tracing t = tracing(chord(2, 0, 2, 0), chord(0, 2, 4, 2), chord(2, 4, 2, 4));
        assertThat(mask(t, 6, 6)).isEqualTo("""
                ..#...
                .###..
                #####.
                .###..
                ..#...
                ......
                """);
    }

    @Test
    void clipsPolygonsPartlyOutsideTheFrame() {
        // x -2..2, y -3..2: only rows 0..2, columns 0..2 are in the frame
        assertThat(mask(tracing(chord(-2, -3, 2, -3), chord(-2, 2, 2, 2)), 4, 4))
                .isEqualTo("""
                ###.
                ###.
                ###.
                ....
                """);
        // x 2..9, y 2..8 in a 4 x 5 frame: cut at the right and bottom
        assertThat(mask(tracing(chord(2, 2, 9, 2), chord(2, 8, 9, 8)), 4, 5)).isEqualTo("""
                .....
                .....
                ..###
                ..###
                """);
    }

    @Test
    void polygonsEntirelyOutsideGiveAnEmptyMask() {
        assertThat(mask(tracing(chord(10, 10, 12, 10), chord(10, 12, 12, 12)), 4, 4))
                .isEqualTo("....\n....\n....\n....\n");
        assertThat(mask(tracing(chord(-9, -9, -5, -9), chord(-9, -5, -5, -5)), 4, 4))
                .isEqualTo("....\n....\n....\n....\n");
    }

    @Test
    void roundsHalvesToEven() {
        // x 2.5 -> 2 and 3.5 -> 4, y 0.5 -> 0 and 1.5 -> 2: columns 2..4, rows 0..2.
        // (Half-up rounding would give columns 3..4 and rows 1..2; truncation columns 2..3 and rows 0..1.)
        Tracing t = tracing(chord(2.5, 0.5, 3.5, 0.5), chord(2.5, 1.5, 3.5, 1.5));
        assertThat(mask(t, 4, 6)).isEqualTo("""
                ..###.
                ..###.
                ..###.
                ......
                """);
        // x 1.5 -> 2 and 4.5 -> 4, y 1 and 2.5 -> 2: columns 2..4 (half-up would give 2..5), rows 1..2
        Tracing u = tracing(chord(1.5, 1, 4.5, 1), chord(1.5, 2.5, 4.5, 2.5));
        assertThat(mask(u, 4, 6)).isEqualTo("""
                ......
                ..###.
                ..###.
                ......
                """);
        // just off the tie, ordinary rounding: 2.51 -> 3 and 4.49 -> 4
        Tracing v = tracing(chord(2.51, 0, 4.49, 0), chord(2.51, 1, 4.49, 1));
        assertThat(mask(v, 3, 6)).isEqualTo("""
                ...##.
                ...##.
                ......
                """);
    }

    @Test
    void aSingleChordMarksOnlyItsTwoVertices() {
        // the "polygon" (0,0) (4,2) has zero area: scikit-image marks its vertices but not the centre (2,1)
        // lying on the segment (the crossings at the point cancel), and the reference does the same
        assertThat(mask(tracing(chord(0, 0, 4, 2)), 3, 5)).isEqualTo("""
                #....
                .....
                ....#
                """);
    }

    @Test
    void framesOneRowHighOrOneColumnWideAreDrawn() {
        Tracing t = tracing(chord(0, 0, 3, 0), chord(0, 2, 3, 2)); // the rectangle of columns 0-3, rows 0-2
        assertThat(mask(t, 1, 5)).isEqualTo("####.\n");
        assertThat(mask(t, 4, 1)).isEqualTo("#\n#\n#\n.\n");
    }

    @Test
    void aTracingWithoutChordsGivesAnEmptyMask() {
        Tracing axisOnly = new Tracing(0, new float[] {1}, new float[] {1}, new float[] {3}, new float[] {3});
        assertThat(mask(axisOnly, 2, 3)).isEqualTo("...\n...\n");
    }

    @Test
    void saysWhetherTheMaskWasCompletedBeforeItsDeadline() {
        Tracing t = tracing(chord(1, 1, 4, 1), chord(1, 3, 4, 3));
        long passed = System.nanoTime() - 1; // a deadline already behind us
        assertThat(LvMask.rasterize(t, 4, 4, new byte[16], Deadline.NONE)).isTrue();
        assertThat(LvMask.rasterize(t, 4, 4, new byte[16], passed)).isFalse();
        Tracing axisOnly = new Tracing(0, new float[] {1}, new float[] {1}, new float[] {3}, new float[] {3});
        assertThat(LvMask.rasterize(axisOnly, 4, 4, new byte[16], passed)).isTrue(); // nothing to draw: complete
    }

    /** Rows crossed by more than 4,096 edges check the deadline per pixel; without a deadline they are drawn whole. */
    @Test
    void rowsCrossedByThousandsOfEdgesAreDrawnWholeWithoutADeadline() {
        float[][] chords = new float[2_100][]; // zigzagging between rows 0 and 10: each edge crosses the rows between
        for (int i = 0; i < chords.length; i++) {
            int y = i % 2 == 0 ? 0 : 10;
            chords[i] = chord(1 + i % 3, y, 6 - i % 2, y);
        }
        Tracing t = tracing(chords);
        byte[] out = new byte[12 * 8];
        assertThat(LvMask.rasterize(t, 12, 8, out, Deadline.NONE)).isTrue();
        assertThat(out).isEqualTo(literal(t, 12, 8));
    }

    @Test
    void coordinatesOfExactlyPlusOrMinus2To28AreAccepted() {
        float limit = LvMask.MAX_COORDINATE; // 2^28, exact in a float
        Tracing t = tracing(chord(1, 1, limit, 1), chord(-limit, 3, 4, 3));
        byte[] out = new byte[4 * 6];
        LvMask.rasterize(t, 4, 6, out);
        assertThat(out).isEqualTo(literal(t, 4, 6));
    }

    @Test
    void drawsIntoTheStartOfALongerArrayAndLeavesTheRest() {
        Tracing t = tracing(chord(1, 1, 4, 1), chord(1, 3, 4, 3));
        byte[] exact = new byte[16];
        LvMask.rasterize(t, 4, 4, exact);
        byte[] longer = new byte[25];
        Arrays.fill(longer, (byte) 7);
        LvMask.rasterize(t, 4, 4, longer);
        assertThat(Arrays.copyOf(longer, 16)).isEqualTo(exact);
        assertThat(Arrays.copyOfRange(longer, 16, 25)).containsOnly((byte) 7);
    }

    @Test
    void checksItsArguments() {
        Tracing t = tracing(chord(1, 1, 4, 1), chord(1, 3, 4, 3));
        assertThatThrownBy(() -> LvMask.rasterize(t, 4, 4, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16")
                .hasMessageContaining("15");
        assertThatThrownBy(() -> LvMask.rasterize(t, 0, 4, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("height");
        Tracing nan = tracing(chord(1, 1, 4, 1), chord(1, Float.NaN, 4, 3));
        assertThatThrownBy(() -> LvMask.rasterize(nan, 4, 4, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Y1 of tracing row 2");
        Tracing huge = tracing(chord(1, 1, 4e9, 1), chord(1, 3, 4, 3));
        assertThatThrownBy(() -> LvMask.rasterize(huge, 4, 4, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X2 of tracing row 1");
        Tracing infiniteX1 = tracing(chord(1, 1, 4, 1), chord(Float.POSITIVE_INFINITY, 3, 4, 3));
        assertThatThrownBy(() -> LvMask.rasterize(infiniteX1, 4, 4, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X1 of tracing row 2");
        Tracing hugeY2 = tracing(chord(1, 1, 4, 1), chord(1, 3, 4, -4e9));
        assertThatThrownBy(() -> LvMask.rasterize(hugeY2, 4, 4, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Y2 of tracing row 2");
    }

    /**
     * 32 chords are 64 vertices, exactly the scratch a thread's first tracing gets: rasterized on a thread that has
     * drawn nothing yet, no vertex past the last may be read.
     */
    @Test
    void aTracingThatFillsAFreshThreadsScratchExactly() throws Exception {
        float[][] chords = new float[32][];
        for (int i = 0; i < 32; i++) {
            chords[i] = chord(2 + i % 2, 4 + i, 20 + i % 3, 4 + i); // jagged walls, one row apart
        }
        Tracing t = tracing(chords);
        ExecutorService fresh = Executors.newSingleThreadExecutor();
        try {
            byte[] out = fresh.submit(() -> {
                        byte[] m = new byte[40 * 48];
                        LvMask.rasterize(t, 40, 48, m);
                        return m;
                    })
                    .get();
            assertThat(out).isEqualTo(literal(t, 40, 48));
        } finally {
            fresh.shutdown();
        }
    }

    /**
     * The row-wise implementation against the rule applied literally to every pixel of the frame (ray
     * crossings to the right and to the left, in doubles, which are exact for these small integers), on
     * random self-intersecting polygons with many half-pixel ties and vertices outside the frame.
     */
    @Test
    void agreesWithTheLiteralRuleOnRandomPolygons() {
        Random random = new Random(20240611);
        int height = 40, width = 48;
        byte[] out = new byte[height * width];
        for (int trial = 0; trial < 2_000; trial++) {
            int chords = 1 + random.nextInt(25);
            float[][] cs = new float[chords][];
            for (int i = 0; i < chords; i++) {
                cs[i] = new float[] {
                    coordinate(random, width),
                    coordinate(random, height),
                    coordinate(random, width),
                    coordinate(random, height)
                };
            }
            Tracing t = tracing(cs);
            LvMask.rasterize(t, height, width, out);
            byte[] expected = literal(t, height, width);
            assertThat(out).as("trial %d", trial).isEqualTo(expected);
        }
    }

    private static float coordinate(Random random, int size) {
        // halves, integers and arbitrary values, some outside the frame
        float v = random.nextFloat() * (size + 10) - 5;
        switch (random.nextInt(3)) {
            case 0:
                return (float) (Math.floor(v) + 0.5);
            case 1:
                return (float) Math.floor(v);
            default:
                return v;
        }
    }

    private static byte[] literal(Tracing t, int height, int width) {
        int chords = t.rows() - 1;
        int n = 2 * chords;
        double[] px = new double[n], py = new double[n];
        for (int k = 0; k < chords; k++) {
            px[k] = Math.rint(t.x1()[k + 1]);
            py[k] = Math.rint(t.y1()[k + 1]);
            px[n - 1 - k] = Math.rint(t.x2()[k + 1]);
            py[n - 1 - k] = Math.rint(t.y2()[k + 1]);
        }
        byte[] mask = new byte[height * width];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                boolean vertex = false;
                int rightCrossings = 0, leftCrossings = 0;
                for (int i = 0; i < n; i++) {
                    int j = (i + n - 1) % n;
                    double ax = px[i] - c, ay = py[i] - r, bx = px[j] - c, by = py[j] - r;
                    if (ax == 0 && ay == 0) {
                        vertex = true;
                    }
                    if ((ay > 0) != (by > 0) && (ax * by - bx * ay) / (by - ay) > 0) {
                        rightCrossings++;
                    }
                    if ((ay < 0) != (by < 0) && (ax * by - bx * ay) / (by - ay) < 0) {
                        leftCrossings++;
                    }
                }
                boolean inside = rightCrossings % 2 == 1;
                boolean onEdge = rightCrossings % 2 != leftCrossings % 2;
                mask[r * width + c] = (byte) (vertex || inside || onEdge ? 1 : 0);
            }
        }
        return mask;
    }
}
