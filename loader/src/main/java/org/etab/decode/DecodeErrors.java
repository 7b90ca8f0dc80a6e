package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AV_ERROR_MAX_STRING_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;

/**
 * How one video decode call reports a failure: the exception naming its video (the file, or the name given with
 * its bytes), the timeout once the call's deadline has passed, and FFmpeg's reason for a return code. Also holds
 * the FFmpeg return codes every stage tests for.
 *
 * <h2>Threading</h2>
 * One instance per call, used on the calling thread only; the static codes are immutable.
 *
 * <h2>Ownership</h2>
 * Holds no native memory of its own: the deadline cell is the {@link VideoDecoder}'s (freed by its
 * {@code close}), and the {@link MemoryIO} it may name as a cause is the {@link ContainerInput}'s.
 */
final class DecodeErrors {

    static final int EAGAIN;
    static final int EOF;
    static final int EXIT;

    static {
        loadLibraries();
        EAGAIN = AVERROR_EAGAIN();
        EOF = AVERROR_EOF();
        EXIT = AVERROR_EXIT();
    }

    private final Path file;
    private final String name;
    private final LongPointer deadline;
    private MemoryIO memory;

    /**
     * @param file     the video's file, or null for a video that is not one
     * @param name     names a video that is not a file, e.g. its URL
     * @param deadline the call's deadline in {@code System.nanoTime()} units, in the decoder's native cell
     */
    DecodeErrors(Path file, String name, LongPointer deadline) {
        this.file = file;
        this.name = name;
        this.deadline = deadline;
    }

    /** Loads FFmpeg's libraries (idempotent). */
    static void loadLibraries() {
        // AVERROR_EAGAIN() lives in a preset superclass whose natives only link once the libraries are loaded
        Loader.load(org.bytedeco.ffmpeg.global.avutil.class);
        Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        Loader.load(org.bytedeco.ffmpeg.global.swscale.class);
    }

    /** From now on an exception thrown inside {@code memory}'s read callback is the cause of every error. */
    void readingFrom(MemoryIO memory) {
        this.memory = memory;
    }

    void checkDeadline(int framesRead) {
        if (pastDeadline()) {
            throw timeout("timed out after reading " + framesRead + " frames");
        }
    }

    /** At EOF with positions pending: fine if the header agrees the video ended, else truncated. */
    void checkComplete(long headerFrames, int videoPackets) {
        if (headerFrames > videoPackets) {
            throw error("truncated: header says " + headerFrames + " frames but the file ends after " + videoPackets);
        }
    }

    DecodeException error(String reason) {
        DecodeException e = file != null ? new DecodeException(file, reason) : new DecodeException(name, reason);
        if (memory != null && memory.failure != null) {
            e.initCause(memory.failure);
        }
        return e;
    }

    /** {@code what} failed with FFmpeg's return {@code code}. */
    DecodeException fail(String what, int code) {
        if (code == EXIT && pastDeadline()) {
            // the interrupt callback or a memory read gave up: report the timeout, not "Immediate exit"
            return timeout("timed out: " + what);
        }
        return error(what + ": " + describe(code));
    }

    /** FFmpeg's text for a return code, and the code. */
    static String describe(int code) {
        byte[] buf = new byte[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(code, buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8) + " (" + code + ")";
    }

    private boolean pastDeadline() {
        return Deadline.passed(deadline.get(0));
    }

    DecodeTimeoutException timeout(String reason) {
        return file != null ? new DecodeTimeoutException(file, reason) : new DecodeTimeoutException(name, reason);
    }
}
