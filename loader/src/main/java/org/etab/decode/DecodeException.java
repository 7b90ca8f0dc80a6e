package org.etab.decode;

import java.nio.file.Path;

/**
 * A video that cannot be opened or decoded; the message names the file and the reason.
 *
 * <p>Raised for a missing, empty or unreadable file, a file that is not a video or holds no video
 * stream, a codec without a decoder, a requested frame that fails to decode (FFmpeg's reason, from
 * {@code av_strerror}, is in the message), and a file that ends before the frame count its header
 * promises while requested frames are still pending (truncated). Unchecked: a pipeline records it as a
 * failed sample (skip or fail policy) rather than every caller handling it.
 */
public class DecodeException extends RuntimeException {
    private final transient Path file;

    public DecodeException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
