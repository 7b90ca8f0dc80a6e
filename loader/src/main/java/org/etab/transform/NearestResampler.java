package org.etab.transform;

/** Nearest neighbour: each output pixel one source pixel, by the given index tables (Pillow's or OpenCV's rule). */
final class NearestResampler extends FrameResampler {
    private final int[] columns;
    private final int[] rows;

    NearestResampler(int sw, int sh, int dw, int dh, int[] columns, int[] rows) {
        super(sw, sh, dw, dh);
        this.columns = columns;
        this.rows = rows;
    }

    @Override
    boolean exactBytes() {
        return true;
    }

    @Override
    void toBytes(byte[] src, byte[] out, ResampleWork work) {
        for (int y = 0; y < dh; y++) {
            int from = rows[y] * sw;
            int o = y * dw;
            for (int x = 0; x < dw; x++) {
                out[o + x] = src[from + columns[x]];
            }
        }
    }
}
