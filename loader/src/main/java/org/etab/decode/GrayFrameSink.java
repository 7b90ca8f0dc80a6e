package org.etab.decode;

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
}
