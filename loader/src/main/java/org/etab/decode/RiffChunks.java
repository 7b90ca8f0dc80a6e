package org.etab.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Reads the chunks of a RIFF file (an AVI) from a channel or from memory: 8-byte chunk headers (a fourcc and a
 * little-endian payload size) through a reused 64 KiB window, runs of bytes, and the checks that an index's entries
 * name exactly the chunks of one stream. Every offset is checked against the file's length before it is read.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per reader, used by one thread at a time.
 *
 * <h2>Ownership</h2>
 * Owns its window. The channel or buffer given to {@link #over} is the caller's: read (a channel's position moves,
 * a buffer's position and limit stay), never closed, and dropped by {@link #release()}.
 */
final class RiffChunks {

    /** Bytes of a chunk header: fourcc and size. */
    static final int HEADER = 8;

    /** Chunk headers are read through a window this large (sequential, few reads per video). */
    private static final int WINDOW = 64 << 10;

    private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private final byte[] header = new byte[HEADER];
    private SeekableByteChannel channel;
    private ByteBuffer memory;
    private int memoryBase;
    private long length;
    private long windowAt;
    private int windowLength;

    /** Reads {@code length} bytes of {@code ch} from offset 0 until {@link #release()}. */
    void over(SeekableByteChannel ch, long length) {
        channel = ch;
        memory = null;
        this.length = length;
        windowAt = 0;
        windowLength = 0;
    }

    /** Reads {@code data} (position to limit) until {@link #release()}. */
    void over(ByteBuffer data) {
        channel = null;
        memory = data;
        memoryBase = data.position();
        length = data.remaining();
    }

    /** Drops the channel or buffer. */
    void release() {
        channel = null;
        memory = null;
    }

    /** {@return the length of what is read, in bytes} */
    long length() {
        return length;
    }

    /** Reads the chunk header at {@code at}; false when it does not lie wholly inside the file. */
    boolean header(long at) throws IOException {
        if (at < 0 || at > length - HEADER) {
            return false;
        }
        if (memory != null) {
            memory.get(memoryBase + (int) at, header);
            return true;
        }
        if (at < windowAt || at + HEADER > windowAt + windowLength) {
            window.clear();
            fill(window, at);
            windowAt = at;
            windowLength = window.position();
            if (windowLength < HEADER) {
                return false;
            }
        }
        window.get((int) (at - windowAt), header);
        return true;
    }

    /** Reads {@code count} bytes at {@code at} into {@code dst}; false when they do not lie wholly inside the file. */
    boolean bytes(long at, byte[] dst, int count) throws IOException {
        if (at < 0 || count < 0 || count > dst.length || at > length - count) {
            return false;
        }
        if (memory != null) {
            memory.get(memoryBase + (int) at, dst, 0, count);
            return true;
        }
        ByteBuffer into = ByteBuffer.wrap(dst, 0, count);
        fill(into, at);
        return !into.hasRemaining();
    }

    private void fill(ByteBuffer into, long at) throws IOException {
        channel.position(at);
        while (into.hasRemaining() && channel.read(into) >= 0) {
            // until full or the end of the file
        }
    }

    /** {@return whether the last header read is {@code fourcc}} */
    boolean is(String fourcc) {
        for (int i = 0; i < 4; i++) {
            if (header[i] != fourcc.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@return whether the last header read is one of stream {@code tag}'s chunks (any kind)} */
    boolean isStream(String tag) {
        return header[0] == tag.charAt(0) && header[1] == tag.charAt(1);
    }

    /** {@return whether the last header read is a compressed or uncompressed frame of stream {@code tag}} */
    boolean isVideoChunk(String tag) {
        return isStream(tag) && header[2] == 'd' && (header[3] == 'c' || header[3] == 'b');
    }

    /** {@return the payload size the last header read declares, unsigned} */
    long size() {
        return littleEndianInt(header, 4) & 0xffffffffL;
    }

    /**
     * True when {@code offsets} and {@code sizes} (payloads, as an index gives them) are frames of stream {@code tag}
     * whose chunk headers declare those sizes, with only whole chunks of other streams or kinds between two of them.
     */
    boolean entriesMatch(long[] offsets, int[] sizes, String tag) throws IOException {
        for (int i = 0; i < offsets.length; i++) {
            long chunk = offsets[i] - HEADER;
            if (!header(chunk) || !isVideoChunk(tag) || size() != sizes[i]) {
                return false;
            }
            long end = offsets[i] + sizes[i];
            long next = i + 1 < offsets.length ? offsets[i + 1] - HEADER : -1;
            if (next >= 0 && next != end && !onlyOtherChunks(end + (sizes[i] & 1), next, tag)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code [from, to)} holds only whole chunks of other streams or kinds, walked header by header. */
    boolean onlyOtherChunks(long from, long to, String tag) throws IOException {
        long at = from;
        while (at < to) {
            if (at > to - HEADER || !header(at)) {
                return false;
            }
            if (isStream(tag) || is("LIST") || is("RIFF")) {
                return false; // this stream's chunk, or a list the demuxer would descend into
            }
            long size = size();
            at += HEADER + size + (size & 1);
        }
        return at == to;
    }

    static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
