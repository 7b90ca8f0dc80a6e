package org.etab.transform;

import java.nio.ByteBuffer;

/**
 * Nearest-neighbour resize for label masks (a mask must stay 0/1): source index {@code floor(dst * src / dstSize)}
 * in exact integer arithmetic (the formula of OpenCV's {@code INTER_NEAREST}, which computes it with a
 * floating-point scale and so, where the product is an exact integer, can take the index before).
 *
 * <p>Each output row is built once from a table of source columns and written with one bulk put; a row that reads
 * the same source row as the one before (upscaling) is written again without rebuilding.
 *
 * <p>Threading: stateless.
 */
public final class NearestResize {
    private NearestResize() {}

    /** Writes {@code dh x dw} bytes at {@code dst[base..]} from a row-major {@code sh x sw} mask. */
    public static void write(byte[] src, int sw, int sh, ByteBuffer dst, int base, int dh, int dw) {
        if (sw == dw && sh == dh) {
            dst.put(base, src, 0, dw * dh);
            return;
        }
        int[] columns = new int[dw];
        for (int x = 0; x < dw; x++) {
            columns[x] = (int) ((long) x * sw / dw); // < sw, as x < dw
        }
        byte[] row = new byte[dw];
        int built = -1;
        for (int y = 0; y < dh; y++) {
            int sy = (int) ((long) y * sh / dh);
            if (sy != built) {
                int from = sy * sw;
                for (int x = 0; x < dw; x++) {
                    row[x] = src[from + columns[x]];
                }
                built = sy;
            }
            dst.put(base + y * dw, row, 0, dw);
        }
    }
}
