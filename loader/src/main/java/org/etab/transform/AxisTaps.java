package org.etab.transform;

import java.util.function.DoubleUnaryOperator;

/**
 * The taps of a resize along one axis, computed once per (source size, output size, filter): output index
 * {@code o} is {@code sum over k < taps of weight[o * taps + k] * source[index[o * taps + k]]}. Unused taps have
 * weight 0. Pillow's taps also come as 22-bit fixed-point integers ({@link #fixed}), OpenCV's as floats.
 *
 * <p>The formulas follow the references' documented algorithms (Pillow's {@code Resample.c}, OpenCV's
 * {@code resize.cpp}), down to where they round: that is what makes the results equal theirs.
 *
 * <p>Threading: immutable once built.
 */
final class AxisTaps {
    /** Pillow's {@code PRECISION_BITS} for 8-bit images: 32 - 8 - 2. */
    static final int PRECISION_BITS = 22;

    final int taps;
    final int[] index;
    /** Float weights (OpenCV), or null. */
    final float[] weight;
    /** Fixed-point weights (Pillow), or null. */
    final int[] fixed;

    private AxisTaps(int taps, int[] index, float[] weight, int[] fixed) {
        this.taps = taps;
        this.index = index;
        this.weight = weight;
        this.fixed = fixed;
    }

    /** The lowest source index any output reads. */
    int firstSource() {
        int min = Integer.MAX_VALUE;
        for (int i : index) {
            min = Math.min(min, i);
        }
        return min;
    }

    /** One past the highest source index any output reads. */
    int endSource() {
        int max = -1;
        for (int i : index) {
            max = Math.max(max, i);
        }
        return max + 1;
    }

    // ---- Pillow (antialias = true) ----

    /** Pillow's bilinear filter, support 1. */
    static double triangle(double x) {
        x = Math.abs(x);
        return x < 1 ? 1 - x : 0;
    }

    /** Pillow's bicubic filter, a = -0.5, support 2. */
    static double cubicPillow(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    /** Pillow's box filter, support 1/2. */
    static double box(double x) {
        return x > -0.5 && x <= 0.5 ? 1 : 0;
    }

    /**
     * Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc}: the filter scaled by
     * {@code max(1, in/out)} (support widened when shrinking), centred at {@code (o + 0.5) * in / out}, cut to the
     * source, normalized to sum 1, then rounded half away from zero to 22-bit fixed point.
     */
    static AxisTaps pillow(ResizeFilter filter, int in, int out) {
        DoubleUnaryOperator f;
        double support;
        switch (filter) {
            case BILINEAR -> {
                f = AxisTaps::triangle;
                support = 1;
            }
            case BICUBIC -> {
                f = AxisTaps::cubicPillow;
                support = 2;
            }
            case AREA -> {
                f = AxisTaps::box;
                support = 0.5;
            }
            default -> throw new IllegalArgumentException("Pillow's " + filter + " is not a convolution");
        }
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0);
        support *= filterScale;
        int taps = (int) Math.ceil(support) * 2 + 1;
        int[] index = new int[out * taps];
        int[] fixed = new int[out * taps];
        double[] w = new double[taps];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5)); // C's truncating cast, as Pillow
            int xmax = Math.min(in, (int) (center + support + 0.5)) - xmin;
            double sum = 0;
            for (int x = 0; x < xmax; x++) {
                w[x] = f.applyAsDouble((x + xmin - center + 0.5) * ss);
                sum += w[x];
            }
            for (int x = 0; x < taps; x++) {
                double v = x < xmax && sum != 0 ? w[x] / sum : 0;
                index[o * taps + x] = x < xmax ? xmin + x : xmin;
                fixed[o * taps + x] =
                        v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
        }
        return new AxisTaps(taps, index, null, fixed);
    }

    /**
     * Pillow's NEAREST ({@code ImagingScaleAffine}): source {@code floor((o + 1/2) * in / out)}, the position
     * accumulated in double from output pixel to output pixel as Pillow does (which decides exact ties).
     */
    static int[] pillowNearest(int in, int out) {
        double step = (double) in / out;
        double x = step * 0.5;
        int[] index = new int[out];
        for (int o = 0; o < out; o++) {
            index[o] = Math.min((int) x, in - 1);
            x += step;
        }
        return index;
    }

    // ---- OpenCV (antialias = false) ----

    /** OpenCV's {@code 1 / inv_scale}: source pixels per output pixel, as it computes it. */
    private static double openCvScale(int in, int out) {
        return 1.0 / ((double) out / in);
    }

    /** OpenCV's INTER_NEAREST: source {@code floor(o * in / out)}, the product in double. */
    static int[] openCvNearest(int in, int out) {
        double scale = openCvScale(in, out);
        int[] index = new int[out];
        for (int o = 0; o < out; o++) {
            index[o] = Math.min((int) Math.floor(o * scale), in - 1);
        }
        return index;
    }

    /**
     * OpenCV's INTER_CUBIC: four taps around {@code (o + 0.5) * scale - 0.5} (rounded to float, as OpenCV), a =
     * -0.75, source indices clamped to the edge.
     */
    static AxisTaps openCvCubic(int in, int out) {
        double scale = openCvScale(in, out);
        int[] index = new int[out * 4];
        float[] weight = new float[out * 4];
        final float a = -0.75f;
        for (int o = 0; o < out; o++) {
            float fx = (float) ((o + 0.5) * scale - 0.5);
            int sx = (int) Math.floor(fx);
            float x = fx - sx;
            float c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
            float c1 = ((a + 2) * x - (a + 3)) * x * x + 1;
            float c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
            float[] c = {c0, c1, c2, 1f - c0 - c1 - c2};
            for (int k = 0; k < 4; k++) {
                index[o * 4 + k] = Math.min(Math.max(sx - 1 + k, 0), in - 1);
                weight[o * 4 + k] = c[k];
            }
        }
        return new AxisTaps(4, index, weight, null);
    }

    /**
     * OpenCV's INTER_AREA when both axes shrink (or keep their size): each output pixel the average of the source
     * cell {@code [o * scale, (o + 1) * scale)}, partly covered pixels weighted by their coverage.
     */
    static AxisTaps openCvAreaShrink(int in, int out) {
        double scale = openCvScale(in, out);
        int taps = (int) Math.ceil(scale) + 2;
        int[] index = new int[out * taps];
        float[] weight = new float[out * taps];
        for (int o = 0; o < out; o++) {
            double fsx1 = o * scale;
            double fsx2 = fsx1 + scale;
            double cellWidth = Math.min(scale, in - fsx1);
            int sx2 = Math.min((int) Math.floor(fsx2), in - 1);
            int sx1 = Math.min((int) Math.ceil(fsx1), sx2);
            int k = o * taps;
            int first = k;
            if (sx1 - fsx1 > 1e-3) {
                index[k] = sx1 - 1;
                weight[k++] = (float) ((sx1 - fsx1) / cellWidth);
            }
            for (int sx = sx1; sx < sx2; sx++) {
                index[k] = sx;
                weight[k++] = (float) (1.0 / cellWidth);
            }
            if (fsx2 - sx2 > 1e-3) {
                index[k] = sx2;
                weight[k++] = (float) (Math.min(Math.min(fsx2 - sx2, 1.0), cellWidth) / cellWidth);
            }
            for (; k < o * taps + taps; k++) {
                index[k] = index[first];
                weight[k] = 0;
            }
        }
        return new AxisTaps(taps, index, weight, null);
    }

    /**
     * OpenCV's two-tap linear weights: INTER_LINEAR at {@code (o + 0.5) * scale - 0.5}, or, with {@code area},
     * INTER_AREA's weights when an axis grows ({@code frac((o + 1) - (floor(o * scale) + 1) / scale)}); both
     * clamped to the edge pixels as OpenCV clamps them.
     */
    static AxisTaps openCvLinear(int in, int out, boolean area) {
        double scale = openCvScale(in, out);
        double inverse = (double) out / in;
        int[] index = new int[out * 2];
        float[] weight = new float[out * 2];
        for (int o = 0; o < out; o++) {
            int sx;
            float fx;
            if (area) {
                sx = (int) Math.floor(o * scale);
                fx = (float) ((o + 1) - (sx + 1) * inverse);
                fx = fx <= 0 ? 0f : fx - (float) Math.floor(fx);
            } else {
                fx = (float) ((o + 0.5) * scale - 0.5);
                sx = (int) Math.floor(fx);
                fx -= sx;
            }
            if (sx < 0) {
                fx = 0;
                sx = 0;
            }
            if (sx >= in - 1) {
                fx = 0;
                sx = in - 1;
            }
            index[o * 2] = sx;
            index[o * 2 + 1] = Math.min(sx + 1, in - 1);
            weight[o * 2] = 1f - fx;
            weight[o * 2 + 1] = fx;
        }
        return new AxisTaps(2, index, weight, null);
    }
}
