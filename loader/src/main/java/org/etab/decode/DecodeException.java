package org.etab.decode;

import java.nio.file.Path;

/**
 * A video that cannot be opened or decoded; the message names the source (the file, or the name given
 * with an in-memory video) and the reason.
 *
 * <p>Raised for a missing, empty or unreadable file, a file that is not a video or holds no video
 * stream, a codec without a decoder, a requested frame that fails to decode (FFmpeg's reason, from
 * {@code av_strerror}, is in the message), and a file that ends before the frame count its header
 * promises while requested frames are still pending (truncated). Unchecked: a pipeline records it as a
 * failed sample (skip or fail policy) rather than every caller handling it.
 */
public class DecodeException extends RuntimeException {
    private final transient Path file;
    /** The video's name for messages: the file's path as text, or the name given with an in-memory video. */
    private final String source;

    /**
     * A video file that cannot be opened or decoded; the message is {@code file + ": " + reason}.
     *
     * @param file   the file at fault (kept for {@link #file()}; its text is {@link #source()})
     * @param reason why, e.g. FFmpeg's reason for a failed call
     */
    public DecodeException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.source = String.valueOf(file);
    }

    /**
     * As {@link #DecodeException(Path, String)}, with the exception that caused it.
     *
     * @param file   the file at fault
     * @param reason why
     * @param cause  the underlying failure, e.g. an {@link java.io.IOException}
     */
    public DecodeException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.source = String.valueOf(file);
    }

    /**
     * For a video that is not a file (decoded from memory): {@link #file()} is null.
     *
     * @param source names the video in the message and in {@link #source()}, e.g. its URL
     * @param reason why
     */
    public DecodeException(String source, String reason) {
        super(source + ": " + reason);
        this.file = null;
        this.source = source;
    }

    /** {@return the file at fault, or {@code null} when the video was decoded from memory (see {@link #source()})} */
    public Path file() {
        return file;
    }

    /** {@return the name of the video at fault: the file's path, or the name given with an in-memory video} */
    public String source() {
        return source;
    }
}
