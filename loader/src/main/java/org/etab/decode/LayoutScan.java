package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.LongPointer;

/**
 * Learns a {@link VideoLayout}: one demuxing pass over an intra-only video's container (nothing is decoded) that
 * records where each video packet's payload lies in the file, checking each payload byte for byte against the
 * stored bytes at that offset. A codec with inter-frame prediction, a packet the demuxer rebuilt or moved, or packets
 * out of order give no layout (null): only the container can read such a video.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per {@link VideoDecoder}, used by one thread at a time.
 *
 * <h2>Ownership</h2>
 * The packet and the deadline and I/O cells are the decoder's, lent for each call; the packet is unreferenced
 * before the call returns or throws. The input (and, for a file, the channel its packets are checked through) is
 * opened and closed within the call. An in-memory video's buffer is only read: its position and limit are left as
 * they were, and it is not retained.
 */
final class LayoutScan {
    /** The most video packets a scan records: {@link VideoLayout#MAX_FRAMES}. */
    static final int MAX_PACKETS = VideoLayout.MAX_FRAMES;

    /** Packets between two looks at the clock: a scan of the longest video looks a few dozen times. */
    private static final int CLOCK_EVERY = 256;

    private final AVPacket packet;
    private final LongPointer deadline;
    private final LongPointer ioCell;

    LayoutScan(AVPacket packet, LongPointer deadline, LongPointer ioCell) {
        this.packet = packet;
        this.deadline = deadline;
        this.ioCell = ioCell;
    }

    /**
     * The layout of the whole file in {@code data} (position to limit) named {@code name}, or null; gives up with a
     * {@link DecodeTimeoutException} once {@code deadlineNanos} ({@link Deadline}) has passed.
     */
    VideoLayout of(ByteBuffer data, String name, long deadlineNanos) {
        int base = data.position();
        long fileSize = data.remaining();
        try {
            return scan(
                    null,
                    data,
                    name,
                    fileSize,
                    deadlineNanos,
                    (at, payload, size) ->
                            data.slice(base + (int) at, size).mismatch(ByteBuffer.wrap(payload, 0, size)) == -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory is not read with I/O
        }
    }

    /**
     * The layout of {@code file}, each packet checked with a positional read (the file is never held whole), or null;
     * gives up as {@link #of(ByteBuffer, String, long)} does.
     */
    VideoLayout of(Path file, long deadlineNanos) {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer[] stored = {ByteBuffer.allocate(0)};
            return scan(file, null, null, ch.size(), deadlineNanos, (at, payload, size) -> {
                if (stored[0].capacity() < size) {
                    stored[0] = ByteBuffer.allocate(size);
                }
                ByteBuffer b = stored[0].clear().limit(size);
                while (b.hasRemaining()) {
                    if (ch.read(b, at + b.position()) < 0) {
                        return false;
                    }
                }
                return b.flip().mismatch(ByteBuffer.wrap(payload, 0, size)) == -1;
            });
        } catch (IOException e) {
            throw new DecodeException(file, "cannot read: " + e, e);
        }
    }

    /** Reads back the bytes a packet came from: true when they are the packet's payload, verbatim. */
    private interface StoredBytes {
        boolean hold(long at, byte[] payload, int size) throws IOException;
    }

    private VideoLayout scan(
            Path file, ByteBuffer data, String name, long fileSize, long deadlineNanos, StoredBytes stored)
            throws IOException {
        deadline.put(0, deadlineNanos);
        try (ContainerInput in = ContainerInput.open(file, data, name, false, deadline, ioCell)) {
            VideoInfo info = in.info();
            if (!info.intraOnly()) {
                return null;
            }
            // sized from the header only as far as the file can hold it (8-byte chunk header per frame); a
            // header announcing 2^31 frames in a 300 KB file must not allocate gigabytes: real packets grow it
            long[] offsets =
                    new long[(int) Math.max(16, Math.min(Math.min(info.frameCount(), MAX_PACKETS), fileSize / 8))];
            int[] sizes = new int[offsets.length];
            int n = 0;
            byte[] payload = new byte[0];
            while (true) {
                int ret = av_read_frame(in.format(), packet);
                if (ret == DecodeErrors.EOF) {
                    break;
                }
                if (ret < 0) {
                    throw in.errors.fail("cannot read past frame " + n, ret);
                }
                if (packet.stream_index() != in.stream()) {
                    av_packet_unref(packet);
                    continue;
                }
                if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                    // a chunk the file ends inside (a copy cut short): the container path refuses its frame, so the
                    // layout ends before it, and a clip that needs it fails whichever of the video's clips came first
                    break;
                }
                if (n == MAX_PACKETS) {
                    return null; // more frames than a video may have: not worth a layout
                }
                if (n % CLOCK_EVERY == 0 && Deadline.passed(deadlineNanos)) {
                    // the demuxer's interrupt callback only runs when it waits on I/O; a scan of cached pages may not
                    throw in.errors.timeout("timed out learning the layout after " + n + " packets");
                }
                int size = packet.size();
                long at = packet.pos();
                if (payload.length < size) {
                    payload = new byte[size];
                }
                if (size > 0) {
                    packet.data().position(0).get(payload, 0, size);
                }
                av_packet_unref(packet);
                if (at < 0 || at + size > fileSize || !stored.hold(at, payload, size)) {
                    return null; // the demuxer rebuilt or moved this packet: only the container can read it
                }
                if (n == offsets.length) {
                    offsets = Arrays.copyOf(offsets, 2 * n);
                    sizes = Arrays.copyOf(sizes, 2 * n);
                }
                offsets[n] = at;
                sizes[n++] = size;
            }
            AVCodecParameters par = in.format().streams(in.stream()).codecpar();
            byte[] extra = new byte[Math.max(0, par.extradata_size())];
            if (extra.length > 0) {
                par.extradata().position(0).get(extra);
            }
            return new VideoLayout(
                    par.codec_id(),
                    par.codec_tag(),
                    par.width(),
                    par.height(),
                    extra,
                    info.frameCount(),
                    fileSize,
                    Arrays.copyOf(offsets, n),
                    Arrays.copyOf(sizes, n));
        } catch (IllegalArgumentException e) {
            return null; // packets out of order or overlapping: not a layout to trust
        } finally {
            av_packet_unref(packet);
        }
    }
}
