package org.etab.synth;

import java.util.SplittableRandom;

/**
 * The anatomy and motion of one phantom video: an apical-4-chamber left ventricle (LV) whose cavity
 * is a bullet shape around a fixed long axis, beating with a periodic cardiac cycle.
 *
 * <p>Geometry lives in LV coordinates: {@code a} pixels along the long axis from the apex towards the
 * mitral annulus, {@code s} pixels across it (negative towards the septum/right ventricle, which is drawn
 * on the image's left). The cavity at frame {@code f} is {@code 0 <= a <= L(f)}, {@code |s| <= w(a)} with
 * {@code w(a) = W(f) * profile(a / L(f))}; the apex stays put and the base moves, as in a real heart.
 * Because every frame is the same shape scaled in {@code a} and {@code s}, the tracing chords sit at the
 * same relative positions in every frame and the volume is proportional to {@code W^2 * L}.
 *
 * <p>Threading: immutable after construction; safe to share.
 */
public final class PhantomHeart {

    /** Chords per tracing, as in EchoNet-Dynamic's VolumeTracings. */
    static final int CHORDS = 20;

    /** Systole takes this fraction of the cycle (ED at phase 0, ES at this phase). */
    private static final double SYSTOLE = 0.38;

    /** Longitudinal shortening as a fraction of radial shortening (long axis shortens less). */
    private static final double LONG_PER_RADIAL = 0.5;

    final int fps;
    final int frames;
    /** Apex position, pixels (x = column, y = row; pixel centres are at integer coordinates). */
    final double apexX, apexY;
    /** Unit long axis (apex to base) and unit normal (towards the lateral wall). */
    final double ux, uy, nx, ny;
    /** End-diastolic length and half-width scale, pixels. */
    final double lengthEd, widthEd;
    /** Radial and longitudinal shortening at end-systole, fractions. */
    final double radialShortening, longShortening;
    /** Myocardium thickness at end-diastole, pixels. */
    final double wallEd;

    final double periodSeconds, phaseOffset;
    /** Right-ventricle half-width scale, pixels. */
    final double rvWidth;
    /** The traced frames: end-diastole at a volume maximum, end-systole at the following minimum. */
    public final int edFrame, esFrame;

    /**
     * Draws one heart (axis tilt, apex, size, target ejection fraction, cardiac period and phase) and finds its
     * traced frames.
     *
     * @param rnd    the random source; advanced by the draws, so one seeded source gives one heart
     * @param fps    the video's frame rate, frames per second, {@code > 0}
     * @param frames the video's frame count
     * @throws IllegalStateException if the video holds no end-diastole followed by an end-systole (cannot happen
     *                               for {@code >= 80} frames at {@code >= 30} fps)
     */
    public PhantomHeart(SplittableRandom rnd, int fps, int frames) {
        this.fps = fps;
        this.frames = frames;
        double tilt = Math.toRadians(6 + 10 * rnd.nextDouble());
        ux = Math.sin(tilt);
        uy = Math.cos(tilt);
        nx = uy;
        ny = -ux;
        apexX = 55 + 6 * rnd.nextDouble();
        apexY = 14 + 4 * rnd.nextDouble();
        // Target EF spread over both sides of 50 %; dilated (large) ventricles tend to pump less.
        double efTarget = 0.18 + 0.58 * rnd.nextDouble();
        radialShortening = solveRadialShortening(efTarget);
        longShortening = LONG_PER_RADIAL * radialShortening;
        double dilation = 0.5 * rnd.nextDouble() + 0.5 * (0.76 - efTarget) / 0.58;
        widthEd = 12 + 6.5 * dilation;
        lengthEd = 48 + 14 * rnd.nextDouble();
        wallEd = 5 + 2 * rnd.nextDouble();
        rvWidth = (0.75 + 0.2 * rnd.nextDouble()) * widthEd;
        periodSeconds = 0.6 + 0.5 * rnd.nextDouble();
        phaseOffset = rnd.nextDouble();
        int ed = -1;
        int es = -1;
        for (int f = 1; f < frames - 1 && es < 0; f++) {
            double v = volumeProxy(f);
            if (ed < 0) {
                if (v >= volumeProxy(f - 1) && v > volumeProxy(f + 1)) {
                    ed = f;
                }
            } else if (v <= volumeProxy(f - 1) && v < volumeProxy(f + 1)) {
                es = f;
            }
        }
        if (ed < 0 || es < 0) {
            // Cannot happen for >= 80 frames at >= 30 fps and a period <= 1.1 s; guard the invariant.
            throw new IllegalStateException("no ED/ES pair in " + frames + " frames at " + fps + " fps");
        }
        edFrame = ed;
        esFrame = es;
    }

    /** Solves (1 - k)^2 (1 - k/2) = 1 - ef for the radial shortening k by bisection. */
    private static double solveRadialShortening(double ef) {
        double lo = 0;
        double hi = 0.9;
        for (int i = 0; i < 60; i++) {
            double k = 0.5 * (lo + hi);
            double remaining = (1 - k) * (1 - k) * (1 - LONG_PER_RADIAL * k);
            if (1 - remaining < ef) {
                lo = k;
            } else {
                hi = k;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Contraction at frame f: 0 at end-diastole, 1 at end-systole, smooth in between. */
    double contraction(int f) {
        double phase = f / (double) fps / periodSeconds + phaseOffset;
        phase -= Math.floor(phase);
        if (phase < SYSTOLE) {
            return 0.5 * (1 - Math.cos(Math.PI * phase / SYSTOLE));
        }
        return 0.5 * (1 + Math.cos(Math.PI * (phase - SYSTOLE) / (1 - SYSTOLE)));
    }

    double length(int f) {
        return lengthEd * (1 - longShortening * contraction(f));
    }

    double width(int f) {
        return widthEd * (1 - radialShortening * contraction(f));
    }

    /** The myocardium thickens as it shortens (roughly constant muscle volume). */
    double wall(int f) {
        return wallEd * (1 + 0.8 * radialShortening * contraction(f));
    }

    /** Proportional to the cavity volume: every frame is the same shape scaled. */
    double volumeProxy(int f) {
        double w = width(f);
        return w * w * length(f);
    }

    /**
     * Half-width of the cavity at relative position t in [0, 1] along the long axis, per unit of W:
     * rounded at the apex (t = 0), widest around t = 0.8, a little narrower at the annulus (t = 1).
     */
    static double profile(double t) {
        if (t <= 0) {
            return 0;
        }
        if (t >= 1) {
            return 0.78;
        }
        return Math.sqrt(t * (2 - t)) * (1 - 0.22 * t * t);
    }

    /**
     * The tracing of frame f in VolumeTracings row order: row 0 the long axis (apex, then the mitral
     * annulus midpoint), rows 1..20 chords at the disk midpoints (k + 0.5) / 20 of the axis, (x1, y1) on
     * the septal (image-left) wall and (x2, y2) on the lateral wall. Coordinates are rounded to 4 decimals
     * so that volumes computed from them equal volumes recomputed from the written file.
     *
     * @param f the frame, 0-based
     * @return {x1[], y1[], x2[], y2[]}, 21 rows each, in pixels (x = column, y = row); a new array
     */
    public double[][] tracing(int f) {
        double len = length(f);
        double w = width(f);
        double[][] rows = new double[4][CHORDS + 1];
        rows[0][0] = round4(apexX);
        rows[1][0] = round4(apexY);
        rows[2][0] = round4(apexX + len * ux);
        rows[3][0] = round4(apexY + len * uy);
        for (int k = 0; k < CHORDS; k++) {
            double t = (k + 0.5) / CHORDS;
            double cx = apexX + t * len * ux;
            double cy = apexY + t * len * uy;
            double half = w * profile(t);
            rows[0][k + 1] = round4(cx - half * nx);
            rows[1][k + 1] = round4(cy - half * ny);
            rows[2][k + 1] = round4(cx + half * nx);
            rows[3][k + 1] = round4(cy + half * ny);
        }
        return rows;
    }

    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
