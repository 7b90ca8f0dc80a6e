package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Learns an MJPEG AVI's {@link VideoLayout} by reading its RIFF headers and {@code idx1} index directly, without
 * opening the container in FFmpeg: a video's first use can then decode its clip from the clip's bytes as every later
 * use does ({@link VideoDecoder#decode(VideoLayout, java.nio.ByteBuffer, long, String, int[], GrayFrameSink, long)}),
 * instead of paying a container open on top. EchoNet-Dynamic's videos are such files.
 *
 * <p>Only the plain shape is taken; anything else gives null and the caller decodes through the container (which
 * learns the layout from FFmpeg's index, or from the packets): one {@code RIFF AVI } chunk that is the whole file;
 * a {@code hdrl} list (at most 64 KiB) with one stream, {@code vids}, starting at 0, of codec {@code MJPG} with a plain
 * 40-byte {@code BITMAPINFOHEADER} (no extra data) and positive dimensions, and no OpenDML index ({@code indx}; an
 * OpenDML {@code odml}/{@code dmlh} header alone, as OpenCV's own MJPEG writer puts there, is fine); one {@code movi}
 * list whose first chunk is the first frame; an {@code idx1} after it that lists exactly the frames the header
 * announces ({@code strh} length), every one non-empty, in file order. Each entry's chunk header in the file must
 * name the video stream and the entry's size, and between and after the frames lie only whole chunks of other kinds
 * ({@code JUNK}) up to the end of {@code movi}: the layout is then the one demuxing the file gives (tests compare it
 * with FFmpeg's on every phantom video and on damaged files).
 *
 * <p>Every count and offset is checked against the file's size before anything is allocated from it: a header frame
 * count the file cannot hold as 8-byte chunks, or more than the index's entries, gives null.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per decode thread.
 *
 * <h2>Ownership</h2>
 * Owns a reused 64 KiB window and a 64 KiB buffer for headers and index entries. The channel or buffer is the
 * caller's: read within the call (a channel's position moves; a buffer's position and limit stay), not closed, not
 * retained.
 */
public final class AviIndex {

    private static final int HEADER = RiffChunks.HEADER;
    /** Larger header lists are left to FFmpeg (EchoNet's are a few hundred bytes). */
    private static final int MAX_HDRL = 64 << 10;
    /** Index entries are read in blocks of this many bytes (16 per entry). */
    private static final int ENTRY_BLOCK = 64 << 10;
    /** Top-level chunks walked before giving up (a plain AVI has 3 or 4). */
    private static final int MAX_TOP_CHUNKS = 64;

    private static final int BITMAPINFOHEADER = 40;
    private static final int MJPG = fourcc("MJPG");

    private final RiffChunks chunks = new RiffChunks();
    private final byte[] block = new byte[Math.max(MAX_HDRL, ENTRY_BLOCK)];

    /** Creates a reader with its own buffers. */
    public AviIndex() {}

    /**
     * The layout of the AVI read through {@code ch}, or null when the file is not of the plain shape this reads.
     *
     * @param ch the video's file, opened for reading; its position is moved
     * @return the layout, or null: decode through the container instead
     * @throws IOException when reading the channel fails (a deadline channel's timeout included)
     */
    public VideoLayout read(SeekableByteChannel ch) throws IOException {
        chunks.over(ch, ch.size());
        try {
            return read();
        } finally {
            chunks.release();
        }
    }

    /**
     * As {@link #read(SeekableByteChannel)}, for a whole file in memory.
     *
     * @param data the file's bytes, position to limit; its position and limit are left as they were
     * @return the layout (offsets relative to the data's position), or null: decode through the container instead
     */
    public VideoLayout read(ByteBuffer data) {
        chunks.over(data);
        try {
            return read();
        } catch (IOException e) {
            throw new IllegalStateException("reading memory cannot fail", e);
        } finally {
            chunks.release();
        }
    }

    private VideoLayout read() throws IOException {
        long fileSize = chunks.length();
        if (!chunks.header(0) || !chunks.is("RIFF") || chunks.size() + HEADER != fileSize) {
            return null;
        }
        if (!chunks.bytes(HEADER, block, 4) || !isFourcc(block, 0, "AVI ")) {
            return null;
        }
        long hdrl = -1, hdrlSize = 0, movi = -1, moviEnd = 0, idx1 = -1, idx1Size = 0;
        long at = 12;
        for (int n = 0; at < fileSize; n++) {
            if (n == MAX_TOP_CHUNKS || !chunks.header(at)) {
                return null;
            }
            long size = chunks.size();
            long end = at + HEADER + size;
            if (end > fileSize) {
                return null;
            }
            if (chunks.is("LIST")) {
                if (size < 4 || !chunks.bytes(at + HEADER, block, 4)) {
                    return null;
                }
                if (isFourcc(block, 0, "hdrl") && hdrl < 0 && movi < 0) {
                    hdrl = at + HEADER + 4;
                    hdrlSize = size - 4;
                } else if (isFourcc(block, 0, "movi") && movi < 0 && hdrl >= 0) {
                    movi = at + HEADER; // where the "movi" fourcc lies
                    moviEnd = end;
                } else if (isFourcc(block, 0, "hdrl") || isFourcc(block, 0, "movi")) {
                    return null; // a second one, or out of order
                }
            } else if (chunks.is("idx1") && movi >= 0 && idx1 < 0) {
                idx1 = at + HEADER;
                idx1Size = size;
            } else if (chunks.is("RIFF") || chunks.is("idx1")) {
                return null;
            }
            at = end + (size & 1);
        }
        if (hdrl < 0 || movi < 0 || idx1 < 0 || hdrlSize > MAX_HDRL || !chunks.bytes(hdrl, block, (int) hdrlSize)) {
            return null;
        }
        Stream video = stream(block, (int) hdrlSize);
        if (video == null
                || video.frames <= 0
                || video.frames > fileSize / HEADER
                || video.frames > idx1Size / 16
                || video.frames > VideoLayout.MAX_FRAMES) {
            return null;
        }
        return layout(video, fileSize, movi, moviEnd, idx1, idx1Size);
    }

    /** The one video stream the header list declares, or null when it is not one plain MJPEG stream. */
    private static Stream stream(byte[] h, int length) {
        Stream found = null;
        int streams = 0;
        for (int at = 0; at + HEADER <= length; ) {
            int size = RiffChunks.littleEndianInt(h, at + 4);
            if (size < 0 || size > length - at - HEADER) {
                return null;
            }
            if (isFourcc(h, at, "LIST") && size >= 4 && isFourcc(h, at + HEADER, "strl")) {
                streams++;
                found = strl(h, at + HEADER + 4, at + HEADER + size);
            }
            at += HEADER + size + (size & 1);
        }
        return streams == 1 ? found : null;
    }

    /** The stream of one {@code strl} list ({@code [from, to)} of the header bytes), or null. */
    private static Stream strl(byte[] h, int from, int to) {
        int frames = -1;
        int width = 0;
        int height = 0;
        for (int at = from; at + HEADER <= to; ) {
            int size = RiffChunks.littleEndianInt(h, at + 4);
            if (size < 0 || size > to - at - HEADER) {
                return null;
            }
            int p = at + HEADER;
            if (isFourcc(h, at, "strh")) {
                if (size < 36
                        || !isFourcc(h, p, "vids")
                        || RiffChunks.littleEndianInt(h, p + 20) <= 0 // dwScale
                        || RiffChunks.littleEndianInt(h, p + 24) <= 0 // dwRate
                        || RiffChunks.littleEndianInt(h, p + 28) != 0) { // dwStart: frames would not count from 0
                    return null;
                }
                frames = RiffChunks.littleEndianInt(h, p + 32); // dwLength
            } else if (isFourcc(h, at, "strf")) {
                if (size != BITMAPINFOHEADER || RiffChunks.littleEndianInt(h, p + 16) != MJPG) {
                    return null; // another codec, or extra data after the header
                }
                width = RiffChunks.littleEndianInt(h, p + 4);
                height = RiffChunks.littleEndianInt(h, p + 8);
            } else if (isFourcc(h, at, "indx")) {
                return null; // OpenDML super index
            }
            at += HEADER + size + (size & 1);
        }
        return frames > 0 && width > 0 && height > 0 ? new Stream(frames, width, height) : null;
    }

    private VideoLayout layout(Stream video, long fileSize, long movi, long moviEnd, long idx1, long idx1Size)
            throws IOException {
        int count = video.frames;
        long[] offsets = new long[count];
        int[] sizes = new int[count];
        long firstChunk = movi + 4;
        long base = 0;
        int frame = 0;
        long entries = idx1Size / 16;
        for (long e = 0; e < entries; ) {
            int n = (int) Math.min(entries - e, ENTRY_BLOCK / 16);
            if (!chunks.bytes(idx1 + e * 16, block, n * 16)) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                int p = i * 16;
                if (!isFourcc(block, p, "00dc") && !isFourcc(block, p, "00db")) {
                    return null; // only frames are listed in a file of one stream
                }
                long offset = RiffChunks.littleEndianInt(block, p + 8) & 0xffffffffL;
                int size = RiffChunks.littleEndianInt(block, p + 12);
                if (frame == 0) {
                    base = firstChunk - offset; // offsets count from "movi" (or from the file's start)
                }
                long chunk = base + offset;
                if (frame == count || size <= 0 || chunk < firstChunk || chunk > moviEnd - HEADER - size) {
                    return null;
                }
                offsets[frame] = chunk + HEADER;
                sizes[frame] = size;
                frame++;
            }
            e += n;
        }
        if (frame != count || !chunks.entriesMatch(offsets, sizes, "00")) {
            return null;
        }
        long after = offsets[count - 1] + sizes[count - 1] + (sizes[count - 1] & 1);
        if (!chunks.onlyOtherChunks(after, moviEnd, "00")) {
            return null;
        }
        try {
            return new VideoLayout(
                    AV_CODEC_ID_MJPEG, MJPG, video.width, video.height, new byte[0], count, fileSize, offsets, sizes);
        } catch (IllegalArgumentException e) {
            return null; // entries out of order or overlapping
        }
    }

    private static boolean isFourcc(byte[] b, int at, String fourcc) {
        for (int i = 0; i < 4; i++) {
            if (b[at + i] != fourcc.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int fourcc(String s) {
        return s.charAt(0) | s.charAt(1) << 8 | s.charAt(2) << 16 | s.charAt(3) << 24;
    }

    /** What the stream header list says of the video. */
    private record Stream(int frames, int width, int height) {}
}
