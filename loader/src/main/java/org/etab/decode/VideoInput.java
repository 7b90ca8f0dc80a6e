package org.etab.decode;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A video for {@link VideoDecoder} to read: a file, or a whole video file's bytes in memory (datasets on remote
 * storage) with the name that error messages give it.
 *
 * <p>Immutable. An in-memory video's {@code ByteBuffer} is not copied: the decoder reads it from its position to its
 * limit during each call, leaves position and limit as they were, and never writes it; its bytes must not change
 * while a call runs. Several decoders may read one input at once.
 */
public final class VideoInput {
    private final Path file; // null for bytes in memory
    private final ByteBuffer data; // null for a file
    private final String name;

    private VideoInput(Path file, ByteBuffer data, String name) {
        this.file = file;
        this.data = data;
        this.name = name;
    }

    /**
     * A video file, opened by each call through FFmpeg's own file I/O.
     *
     * @param file the video file
     * @return the input
     * @throws IllegalArgumentException {@code file} is null
     */
    public static VideoInput of(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        return new VideoInput(file, null, file.toString());
    }

    /**
     * A whole video file in memory, read by FFmpeg through a custom I/O context (no temporary file).
     *
     * @param data the whole file, from its position to its limit (heap or direct)
     * @param name names the video in error messages, e.g. its URL
     * @return the input
     * @throws IllegalArgumentException {@code data} or {@code name} is null
     */
    public static VideoInput of(ByteBuffer data, String name) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        return new VideoInput(null, data, name);
    }

    /** {@return the name error messages give the video: the file's path, or the name given with the bytes} */
    public String name() {
        return name;
    }

    /** The file, or null for bytes in memory. */
    Path file() {
        return file;
    }

    /** The bytes, or null for a file. */
    ByteBuffer data() {
        return data;
    }

    @Override
    public String toString() {
        return name;
    }
}
