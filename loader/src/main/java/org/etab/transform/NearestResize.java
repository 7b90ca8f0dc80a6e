package org.etab.transform;

import java.nio.ByteBuffer;

/**
 * Nearest-neighbour resize for label masks (a mask must stay 0/1): OpenCV's {@code INTER_NEAREST} rule,
 * source index {@code floor(dst * src / dstSize)}.
 *
 * <p>Threading: stateless.
 */
public final class NearestResize {
    private NearestResize() {
    }

    /** Writes {@code dh x dw} bytes at {@code dst[base..]} from a row-major {@code sh x sw} mask. */
    public static void write(byte[] src, int sw, int sh, ByteBuffer dst, int base, int dh, int dw) {
        if (sw == dw && sh == dh) {
            dst.put(base, src, 0, dw * dh);
            return;
        }
        for (int y = 0; y < dh; y++) {
            int sy = Math.min(sh - 1, (int) ((long) y * sh / dh));
            int row = base + y * dw;
            for (int x = 0; x < dw; x++) {
                int sx = Math.min(sw - 1, (int) ((long) x * sw / dw));
                dst.put(row + x, src[sy * sw + sx]);
            }
        }
    }
}
