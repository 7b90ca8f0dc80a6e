package org.etab.gpu.cuda;

/**
 * The kernel's formula on the CPU: {@link #reference} in float64 (the truth the device is checked against),
 * {@link #kernel} in float32 exactly as {@code normalize.cu} computes it (used by the fake device in tests).
 * Index mapping and layouts are those of {@code normalize.cu}.
 */
public final class NormalizeReference {
    private NormalizeReference() {}

    /**
     * {@code (x / 255 - mean[c]) / std[c]} in float64, written in the output layout.
     *
     * @param src uint8 input in the input layout, at least {@code batch * channels * spatial} bytes
     * @param batch kernel samples
     * @param spatial elements per channel in one kernel sample
     * @param n the formula and layouts
     * @return {@code batch * channels * spatial} values
     * @throws ArithmeticException when that count exceeds {@code int}
     */
    public static double[] reference(byte[] src, int batch, long spatial, Normalization n) {
        int channels = n.channels();
        double[] mean = n.mean();
        double[] std = n.std();
        long total = (long) batch * channels * spatial;
        double[] out = new double[Math.toIntExact(total)];
        for (long i = 0; i < total; i++) {
            int c = channel(i, channels, spatial, n.input());
            out[(int) outputIndex(i, channels, spatial, n)] = ((src[(int) i] & 0xFF) / 255.0 - mean[c]) / std[c];
        }
        return out;
    }

    /** The kernel's float32 arithmetic: {@code fma(x, scale[c], bias[c])}. */
    static float[] kernel(byte[] src, int batch, long spatial, Normalization n) {
        int channels = n.channels();
        long total = (long) batch * channels * spatial;
        float[] out = new float[Math.toIntExact(total)];
        for (long i = 0; i < total; i++) {
            int c = channel(i, channels, spatial, n.input());
            out[(int) outputIndex(i, channels, spatial, n)] =
                    Math.fma((float) (src[(int) i] & 0xFF), n.scale(c), n.bias(c));
        }
        return out;
    }

    static int channel(long i, int channels, long spatial, Normalization.Layout layout) {
        return layout == Normalization.Layout.CHANNELS_LAST ? (int) (i % channels) : (int) ((i / spatial) % channels);
    }

    static long outputIndex(long i, int channels, long spatial, Normalization n) {
        if (n.input() == n.output()) {
            return i;
        }
        long s;
        long b;
        int c;
        if (n.input() == Normalization.Layout.CHANNELS_LAST) {
            c = (int) (i % channels);
            long p = i / channels;
            s = p % spatial;
            b = p / spatial;
            return (b * channels + c) * spatial + s;
        }
        s = i % spatial;
        long p = i / spatial;
        c = (int) (p % channels);
        b = p / channels;
        return (b * spatial + s) * channels + c;
    }

    /**
     * Largest {@code |a[i] - b[i]|}; NaN anywhere gives NaN (poisoned output that was never written).
     *
     * @param a the device's float32 output
     * @param b the reference, as long as {@code a}
     * @return the largest absolute difference, 0 for empty arrays, or NaN
     * @throws IllegalArgumentException when the lengths differ
     */
    public static double maxAbsError(float[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
