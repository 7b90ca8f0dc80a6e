package org.etab.transform;

import static org.bytedeco.ffmpeg.global.swscale.sws_convertPalette8ToPacked32;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Writes a native gray plane into native batch memory with no Java code touching a pixel: float32 through each
 * channel's 256-entry table used as FFmpeg's 32-bit palette ({@code sws_convertPalette8ToPacked32}: one lookup per
 * pixel, the table's own bits written, so the values are exactly the Java path's), uint8 by one copy per plane.
 *
 * <p>Threading: immutable; the palettes are read concurrently and their positions never move. The destination
 * pointer's position is set by each call, so each thread passes its own view.
 */
final class NativePlanes {
    private final int channels;
    /** One palette per channel (float32), or null (uint8); kept alive by {@link #memory}. */
    private final BytePointer[] palettes;

    private final ByteBuffer memory;

    /** Planes written through {@code lut[c]} (float32); {@code lut == null} writes raw bytes (uint8). */
    NativePlanes(int channels, float[][] lut) {
        this.channels = channels;
        if (lut == null) {
            memory = null;
            palettes = null;
            return;
        }
        memory = ByteBuffer.allocateDirect(channels * 256 * Float.BYTES).order(ByteOrder.nativeOrder());
        palettes = new BytePointer[channels];
        for (int c = 0; c < channels; c++) {
            for (int v = 0; v < 256; v++) {
                memory.putFloat((c * 256 + v) * Float.BYTES, lut[c][v]);
            }
            palettes[c] = new BytePointer(memory).position((long) c * 256 * Float.BYTES);
        }
    }

    /** Writes {@code n} pixels of {@code gray} into each channel plane at element {@code base + c * stride}. */
    void write(BytePointer gray, int n, BytePointer dst, long base, long channelStride) {
        int elementBytes = palettes == null ? 1 : Float.BYTES;
        checkFits(dst, elementBytes, base, channelStride, n);
        for (int c = 0; c < channels; c++) {
            dst.position((base + c * channelStride) * elementBytes);
            if (palettes == null) {
                Pointer.memcpy(dst, gray, n);
            } else {
                sws_convertPalette8ToPacked32(gray, dst, n, palettes[c]);
            }
        }
    }

    /** Native writes have no bounds check of their own: every plane must lie within {@code dst}'s capacity. */
    private void checkFits(BytePointer dst, int elementBytes, long base, long channelStride, int n) {
        long end = base + (channels - 1) * channelStride + n;
        if (base < 0 || channelStride < n || end * elementBytes > dst.capacity()) {
            throw new IndexOutOfBoundsException("planes of " + n + " elements from " + base + ", " + channelStride
                    + " apart, do not fit in " + dst.capacity() / elementBytes + " elements");
        }
    }
}
