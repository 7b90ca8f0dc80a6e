package org.etab.decode;

import org.bytedeco.javacpp.BytePointer;

/**
 * Receives decoded frames as 8-bit gray planes. Called on the decoding thread, synchronously, once for
 * every requested clip position whose frame exists.
 *
 * <p>Ownership: {@code gray} belongs to the decoder and is overwritten by the next frame; a sink copies
 * (or transforms) what it needs before returning.
 */
@FunctionalInterface
public interface GrayFrameSink {
    /**
     * @param position index into the requested frame list (the clip position)
     * @param gray     row-major pixels, {@code width * height} bytes, stride == width
     * @param width    the frame's width in pixels
     * @param height   the frame's height in pixels
     */
    void accept(int position, byte[] gray, int width, int height);

    /**
     * Offered first when the decoder holds the frame as a native full-range gray plane (the luma of MJPEG and
     * other full-range video): a sink that can read native memory takes it here and saves the decoder's copy into
     * a Java array, and itself the work of compiled Java on every pixel. The default declines.
     *
     * @param position index into the requested frame list (the clip position)
     * @param gray     row-major pixels, {@code width * height} bytes, stride == width, 0..255; the decoder's,
     *                 valid only during this call; read it, do not move its position
     * @param width    the frame's width in pixels
     * @param height   the frame's height in pixels
     * @return true if the frame was taken; false to receive it through {@link #accept} instead
     */
    default boolean acceptPlane(int position, BytePointer gray, int width, int height) {
        return false;
    }
}
