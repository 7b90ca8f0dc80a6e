package org.etab.datasets.camus;

import java.util.SplittableRandom;

/**
 * The drawn anatomy of one phantom CAMUS acquisition: an apical view (apex at the top) of a left ventricle
 * whose cavity (label 1, dark) sits in a myocardium (label 2, bright) open at the mitral plane, with the left
 * atrium (label 3, dark) below it, on grey speckled tissue (label 0). Every frame's pixels and label map are
 * drawn from the same shapes, so a label map matches its image exactly.
 *
 * <p>Motion: phase 0 is end-diastole (largest cavity), phase 1 end-systole: the cavity shrinks by
 * {@link #contraction} on both semi-axes about a fixed mitral plane (so the apex moves down), the wall
 * thickens and the atrium fills.
 *
 * <p>Threading: immutable; {@link #draw} takes the caller's random source for the speckle.
 */
final class CamusPhantomHeart {
    /** Grey levels: blood, tissue and myocardium centres and the speckle amplitude around each. */
    static final int BLOOD = 22;

    static final int TISSUE = 95;
    static final int MUSCLE = 190;
    static final int BLOOD_NOISE = 12;
    static final int TISSUE_NOISE = 20;
    static final int MUSCLE_NOISE = 25;

    final int width;
    final int height;
    /** Fraction by which the cavity's semi-axes shrink from ED to ES. */
    final double contraction;

    private final double cx;
    private final double base;
    private final double lvA;
    private final double lvB;
    private final double wall;
    private final double gap;
    private final double laA;
    private final double laB;

    CamusPhantomHeart(int width, int height, double contraction, SplittableRandom rnd) {
        this.width = width;
        this.height = height;
        this.contraction = contraction;
        this.cx = width * (0.5 + 0.04 * (rnd.nextDouble() - 0.5));
        this.lvA = width * (0.14 + 0.03 * rnd.nextDouble());
        this.lvB = height * (0.24 + 0.03 * rnd.nextDouble());
        this.base = height * 0.08 + Math.min(width, height) * 0.06 + 2 * lvB; // apex below the top edge
        this.wall = Math.min(width, height) * (0.04 + 0.01 * rnd.nextDouble());
        this.gap = Math.max(5, height * 0.03);
        this.laA = width * (0.12 + 0.02 * rnd.nextDouble());
        this.laB = Math.min(height * 0.10, (height - base - gap) / 2.6);
    }

    /** Row of the mitral plane: the cavity's lowest rows end here and the myocardium stops here. */
    double base() {
        return base;
    }

    /**
     * The label (0..3) of pixel (row, col) at {@code phase} (pixel centres).
     */
    int label(int row, int col, double phase) {
        double x = col + 0.5 - cx;
        double y = row + 0.5;
        double s = 1 - contraction * phase;
        double a = lvA * s;
        double b = lvB * s;
        double cy = base - b;
        double dy = y - cy;
        if ((x / a) * (x / a) + (dy / b) * (dy / b) <= 1) {
            return 1;
        }
        double t = wall * (1 + 0.5 * phase);
        double oa = a + t;
        double ob = b + t;
        if (y <= base && (x / oa) * (x / oa) + (dy / ob) * (dy / ob) <= 1) {
            return 2;
        }
        double fill = 1 + 0.15 * phase;
        double la = laA * fill;
        double lb = laB * fill;
        double ly = y - (base + gap + lb);
        if ((x / la) * (x / la) + (ly / lb) * (ly / lb) <= 1) {
            return 3;
        }
        return 0;
    }

    /**
     * Draws one frame: {@code labels} and {@code pixels} receive {@code height x width} row-major values.
     *
     * @return the cavity's area in pixels
     */
    int draw(double phase, SplittableRandom rnd, byte[] labels, byte[] pixels) {
        int area = 0;
        for (int r = 0, i = 0; r < height; r++) {
            for (int c = 0; c < width; c++, i++) {
                int l = label(r, c, phase);
                labels[i] = (byte) l;
                area += l == 1 ? 1 : 0;
                int v = switch (l) {
                    case 1, 3 -> BLOOD + noise(rnd, BLOOD_NOISE);
                    case 2 -> MUSCLE + noise(rnd, MUSCLE_NOISE);
                    default -> TISSUE + noise(rnd, TISSUE_NOISE);
                };
                pixels[i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return area;
    }

    /** The cavity's long axis (apex to mitral plane) at {@code phase}, pixels. */
    double length(double phase) {
        return 2 * lvB * (1 - contraction * phase);
    }

    private static int noise(SplittableRandom rnd, int amplitude) {
        return rnd.nextInt(2 * amplitude + 1) - amplitude;
    }
}
