package org.etab.transform;

/**
 * A resize of frames of one source size to one output size, other than the default bilinear (which
 * {@link FrameTransform} keeps inline): taps computed once when made, then applied to every frame of that size.
 *
 * <p>Threading: immutable; each call gets the calling thread's {@link ResampleWork}.
 */
abstract class FrameResampler {
    final int sw;
    final int sh;
    final int dw;
    final int dh;

    FrameResampler(int sw, int sh, int dw, int dh) {
        this.sw = sw;
        this.sh = sh;
        this.dw = dw;
        this.dh = dh;
    }

    /** The resampler for {@code resampling} from {@code sw x sh} to {@code dw x dh} (not the default). */
    static FrameResampler of(Resampling resampling, int sw, int sh, int dw, int dh) {
        ResizeFilter f = resampling.filter();
        if (resampling.antialias()) {
            return f == ResizeFilter.NEAREST
                    ? new NearestResampler(
                            sw, sh, dw, dh, AxisTaps.pillowNearest(sw, dw), AxisTaps.pillowNearest(sh, dh))
                    : new PillowResampler(sw, sh, dw, dh, f);
        }
        return switch (f) {
            case NEAREST ->
                new NearestResampler(sw, sh, dw, dh, AxisTaps.openCvNearest(sw, dw), AxisTaps.openCvNearest(sh, dh));
            case BILINEAR ->
                new FloatResampler(
                        sw, sh, dw, dh, AxisTaps.openCvLinear(sw, dw, false), AxisTaps.openCvLinear(sh, dh, false));
            case BICUBIC ->
                new FloatResampler(sw, sh, dw, dh, AxisTaps.openCvCubic(sw, dw), AxisTaps.openCvCubic(sh, dh));
            case AREA ->
                sw >= dw && sh >= dh
                        ? new FloatResampler(
                                sw, sh, dw, dh, AxisTaps.openCvAreaShrink(sw, dw), AxisTaps.openCvAreaShrink(sh, dh))
                        : new FloatResampler(
                                sw,
                                sh,
                                dw,
                                dh,
                                AxisTaps.openCvLinear(sw, dw, true),
                                AxisTaps.openCvLinear(sh, dh, true));
        };
    }

    /**
     * True when {@link #toBytes} is the reference's own result (Pillow's fixed point, nearest): float output is
     * then made from those bytes, as ETAB's tensors are made from PIL's uint8 images. False when the reference
     * computes in float ({@link #toFloats} is primary and bytes are its values rounded).
     */
    abstract boolean exactBytes();

    /** The resized frame as {@code dh x dw} uint8 into {@code out}. */
    abstract void toBytes(byte[] src, byte[] out, ResampleWork work);

    /**
     * The resized frame as {@code dh x dw} floats on the 0..255 scale into {@code out}, unrounded; only where
     * {@link #exactBytes()} is false.
     */
    void toFloats(byte[] src, float[] out, ResampleWork work) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " gives bytes");
    }

    /** A float gray level rounded half up and clipped to 0..255. */
    static byte toByte(float v) {
        int i = (int) Math.floor(v + 0.5f);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }
}
