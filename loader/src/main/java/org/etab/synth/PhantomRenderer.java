package org.etab.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws the frames of one phantom video as 8-bit gray: an ultrasound sector (exactly 0 outside), a fixed
 * speckle pattern, a bright myocardium around a dark LV cavity, dark right ventricle and atria behind
 * thin walls, bright mitral/tricuspid leaflets closing the ventricles at the base.
 *
 * <p>The drawing is two steps per frame: an echogenicity map (one tissue level per pixel, decided at the
 * pixel centre, so the tracing polygon and the drawn cavity share one boundary), blurred by a 3x3
 * binomial kernel for soft edges, then modulated by the speckle, a depth gain and a little per-frame noise.
 * Everything is plain int/float arrays: no per-pixel native calls.
 *
 * <p>Threading: not thread-safe; one renderer per video, used by one thread.
 * Ownership: {@link #render} writes into the caller's array; nothing is retained.
 */
public final class PhantomRenderer {

    /** Frame width and height in pixels (EchoNet-Dynamic's 112x112). */
    public static final int SIZE = 112;

    // Echogenicity levels (gray level before speckle and gain). Blood is far below any tissue so that
    // the cavity can be found by a threshold; the valves close the LV at the base at ED and ES.
    private static final int BLOOD = 10;
    private static final int BACKGROUND = 58;
    private static final int MYOCARDIUM = 180;
    private static final int VALVE = 165;
    private static final int CHAMBER_WALL = 140;
    private static final int PERICARDIUM = 215;

    /** Mitral/tricuspid leaflet band thickness and thin-wall thickness, pixels. */
    private static final double VALVE_BAND = 4;

    private static final double THIN_WALL = 3;

    /** Sector: apex at the top centre, straight sides at +-40 degrees, arc at the bottom. */
    private static final double SECTOR_X = 55.5;

    private static final double SECTOR_Y = 0;
    private static final double SECTOR_TAN = Math.tan(Math.toRadians(40));
    private static final double SECTOR_RADIUS = 109;

    private final PhantomHeart heart;
    private final SplittableRandom noise;
    /** Indices of in-sector pixels; the rest stay 0. */
    private final int[] sector;
    /** Speckle (mean ~1) times depth gain, per pixel. */
    private final float[] gain;

    private final int[] level = new int[SIZE * SIZE];
    private final int[] rowBlur = new int[SIZE * SIZE];

    /**
     * A renderer for one video: the sector mask and the speckle pattern are made here, once.
     *
     * @param heart the heart to draw
     * @param rnd   the random source for the speckle and, through a split, the per-frame noise; advanced here
     */
    public PhantomRenderer(PhantomHeart heart, SplittableRandom rnd) {
        this.heart = heart;
        this.noise = rnd.split();
        int[] inside = new int[SIZE * SIZE];
        int count = 0;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double dx = x - SECTOR_X;
                double dy = y - SECTOR_Y;
                if (dy > 2 && Math.abs(dx) <= dy * SECTOR_TAN && dx * dx + dy * dy <= SECTOR_RADIUS * SECTOR_RADIUS) {
                    inside[count++] = y * SIZE + x;
                }
            }
        }
        sector = Arrays.copyOf(inside, count);
        gain = speckle(rnd);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double r = Math.hypot(x - SECTOR_X, y - SECTOR_Y) / SECTOR_RADIUS;
                gain[y * SIZE + x] *= (float) (1.05 - 0.3 * r); // attenuation with depth
            }
        }
    }

    /**
     * Fully developed speckle: Rayleigh amplitudes, smoothed (grains wider than deep, as a beam makes
     * them), scaled to mean 1 and given ultrasound-like contrast.
     */
    private static float[] speckle(SplittableRandom rnd) {
        double[] raw = new double[SIZE * SIZE];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble()));
        }
        double[] h = new double[raw.length];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int i = y * SIZE + x;
                double l2 = raw[y * SIZE + Math.max(x - 2, 0)];
                double l1 = raw[y * SIZE + Math.max(x - 1, 0)];
                double r1 = raw[y * SIZE + Math.min(x + 1, SIZE - 1)];
                double r2 = raw[y * SIZE + Math.min(x + 2, SIZE - 1)];
                h[i] = (l2 + 4 * l1 + 6 * raw[i] + 4 * r1 + r2) / 16;
            }
        }
        float[] out = new float[raw.length];
        double mean = Math.sqrt(Math.PI / 2);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double up = h[Math.max(y - 1, 0) * SIZE + x];
                double down = h[Math.min(y + 1, SIZE - 1) * SIZE + x];
                double v = (up + 2 * h[y * SIZE + x] + down) / 4 / mean;
                out[y * SIZE + x] = (float) Math.max(0.45, 1 + 1.5 * (v - 1));
            }
        }
        return out;
    }

    /**
     * Renders frame f as gray levels into {@code gray} (SIZE * SIZE bytes, row-major). Each call draws fresh
     * noise, so the bytes depend on the order in which frames are rendered.
     *
     * @param f    the frame, 0-based
     * @param gray the output, at least {@code SIZE * SIZE} bytes; every byte of it is overwritten
     */
    public void render(int f, byte[] gray) {
        double len = heart.length(f);
        double w = heart.width(f);
        double wall = heart.wall(f);
        Arrays.fill(level, 0);
        for (int i : sector) {
            double px = i % SIZE - heart.apexX;
            double py = i / SIZE - heart.apexY;
            double a = px * heart.ux + py * heart.uy;
            double s = px * heart.nx + py * heart.ny;
            level[i] = classify(a, s, len, w, wall);
        }
        blur3x3();
        Arrays.fill(gray, (byte) 0);
        for (int i : sector) {
            int v = Math.round(level[i] * gain[i]) + noise.nextInt(7) - 3;
            gray[i] = (byte) Math.max(0, Math.min(255, v));
        }
    }

    /** The echogenicity at LV coordinates (a along the axis from the apex, s across, lateral positive). */
    private int classify(double a, double s, double len, double w, double wall) {
        double abs = Math.abs(s);
        double outerLen = len + wall;
        if (a >= -wall && a <= len) {
            if (a >= 0 && abs <= w * PhantomHeart.profile(a / len)) {
                return BLOOD;
            }
            double outer = (w + wall) * PhantomHeart.profile((a + wall) / outerLen);
            if (abs <= outer) {
                return MYOCARDIUM;
            }
            if (s > 0) {
                return s <= outer + THIN_WALL && a > 0.1 * len ? PERICARDIUM : BACKGROUND;
            }
            return rightVentricle(a, -s - outer, len, w);
        }
        double baseHalf = w * PhantomHeart.profile(1);
        double baseOuter = (w + wall) * PhantomHeart.profile(1);
        if (a > len && a <= len + VALVE_BAND) {
            if (abs <= baseOuter) {
                return VALVE;
            }
            if (s < 0 && -s - baseOuter <= heart.rvWidth * PhantomHeart.profile(1) / 0.9 + THIN_WALL) {
                return VALVE; // tricuspid
            }
            return BACKGROUND;
        }
        if (a > len) {
            double top = len + VALVE_BAND;
            double la = atrium(a - top, s, 26, baseHalf + 1);
            if (la <= 1) {
                return BLOOD;
            }
            double raHalf = heart.rvWidth * 0.75;
            double ra = atrium(a - top, s + baseOuter + raHalf + 1, 24, raHalf);
            if (ra <= 1) {
                return BLOOD;
            }
            double laRing = atrium(a - top, s, 26 + THIN_WALL, baseHalf + 1 + THIN_WALL);
            double raRing = atrium(a - top, s + baseOuter + raHalf + 1, 24 + THIN_WALL, raHalf + THIN_WALL);
            return laRing <= 1 || raRing <= 1 ? CHAMBER_WALL : BACKGROUND;
        }
        return BACKGROUND;
    }

    /**
     * Squared normalised distance in an egg-shaped atrium hanging below the valve plane (depth d >= 0):
     * widest near the valve, rounded at the far end. 1 is the boundary.
     */
    private static double atrium(double d, double s, double depth, double half) {
        double centre = 0.3 * depth;
        double da = d < centre ? (d - centre) / (centre + 2) : (d - centre) / (depth - centre);
        double ds = s / half;
        return da * da + ds * ds;
    }

    /** The RV lies against the septum; gap = distance beyond the septum's outer edge, pixels. */
    private int rightVentricle(double a, double gap, double len, double w) {
        double start = 0.3 * len;
        if (a < start) {
            return BACKGROUND;
        }
        double half = heart.rvWidth * PhantomHeart.profile((a - start) / (len - start)) / 0.9;
        if (gap <= half) {
            return BLOOD;
        }
        return gap <= half + THIN_WALL ? CHAMBER_WALL : BACKGROUND;
    }

    /** 3x3 binomial blur of {@link #level} in place (edges clamp). */
    private void blur3x3() {
        int[] l = level;
        int[] t = rowBlur;
        for (int y = 0; y < SIZE; y++) {
            int row = y * SIZE;
            for (int x = 0; x < SIZE; x++) {
                int left = l[row + Math.max(x - 1, 0)];
                int right = l[row + Math.min(x + 1, SIZE - 1)];
                t[row + x] = left + 2 * l[row + x] + right;
            }
        }
        for (int y = 0; y < SIZE; y++) {
            int up = Math.max(y - 1, 0) * SIZE;
            int row = y * SIZE;
            int down = Math.min(y + 1, SIZE - 1) * SIZE;
            for (int x = 0; x < SIZE; x++) {
                l[row + x] = (t[up + x] + 2 * t[row + x] + t[down + x] + 8) >> 4;
            }
        }
    }
}
