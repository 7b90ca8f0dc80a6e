package org.etab.datasets.echonet;

import java.util.Arrays;
import java.util.Objects;
import org.etab.decode.Deadline;

/**
 * The LV cavity mask of one EchoNet-Dynamic tracing, pixel for pixel as the reference computes it
 * (echonet-dynamic {@code Echo}, scikit-image {@code draw.polygon}).
 *
 * <p>Reference semantics: the chord rows only (row 0, the long axis, is skipped) make the polygon
 * {@code x = X1[1:] ++ reverse(X2[1:])}, {@code y = Y1[1:] ++ reverse(Y2[1:])}; each coordinate is rounded
 * to the nearest integer, ties to even ({@link Math#rint}, numpy's {@code rint}). Pixel (row r, col c) is 1
 * when its centre (c, r) is inside the polygon by the crossing-number test or lies exactly on an edge or a
 * vertex (scikit-image's {@code point_in_polygon}, O'Rourke's ray crossing counted to the right and to the
 * left: inside when the right count is odd, on an edge when the two parities differ). Pixels outside the
 * frame are clipped. A degenerate polygon follows the same rules (a one-chord "polygon" marks only its
 * two vertices, as scikit-image does).
 *
 * <p>After rounding everything is integer, so the edge tests are exact ({@code long} arithmetic, no
 * epsilon); coordinates must lie within +-2^28 px so that no product can overflow.
 *
 * <p>{@link Tracing} holds float32 coordinates while the reference rounds the float64 value of the CSV text.
 * A CSV value within float32 precision of a half (about 4e-6 px near 100 px, e.g. {@code 51.4999999}) would
 * become exactly {@code .5} and could round the other way, so the reader moves such a value one ulp toward the
 * text ({@code TracingRows.roundsAsWritten}): it rounds here as it does in the reference.
 *
 * <p>Threading: stateless apart from a per-thread scratch buffer; safe to call from any thread.
 * Cost: only the polygon's bounding box (clipped to the frame) is visited, and per row only the edges that
 * cross it are tested; no allocation per call once the thread's scratch has grown to the tracing size.
 */
public final class LvMask {
    /** Rounded coordinates beyond this could overflow the exact edge test. */
    static final int MAX_COORDINATE = 1 << 28;

    private static final ThreadLocal<Polygon> POLYGON = ThreadLocal.withInitial(Polygon::new);

    private LvMask() {}

    /**
     * Writes 0/1 into {@code out[row * width + col]} for the LV cavity of one tracing. Every element of the first
     * {@code height * width} is written; the rest of {@code out} is left alone (a worker's mask buffer only grows,
     * so it may be longer than this mask). A tracing without chord rows gives an empty mask.
     *
     * @param tracing the tracing, in pixel coordinates of the frame
     * @param height  the frame height, rows, >= 1
     * @param width   the frame width, columns, >= 1
     * @param out     the caller's buffer, row-major, at least {@code height * width} long
     * @throws IllegalArgumentException when height or width is below 1, {@code out} is shorter than
     *                                  {@code height * width}, or a chord coordinate is not finite or beyond +-2^28
     */
    public static void rasterize(Tracing tracing, int height, int width, byte[] out) {
        rasterize(tracing, height, width, out, Deadline.NONE);
    }

    /**
     * As {@link #rasterize(Tracing, int, int, byte[])}, giving up once {@code deadlineNanos} has passed. The work is
     * about rows x columns x the edges a row crosses: a crafted tracing of many chords zigzagging across the frame
     * (300,000 chords, an 11 MB VolumeTracings.csv) took 18 s a sample at 112x112, past any sample timeout.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline ({@link Deadline}), or {@link Deadline#NONE}
     * @return true when the mask is complete; false when the deadline passed first (the mask is then partial)
     * @throws IllegalArgumentException as {@link #rasterize(Tracing, int, int, byte[])}
     */
    public static boolean rasterize(Tracing tracing, int height, int width, byte[] out, long deadlineNanos) {
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(out, "out");
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "height >= 1 and width >= 1 required but were " + height + " and " + width);
        }
        if ((long) height * width > out.length) {
            throw new IllegalArgumentException(
                    "out.length >= height * width (" + (long) height * width + ") required but was " + out.length);
        }
        Arrays.fill(out, 0, height * width, (byte) 0);
        int chords = tracing.rows() - 1;
        if (chords < 1) {
            return true;
        }
        Polygon poly = POLYGON.get();
        poly.set(tracing, chords);
        int rowLo = Math.max(0, poly.minY), rowHi = Math.min(height - 1, poly.maxY);
        int colLo = Math.max(0, poly.minX), colHi = Math.min(width - 1, poly.maxX);
        for (int r = rowLo; r <= rowHi; r++) {
            if (Deadline.passed(deadlineNanos)) {
                return false;
            }
            if (!poly.meetsRow(r)) {
                continue;
            }
            int base = r * width;
            for (int c = colLo; c <= colHi; c++) {
                if (poly.edges > 4096 && Deadline.passed(deadlineNanos)) {
                    return false; // a row of many edges may itself take long
                }
                if (poly.covers(c)) {
                    out[base + c] = 1;
                }
            }
        }
        return true;
    }

    private static int round(float value, int row, String column) {
        double rounded = Math.rint(value); // ties to even, like numpy's rint
        if (!(Math.abs(rounded) <= MAX_COORDINATE)) { // also catches NaN
            throw new IllegalArgumentException(
                    column + " of tracing row " + row + " must be finite and within +-2^28 but was " + value);
        }
        return (int) rounded;
    }

    /**
     * The rounded polygon of one tracing and, for one row at a time, the edges its line crosses and the vertices on
     * it. Per thread, its arrays grown to the largest tracing seen.
     */
    private static final class Polygon {
        int[] vx = new int[0];
        int[] vy = new int[0];
        int n;
        int minX, maxX, minY, maxY;
        // the current row's: per edge j->i that can cross it, A = xi(yj-r) - xj(yi-r) and d = yj-yi, so that the
        // signed crossing offset seen from (c, r), ((xi-c)(yj-r) - (xj-c)(yi-r)) / (yj-yi), is (A - c*d) / d
        long[] edgeA = new long[0];
        long[] edgeD = new long[0];
        byte[] edgeKind = new byte[0]; // 1: counted for a crossing to the right, 2: to the left, 3: both
        int edges;
        int[] rowVertexX = new int[0];
        int vertices;

        /** The chord rows' polygon: {@code X1[1:] ++ reverse(X2[1:])} (and Y), rounded as the reference rounds. */
        void set(Tracing tracing, int chords) {
            n = 2 * chords;
            ensure(n);
            float[] x1 = tracing.x1();
            float[] y1 = tracing.y1();
            float[] x2 = tracing.x2();
            float[] y2 = tracing.y2();
            for (int k = 0; k < chords; k++) {
                vx[k] = round(x1[k + 1], k + 1, "X1");
                vy[k] = round(y1[k + 1], k + 1, "Y1");
                vx[n - 1 - k] = round(x2[k + 1], k + 1, "X2");
                vy[n - 1 - k] = round(y2[k + 1], k + 1, "Y2");
            }
            minX = Integer.MAX_VALUE;
            maxX = Integer.MIN_VALUE;
            minY = Integer.MAX_VALUE;
            maxY = Integer.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                minX = Math.min(minX, vx[i]);
                maxX = Math.max(maxX, vx[i]);
                minY = Math.min(minY, vy[i]);
                maxY = Math.max(maxY, vy[i]);
            }
        }

        /** Collects the edges row {@code r}'s line can cross and the vertices on it; false when there are none. */
        boolean meetsRow(int r) {
            edges = 0;
            vertices = 0;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                int yi = vy[i];
                int yj = vy[j];
                if (yi == r) {
                    rowVertexX[vertices++] = vx[i];
                }
                boolean right = (yi > r) != (yj > r); // straddles, counted for a crossing to the right
                boolean left = (yi < r) != (yj < r); // straddles, counted for a crossing to the left
                if (right || left) {
                    edgeA[edges] = (long) vx[i] * (yj - r) - (long) vx[j] * (yi - r);
                    edgeD[edges] = yj - yi; // never 0 here
                    edgeKind[edges] = (byte) ((right ? 1 : 0) | (left ? 2 : 0));
                    edges++;
                }
            }
            return edges > 0 || vertices > 0;
        }

        /** Whether the centre of column {@code c} on the current row is inside, on an edge or on a vertex. */
        boolean covers(int c) {
            for (int v = 0; v < vertices; v++) {
                if (rowVertexX[v] == c) {
                    return true;
                }
            }
            int rightParity = 0;
            int leftParity = 0;
            for (int e = 0; e < edges; e++) {
                long t = edgeA[e] - c * edgeD[e];
                if (t == 0) {
                    continue; // crossing exactly at the pixel centre: counts on neither side
                }
                boolean positive = (t > 0) == (edgeD[e] > 0);
                int kind = edgeKind[e];
                if (positive && (kind & 1) != 0) {
                    rightParity ^= 1;
                } else if (!positive && (kind & 2) != 0) {
                    leftParity ^= 1;
                }
            }
            // inside: right parity odd (left then odd too); on an edge: parities differ
            return (rightParity | leftParity) != 0;
        }

        void ensure(int n) {
            if (vx.length < n) {
                int cap = Math.max(n, 64);
                vx = new int[cap];
                vy = new int[cap];
                rowVertexX = new int[cap];
                edgeA = new long[cap];
                edgeD = new long[cap];
                edgeKind = new byte[cap];
            }
        }
    }
}
