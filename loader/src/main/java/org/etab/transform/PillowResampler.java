package org.etab.transform;

import java.util.Arrays;

/**
 * Pillow's {@code ImagingResample} for 8-bit images: a horizontal pass over the source rows the vertical pass
 * needs, then a vertical pass, each in 22-bit fixed point with the half added before the shift and the result
 * clipped to 0..255 (so the intermediate image is uint8, as Pillow's). An axis that keeps its size is not
 * resampled. The result equals Pillow's bit for bit.
 */
final class PillowResampler extends FrameResampler {
    private static final int HALF = 1 << (AxisTaps.PRECISION_BITS - 1);

    /** Null when the width does not change. */
    private final AxisTaps horizontal;
    /** Null when the height does not change. */
    private final AxisTaps vertical;
    /** Source rows {@code [firstRow, endRow)} the vertical pass reads. */
    private final int firstRow;

    private final int endRow;

    PillowResampler(int sw, int sh, int dw, int dh, ResizeFilter filter) {
        super(sw, sh, dw, dh);
        this.horizontal = sw == dw ? null : AxisTaps.pillow(filter, sw, dw);
        this.vertical = sh == dh ? null : AxisTaps.pillow(filter, sh, dh);
        this.firstRow = vertical == null ? 0 : vertical.firstSource();
        this.endRow = vertical == null ? sh : vertical.endSource();
    }

    @Override
    boolean exactBytes() {
        return true;
    }

    @Override
    void toBytes(byte[] src, byte[] out, ResampleWork work) {
        if (vertical == null && horizontal == null) {
            System.arraycopy(src, 0, out, 0, dw * dh);
            return;
        }
        if (vertical == null) {
            horizontalPass(src, 0, sh, out);
            return;
        }
        byte[] rows = src;
        int rowOffset = 0;
        int width = sw;
        if (horizontal != null) {
            rows = work.bytes((endRow - firstRow) * dw);
            horizontalPass(src, firstRow, endRow, rows);
            rowOffset = firstRow;
            width = dw;
        }
        int[] acc = work.ints(dw);
        for (int y = 0; y < dh; y++) {
            verticalRow(rows, rowOffset, width, y, acc, out);
        }
    }

    // The passes work row by row through methods of their own, so that the JIT compiles each small loop from its
    // calls within the first frames instead of replacing a whole-image loop on the stack.

    /** Output row {@code y} from the rows {@code rows} holds, from source row {@code rowOffset}, {@code width} wide. */
    private void verticalRow(byte[] rows, int rowOffset, int width, int y, int[] acc, byte[] out) {
        int taps = vertical.taps;
        Arrays.fill(acc, 0, dw, HALF);
        for (int k = 0; k < taps; k++) {
            int w = vertical.fixed[y * taps + k];
            if (w == 0) {
                continue;
            }
            int from = (vertical.index[y * taps + k] - rowOffset) * width;
            for (int x = 0; x < dw; x++) {
                acc[x] += (rows[from + x] & 0xff) * w;
            }
        }
        int o = y * dw;
        for (int x = 0; x < dw; x++) {
            out[o + x] = clip8(acc[x]);
        }
    }

    /** Source rows {@code [first, end)} resampled to the output width into {@code dst} from its row 0. */
    private void horizontalPass(byte[] src, int first, int end, byte[] dst) {
        for (int r = first; r < end; r++) {
            horizontalRow(src, r * sw, dst, (r - first) * dw);
        }
    }

    /** The source row at {@code src[row..]} resampled to the output width at {@code dst[o..]}. */
    private void horizontalRow(byte[] src, int row, byte[] dst, int o) {
        int taps = horizontal.taps;
        int[] index = horizontal.index;
        int[] fixed = horizontal.fixed;
        for (int x = 0; x < dw; x++) {
            int acc = HALF;
            int t = x * taps;
            for (int k = 0; k < taps; k++) {
                acc += (src[row + index[t + k]] & 0xff) * fixed[t + k];
            }
            dst[o + x] = clip8(acc);
        }
    }

    /** Pillow's {@code clip8}: the fixed-point sum to a gray level. */
    private static byte clip8(int acc) {
        if (acc <= 0) {
            return 0;
        }
        int v = acc >> AxisTaps.PRECISION_BITS;
        return (byte) Math.min(v, 255);
    }
}
