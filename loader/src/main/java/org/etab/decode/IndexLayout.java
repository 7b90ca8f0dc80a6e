package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entries_count;
import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVIndexEntry;
import org.bytedeco.ffmpeg.avformat.AVStream;

/**
 * Learns an AVI's {@link VideoLayout} from the index its demuxer read when the container was opened (RIFF
 * {@code idx1}, or OpenDML {@code indx}/{@code ix##}), in the same open that decodes the video's first clip: no second
 * pass over the file. FFmpeg keeps each indexed chunk's offset (of its 8-byte header) and payload size; FFmpeg 5+
 * exposes them through {@code avformat_index_get_entry}.
 *
 * <p>The demuxer reads packets sequentially, not through the index, so the index is trusted only where it lists
 * exactly the packets that reading delivers; otherwise this gives null and {@link LayoutScan} learns the layout from
 * the packets:
 * <ul>
 *   <li>an AVI of an intra-only codec whose header announces as many frames as the index lists, with timestamps
 *       0, 1, 2, ... (an empty "dropped frame" chunk gets no index entry, so such a video is scanned);</li>
 *   <li>each entry lies inside the file and its chunk header there names the video stream ({@code ##dc} or
 *       {@code ##db}) and the entry's size;</li>
 *   <li>between two entries lie only whole chunks that are not the video stream's (audio, {@code JUNK}), the chunk
 *       after the last entry is not the video stream's, and the first entry is the first packet demuxing met.</li>
 * </ul>
 * Every count and offset is checked against the file's size before anything is allocated from it.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per {@link VideoDecoder}, used by one thread at a time.
 *
 * <h2>Ownership</h2>
 * Owns a {@link RiffChunks} (a reused 64 KiB window for reading chunk headers from a file). Reads the caller's input
 * and channel or buffer within the call; closes and retains neither (a buffer's position and limit are left as they
 * were).
 */
final class IndexLayout {

    private static final int HEADER = RiffChunks.HEADER;

    private final RiffChunks chunks = new RiffChunks();

    /**
     * The layout of the video open in {@code in}, read from the file through {@code ch}, or null.
     *
     * @param firstPacketAt where demuxing found the first video packet's payload (-1: not read)
     */
    VideoLayout of(ContainerInput in, FileChannel ch, long firstPacketAt) throws IOException {
        chunks.over(ch, ch.size());
        try {
            return read(in, firstPacketAt);
        } finally {
            chunks.release();
        }
    }

    /** The layout of the in-memory video open in {@code in}, its whole file in {@code data} (position to limit), or null. */
    VideoLayout of(ContainerInput in, ByteBuffer data, long firstPacketAt) throws IOException {
        chunks.over(data);
        try {
            return read(in, firstPacketAt);
        } finally {
            chunks.release();
        }
    }

    private VideoLayout read(ContainerInput in, long firstPacketAt) throws IOException {
        long fileSize = chunks.length();
        VideoInfo info = in.info();
        String format = in.format().iformat().name().getString();
        if (!info.intraOnly() || !format.equals("avi")) {
            return null;
        }
        AVStream st = in.format().streams(in.stream());
        int count = avformat_index_get_entries_count(st);
        // every frame is a chunk with an 8-byte header: a count the file cannot hold is refused before allocating
        if (count <= 0 || count != info.frameCount() || count > fileSize / HEADER || count > VideoLayout.MAX_FRAMES) {
            return null;
        }
        long[] offsets = new long[count];
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            AVIndexEntry e = avformat_index_get_entry(st, i);
            if (e == null
                    || e.timestamp() != i
                    || e.size() <= 0
                    || e.pos() < 0
                    || e.pos() > fileSize - HEADER - e.size()) {
                return null;
            }
            offsets[i] = e.pos() + HEADER;
            sizes[i] = e.size();
        }
        if (offsets[0] != firstPacketAt && firstPacketAt >= 0) {
            return null;
        }
        String tag = String.format("%02d", in.stream());
        if (!chunks.entriesMatch(offsets, sizes, tag)) {
            return null;
        }
        long after = offsets[count - 1] + sizes[count - 1];
        after += sizes[count - 1] & 1;
        if (chunks.header(after) && chunks.isStream(tag)) {
            return null; // a video chunk the index does not list: demuxing would deliver it
        }
        AVCodecParameters par = st.codecpar();
        byte[] extra = new byte[Math.max(0, par.extradata_size())];
        if (extra.length > 0) {
            par.extradata().position(0).get(extra);
        }
        try {
            return new VideoLayout(
                    par.codec_id(),
                    par.codec_tag(),
                    par.width(),
                    par.height(),
                    extra,
                    info.frameCount(),
                    fileSize,
                    offsets,
                    sizes);
        } catch (IllegalArgumentException e) {
            return null; // entries out of order or overlapping
        }
    }
}
