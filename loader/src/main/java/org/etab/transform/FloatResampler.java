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
        int base = sh * dw;
        for (int i = 0; i < dh * dw; i++) {
            out[i] = toByte(values[base + i]);
        }
    }

    @Override
    void toFloats(byte[] src, float[] out, ResampleWork work) {
        resample(src, out, 0, work, work.floats(sh * dw));
    }

    /** Writes the result at {@code out[at..]}; {@code rows} (which may be {@code out}) holds the horizontal pass. */
    private void resample(byte[] src, float[] out, int at, ResampleWork work, float[] rows) {
        int taps = horizontal.taps;
        int[] index = horizontal.index;
        float[] weight = horizontal.weight;
        for (int r = 0; r < sh; r++) {
            int row = r * sw;
            int o = r * dw;
            for (int x = 0; x < dw; x++) {
                float s = 0;
                int t = x * taps;
                for (int k = 0; k < taps; k++) {
                    s += (src[row + index[t + k]] & 0xff) * weight[t + k];
                }
                rows[o + x] = s;
            }
        }
        int vt = vertical.taps;
        for (int y = 0; y < dh; y++) {
            int o = at + y * dw;
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
}
