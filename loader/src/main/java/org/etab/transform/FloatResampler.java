package org.etab.transform;

import java.util.Arrays;

/**
 * OpenCV's separable resize in float: a horizontal pass over every source row into a float image of the output
 * width, then a vertical pass, neither rounded nor clipped in between (OpenCV keeps its intermediate unclipped
 * too). {@link #toBytes} rounds half up and clips, which is within one gray level of OpenCV's 11-bit fixed point.
 */
final class FloatResampler extends FrameResampler {
    private final AxisTaps horizontal;
    private final AxisTaps vertical;

    FloatResampler(int sw, int sh, int dw, int dh, AxisTaps horizontal, AxisTaps vertical) {
        super(sw, sh, dw, dh);
        this.horizontal = horizontal;
        this.vertical = vertical;
    }

    @Override
    boolean exactBytes() {
        return false;
    }

    @Override
    void toBytes(byte[] src, byte[] out, ResampleWork work) {
        float[] values = work.floats(sh * dw + dh * dw);
        resample(src, values, sh * dw, work, values);
        for (int y = 0; y < dh; y++) {
            toBytesRow(values, sh * dw + y * dw, out, y * dw);
        }
    }

    /** Output row values[from..] rounded and clipped into out[o..]. */
    private void toBytesRow(float[] values, int from, byte[] out, int o) {
        for (int x = 0; x < dw; x++) {
            out[o + x] = toByte(values[from + x]);
        }
    }

    @Override
    void toFloats(byte[] src, float[] out, ResampleWork work) {
        resample(src, out, 0, work, work.floats(sh * dw));
    }

    /**
     * Writes the result at {@code out[at..]}; {@code rows} (which may be {@code out}) holds the horizontal pass. Row by
     * row through methods of their own, so that the JIT compiles each small loop from its calls within the first
     * frames instead of replacing a whole-image loop on the stack.
     */
    private void resample(byte[] src, float[] out, int at, ResampleWork work, float[] rows) {
        for (int r = 0; r < sh; r++) {
            horizontalRow(src, r * sw, rows, r * dw);
        }
        for (int y = 0; y < dh; y++) {
            verticalRow(rows, y, out, at + y * dw);
        }
    }

    /** The source row at {@code src[row..]}, resampled to the output width at {@code rows[o..]}. */
    private void horizontalRow(byte[] src, int row, float[] rows, int o) {
        int taps = horizontal.taps;
        int[] index = horizontal.index;
        float[] weight = horizontal.weight;
        for (int x = 0; x < dw; x++) {
            float s = 0;
            int t = x * taps;
            for (int k = 0; k < taps; k++) {
                s += (src[row + index[t + k]] & 0xff) * weight[t + k];
            }
            rows[o + x] = s;
        }
    }

    /** Output row {@code y} at {@code out[o..]}, from the horizontal pass in {@code rows}. */
    private void verticalRow(float[] rows, int y, float[] out, int o) {
        int vt = vertical.taps;
        Arrays.fill(out, o, o + dw, 0f);
        for (int k = 0; k < vt; k++) {
            float w = vertical.weight[y * vt + k];
            if (w == 0) {
                continue;
            }
            int from = vertical.index[y * vt + k] * dw;
            for (int x = 0; x < dw; x++) {
                out[o + x] += rows[from + x] * w;
            }
        }
    }
}
