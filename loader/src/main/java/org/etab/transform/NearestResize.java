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

    /**
     * Writes {@code dh x dw} bytes at {@code dst[base..]} from a row-major {@code sh x sw} mask, with absolute puts
     * ({@code dst}'s position and limit do not change).
     *
     * @param src  the mask, row-major, at least {@code sw * sh} bytes; read, not kept
     * @param sw   the mask's columns, {@code >= 1}
     * @param sh   the mask's rows, {@code >= 1}
     * @param dst  the buffer to write to
     * @param base the byte index in {@code dst} of the first output byte
     * @param dh   output rows, {@code >= 1}
     * @param dw   output columns, {@code >= 1}
     * @throws IndexOutOfBoundsException if the output does not fit in {@code dst} or {@code src} is too short
     */
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
                gather(src, sy * sw, columns, row);
                built = sy;
            }
            dst.put(base + y * dw, row, 0, dw);
        }
    }

    /** One output row from the source row at {@code from}; per row, so the JIT compiles it from its calls. */
    private static void gather(byte[] src, int from, int[] columns, byte[] row) {
        for (int x = 0; x < row.length; x++) {
            row[x] = src[from + columns[x]];
        }
    }
}
