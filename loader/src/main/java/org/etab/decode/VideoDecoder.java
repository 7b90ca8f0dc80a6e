package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_NONE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_PROP_INTRA_ONLY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_descriptor_get;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_ATTACHED_PIC;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_ERROR_MAX_STRING_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_BAYER;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_BITSTREAM;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_FLOAT;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_HWACCEL;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_PAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_RGB;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_XYZ;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecDescriptor;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVComponentDescriptor;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes only the frames a clip needs from a video file, or from a whole video file's bytes in memory
 * (datasets on remote storage), and hands them out as 8-bit gray planes,
 * through FFmpeg's own API (not JavaCV's grabber, which decodes every frame up to the last one needed).
 *
 * <p>For intra-only codecs (MJPEG, the EchoNet format) video packets are counted as frame numbers and
 * only the packets of requested frames reach the decoder; the others are read and dropped, and reading
 * stops after the last requested frame. Other codecs are decoded in order and the unwanted pictures
 * dropped, again stopping after the last requested frame. Planar YUV and GRAY8 pictures are delivered
 * as their luma plane, copied in bulk; limited-range ("MPEG", 16..235) luma is then stretched to 0..255
 * so that every codec yields the same full-range gray swscale would give. Any other pixel format is
 * converted to GRAY8 with swscale.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per decoding thread (the parallelism model is one single-threaded
 * FFmpeg decoder per core). The sink runs synchronously on the calling thread.
 *
 * <h2>Ownership</h2>
 * Each call opens and closes its own file, or its own custom I/O context over the in-memory bytes (see
 * {@link MemoryIO}; no temporary file): the format, I/O and codec contexts are freed before
 * {@code probe}/{@code decode} return, on success, on error, on early stop and when the sink throws.
 * The instance owns a reused packet, frame, gray {@code byte[]} and swscale context, freed by
 * {@link #close()} (idempotent). The gray array passed to the sink stays the decoder's: it is
 * overwritten by the next frame. An in-memory video's {@code ByteBuffer} is only read, during the call:
 * its position and limit are left as they were, it is not retained, and its bytes must not change while
 * the call runs (several decoders may read the same buffer at once).
 *
 * <h2>Errors</h2>
 * A file (or in-memory video) that cannot be opened, holds no video stream, fails to decode, or ends before its header's
 * frame count while requested frames are still pending raises {@link DecodeException} with the file (or
 * the name given with the bytes) and FFmpeg's reason. Truncation after the last requested frame goes unnoticed (reading stops early).
 * Bad arguments raise {@link IllegalArgumentException}.
 */
public final class VideoDecoder implements AutoCloseable {

    private static final int EAGAIN;
    private static final int EOF;
    private static final int EXIT;
    private static final long NOT_LUMA_FLAGS = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL
            | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BAYER
            | AV_PIX_FMT_FLAG_FLOAT | AV_PIX_FMT_FLAG_XYZ;

    static {
        // AVERROR_EAGAIN() lives in a preset superclass whose natives only link once the libraries are loaded
        Loader.load(org.bytedeco.ffmpeg.global.avutil.class);
        Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        Loader.load(org.bytedeco.ffmpeg.global.swscale.class);
        EAGAIN = AVERROR_EAGAIN();
        EOF = AVERROR_EOF();
        EXIT = AVERROR_EXIT();
        // Errors reach the caller as DecodeException; FFmpeg's own per-frame chatter would flood logs.
        av_log_set_level(AV_LOG_QUIET);
    }

    /**
     * FFmpeg's interrupt callback, one for all decoders (JavaCPP callbacks are a scarce native resource): the
     * context's {@code opaque} points at the owning decoder's deadline.
     */
    private static final AVIOInterruptCB.Callback_Pointer PAST_DEADLINE = new AVIOInterruptCB.Callback_Pointer() {
        @Override
        public int call(Pointer opaque) {
            return opaque != null && System.nanoTime() - new LongPointer(opaque).get(0) > 0 ? 1 : 0;
        }
    };

    private final AVPacket packet;
    private final AVFrame frame;
    /** This decoder's deadline in System.nanoTime() units, in native memory for the interrupt callback. */
    private final LongPointer deadline = new LongPointer(1);
    /** The id of this decoder's current in-memory input, the {@code opaque} of its custom I/O context. */
    private final LongPointer ioCell = new LongPointer(1);
    private byte[] gray = new byte[0];
    /** Native copy of one packet for {@link #decodePackets} (grown on need, freed by close). */
    private BytePointer packetData;
    private static final byte[] PADDING = new byte[AV_INPUT_BUFFER_PADDING_SIZE];

    // pixel-format classification of the last frame: formats rarely change, so look up once
    private int lastFormat = Integer.MIN_VALUE;
    private boolean lastFormatIsLuma;
    private boolean lastFormatLimitedByDefault; // YUV that is not yuvj*: limited range unless tagged

    /** Limited-range luma (16..235) to full range (0..255), as swscale maps YUV to GRAY8. */
    private static final byte[] LIMITED_TO_FULL = new byte[256];

    static {
        for (int y = 0; y < 256; y++) {
            LIMITED_TO_FULL[y] = (byte) Math.max(0, Math.min(255, Math.round((y - 16) * 255.0 / 219.0)));
        }
    }

    // swscale fallback for pixel formats without a plain 8-bit luma plane (created on first need)
    private SwsContext sws;
    private BytePointer swsOut;
    private PointerPointer<BytePointer> swsDst;
    private IntPointer swsDstStride;

    private boolean closed;

    public VideoDecoder() {
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        if (packet == null || frame == null) {
            if (packet != null) av_packet_free(packet);
            if (frame != null) av_frame_free(frame);
            throw new OutOfMemoryError("av_packet_alloc/av_frame_alloc failed");
        }
    }

    /**
     * Sets FFmpeg's global log level (an {@code avutil.AV_LOG_*} constant). The default is
     * {@code AV_LOG_QUIET}; raise it (e.g. {@code AV_LOG_ERROR}) to see FFmpeg's own diagnostics.
     */
    public static void setLogLevel(int avLogLevel) {
        av_log_set_level(avLogLevel);
    }

    /** Reads the container header of {@code file} (no decoding). */
    public VideoInfo probe(Path file) {
        ensureOpen();
        if (file == null) throw new IllegalArgumentException("file must not be null");
        deadline.put(0, Long.MAX_VALUE);
        try (Input in = Input.open(file, null, null, false, deadline, ioCell)) {
            return in.info;
        }
    }

    /**
     * Reads the container header of an in-memory video (no decoding).
     *
     * @param data the whole file, from its position to its limit (heap or direct; not modified)
     * @param name names the video in error messages, e.g. its URL
     */
    public VideoInfo probe(ByteBuffer data, String name) {
        ensureOpen();
        checkSource(data, name);
        deadline.put(0, Long.MAX_VALUE);
        try (Input in = Input.open(null, data, name, false, deadline, ioCell)) {
            return in.info;
        }
    }

    /**
     * Decodes the requested frames of {@code file} and calls
     * {@code sink.accept(position, gray, width, height)} for each position {@code p} of {@code frames}
     * whose frame {@code frames[p]} exists, in position order. A frame requested at several positions is
     * decoded once and delivered once per position. Positions asking for frames past the end of the
     * video are not delivered; they form a suffix, so {@code delivered} tells the caller where padding
     * starts. An empty request touches no file.
     *
     * @param frames frame numbers, non-decreasing, each {@code >= 0}
     * @throws DecodeException          the file cannot be opened or decoded (message names file and reason)
     * @throws IllegalArgumentException null arguments, a negative or decreasing frame number
     */
    public DecodeStats decode(Path file, int[] frames, GrayFrameSink sink) {
        return decode(file, frames, sink, Long.MAX_VALUE);
    }

    /**
     * As {@link #decode(Path, int[], GrayFrameSink)}, giving up with a {@link DecodeTimeoutException} once
     * {@code System.nanoTime()} passes {@code deadlineNanos}: checked between packets, and inside FFmpeg's I/O
     * through its interrupt callback (a read blocked in the operating system itself cannot be interrupted).
     */
    public DecodeStats decode(Path file, int[] frames, GrayFrameSink sink, long deadlineNanos) {
        ensureOpen();
        if (file == null) throw new IllegalArgumentException("file must not be null");
        checkArguments(frames, sink);
        return decode(file, null, null, frames, sink, deadlineNanos);
    }

    /**
     * As {@link #decode(Path, int[], GrayFrameSink)} for an in-memory video: FFmpeg reads {@code data} through
     * a custom I/O context (no temporary file). Errors name {@code name}.
     *
     * @param data the whole file, from its position to its limit (heap or direct; not modified)
     * @param name names the video in error messages, e.g. its URL
     */
    public DecodeStats decode(ByteBuffer data, String name, int[] frames, GrayFrameSink sink) {
        return decode(data, name, frames, sink, Long.MAX_VALUE);
    }

    /**
     * As {@link #decode(ByteBuffer, String, int[], GrayFrameSink)}, giving up with a
     * {@link DecodeTimeoutException} once {@code System.nanoTime()} passes {@code deadlineNanos}: checked
     * between packets, in every read from {@code data} and through FFmpeg's interrupt callback.
     */
    public DecodeStats decode(ByteBuffer data, String name, int[] frames, GrayFrameSink sink, long deadlineNanos) {
        ensureOpen();
        checkSource(data, name);
        checkArguments(frames, sink);
        return decode(null, data, name, frames, sink, deadlineNanos);
    }

    /**
     * Reads every packet of an in-memory video (demuxing only; nothing is decoded) and says where each frame's
     * payload lies in the file, so that later clips of the same video can be fetched as one byte range and decoded
     * with {@link #decode(VideoLayout, ByteBuffer, long, String, int[], GrayFrameSink, long)}. Returns null when
     * that is not possible: a codec with inter-frame prediction, or a container whose packets are not stored
     * verbatim at the position the demuxer reports (every packet is checked byte for byte).
     *
     * @param data the whole file, from its position to its limit (not modified)
     * @throws DecodeException the video cannot be opened or read to its end
     */
    public VideoLayout layout(ByteBuffer data, String name) {
        ensureOpen();
        checkSource(data, name);
        int base = data.position();
        long fileSize = data.remaining();
        try {
            return layout(null, data, name, fileSize, (at, payload, size) ->
                    data.slice(base + (int) at, size).mismatch(ByteBuffer.wrap(payload, 0, size)) == -1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // memory is not read with I/O
        }
    }

    /**
     * As {@link #layout(ByteBuffer, String)} for a file, demuxed through FFmpeg's own file I/O; each packet is
     * checked against the file's bytes with a positional read of its size (the file is never held whole).
     *
     * @throws DecodeException the file cannot be opened or read to its end
     */
    public VideoLayout layout(Path file) {
        ensureOpen();
        if (file == null) throw new IllegalArgumentException("file must not be null");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer[] stored = {ByteBuffer.allocate(0)};
            return layout(file, null, null, ch.size(), (at, payload, size) -> {
                if (stored[0].capacity() < size) stored[0] = ByteBuffer.allocate(size);
                ByteBuffer b = stored[0].clear().limit(size);
                while (b.hasRemaining()) {
                    if (ch.read(b, at + b.position()) < 0) return false;
                }
                return b.flip().mismatch(ByteBuffer.wrap(payload, 0, size)) == -1;
            });
        } catch (java.io.IOException e) {
            throw new DecodeException(file, "cannot read: " + e);
        }
    }

    /** Reads back the bytes a packet came from: true when they are the packet's payload, verbatim. */
    private interface StoredBytes {
        boolean hold(long at, byte[] payload, int size) throws java.io.IOException;
    }

    private VideoLayout layout(Path file, ByteBuffer data, String name, long fileSize, StoredBytes stored)
            throws java.io.IOException {
        deadline.put(0, Long.MAX_VALUE);
        try (Input in = Input.open(file, data, name, false, deadline, ioCell)) {
            if (!in.info.intraOnly()) return null;
            long[] offsets = new long[Math.max(16, in.info.frameCount())];
            int[] sizes = new int[offsets.length];
            int n = 0;
            byte[] payload = new byte[0];
            while (true) {
                int ret = av_read_frame(in.format, packet);
                if (ret == EOF) break;
                if (ret < 0) throw in.fail("cannot read past frame " + n, ret);
                if (packet.stream_index() != in.stream) {
                    av_packet_unref(packet);
                    continue;
                }
                int size = packet.size();
                long at = packet.pos();
                if (payload.length < size) payload = new byte[size];
                if (size > 0) packet.data().position(0).get(payload, 0, size);
                av_packet_unref(packet);
                if (at < 0 || at + size > fileSize || !stored.hold(at, payload, size)) {
                    return null; // the demuxer rebuilt or moved this packet: only the container can read it
                }
                if (n == offsets.length) {
                    offsets = java.util.Arrays.copyOf(offsets, 2 * n);
                    sizes = java.util.Arrays.copyOf(sizes, 2 * n);
                }
                offsets[n] = at;
                sizes[n++] = size;
            }
            AVCodecParameters par = in.format.streams(in.stream).codecpar();
            byte[] extra = new byte[Math.max(0, par.extradata_size())];
            if (extra.length > 0) par.extradata().position(0).get(extra);
            return new VideoLayout(par.codec_id(), par.codec_tag(), par.width(), par.height(), extra,
                    in.info.frameCount(), fileSize, java.util.Arrays.copyOf(offsets, n),
                    java.util.Arrays.copyOf(sizes, n));
        } catch (IllegalArgumentException e) {
            return null; // packets out of order or overlapping: not a layout to trust
        } finally {
            av_packet_unref(packet);
        }
    }

    /**
     * As {@link #decode(ByteBuffer, String, int[], GrayFrameSink, long)}, from only the bytes of the requested
     * frames: {@code span} holds the file's bytes from offset {@code spanOffset} on, covering at least
     * {@link VideoLayout#span(int[]) layout.span(frames)}; each requested frame's packet goes straight to the
     * decoder (no container is read). Delivers what the whole-file call delivers, byte for byte.
     *
     * @throws IllegalArgumentException a requested frame's bytes are not in {@code span}, or bad arguments
     */
    public DecodeStats decode(VideoLayout layout, ByteBuffer span, long spanOffset, String name, int[] frames,
                              GrayFrameSink sink, long deadlineNanos) {
        ensureOpen();
        if (layout == null) throw new IllegalArgumentException("layout must not be null");
        checkSource(span, name);
        checkArguments(frames, sink);
        if (frames.length == 0) return new DecodeStats(0, 0, 0, 0);
        deadline.put(0, deadlineNanos);
        try (Input in = Input.forPackets(layout, name, deadline, ioCell)) {
            return decodePackets(in, layout, span, spanOffset, frames, sink);
        } finally {
            packet.data(null).size(0);
            av_frame_unref(frame);
        }
    }

    private DecodeStats decode(Path file, ByteBuffer data, String name, int[] frames, GrayFrameSink sink,
                               long deadlineNanos) {
        if (frames.length == 0) return new DecodeStats(0, 0, 0, 0);
        deadline.put(0, deadlineNanos);
        try (Input in = Input.open(file, data, name, true, deadline, ioCell)) {
            return in.info.intraOnly() ? decodeIntraOnly(in, frames, sink) : decodeInOrder(in, frames, sink);
        } finally {
            // a thrown sink or a decode error may leave references behind; the next call needs them clean
            av_packet_unref(packet);
            av_frame_unref(frame);
        }
    }

    /** Frees the reused packet, frame and swscale state. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        av_packet_free(packet);
        av_frame_free(frame);
        deadline.close();
        ioCell.close();
        if (sws != null) sws_freeContext(sws);
        if (swsOut != null) swsOut.close();
        if (packetData != null) packetData.close();
        if (swsDst != null) swsDst.close();
        if (swsDstStride != null) swsDstStride.close();
        sws = null;
        gray = new byte[0];
    }

    // ---- the two decode strategies ----

    /** Every packet is a whole frame: decode only the packets of requested frames. */
    private DecodeStats decodeIntraOnly(Input in, int[] frames, GrayFrameSink sink) {
        int pos = 0;
        int videoPackets = 0;
        int decoded = 0;
        int skipped = 0;
        long bytes = 0;
        while (pos < frames.length) {
            in.checkDeadline(videoPackets);
            int ret = av_read_frame(in.format, packet);
            if (ret == EOF) break;
            if (ret < 0) throw in.fail("cannot read past frame " + videoPackets, ret);
            bytes += packet.size();
            if (packet.stream_index() != in.stream) {
                av_packet_unref(packet);
                continue;
            }
            int index = videoPackets++;
            if (index < frames[pos]) {
                skipped++;
                av_packet_unref(packet);
                continue;
            }
            // frames are non-decreasing and every index is visited, so index == frames[pos] here
            if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                throw in.error("frame " + index + " is truncated or corrupt");
            }
            if (packet.size() == 0) {
                // an empty chunk (AVI's "dropped frame") would put the decoder into draining mode
                throw in.error("frame " + index + " is an empty packet");
            }
            ret = avcodec_send_packet(in.codec, packet);
            av_packet_unref(packet);
            if (ret < 0) throw in.fail("cannot decode frame " + index, ret);
            ret = avcodec_receive_frame(in.codec, frame);
            if (ret == EAGAIN) throw in.error("frame " + index + " decoded to no picture");
            if (ret < 0) throw in.fail("cannot decode frame " + index, ret);
            decoded++;
            pos = deliver(in, index, frames, pos, sink);
        }
        if (pos < frames.length) in.checkComplete(videoPackets);
        return new DecodeStats(pos, decoded, skipped, bytes);
    }

    /** Intra-only frames from a byte span: each requested frame's payload is handed to the decoder directly. */
    private DecodeStats decodePackets(Input in, VideoLayout layout, ByteBuffer span, long spanOffset, int[] frames,
                                      GrayFrameSink sink) {
        int pos = 0;
        int decoded = 0;
        long bytes = 0;
        long spanEnd = spanOffset + span.remaining();
        while (pos < frames.length && frames[pos] < layout.frameCount()) {
            int index = frames[pos];
            in.checkDeadline(decoded);
            long at = layout.offset(index);
            int size = layout.size(index);
            if (size == 0) throw in.error("frame " + index + " is an empty packet");
            if (at < spanOffset || at + size > spanEnd) {
                throw new IllegalArgumentException("frame " + index + " (bytes " + at + ".." + (at + size)
                        + ") is not inside the span " + spanOffset + ".." + spanEnd + " of " + in.name);
            }
            loadPacket(span, span.position() + (int) (at - spanOffset), size);
            int ret = avcodec_send_packet(in.codec, packet);
            packet.data(null).size(0);
            if (ret < 0) throw in.fail("cannot decode frame " + index, ret);
            ret = avcodec_receive_frame(in.codec, frame);
            if (ret == EAGAIN) throw in.error("frame " + index + " decoded to no picture");
            if (ret < 0) throw in.fail("cannot decode frame " + index, ret);
            decoded++;
            bytes += size;
            pos = deliver(in, index, frames, pos, sink);
        }
        if (pos < frames.length) in.checkComplete(layout.frameCount());
        return new DecodeStats(pos, decoded, 0, bytes);
    }

    /** Points the reused packet at a copy of {@code size} bytes of {@code src} plus the zero padding FFmpeg wants. */
    private void loadPacket(ByteBuffer src, int from, int size) {
        long need = (long) size + AV_INPUT_BUFFER_PADDING_SIZE;
        if (packetData == null || packetData.capacity() < need) {
            if (packetData != null) packetData.close();
            packetData = new BytePointer(Math.max(need, 64 << 10));
        }
        if (src.hasArray()) {
            packetData.position(0).put(src.array(), src.arrayOffset() + from, size);
        } else {
            byte[] copy = new byte[size];
            src.get(from, copy);
            packetData.position(0).put(copy, 0, size);
        }
        packetData.position(size).put(PADDING, 0, AV_INPUT_BUFFER_PADDING_SIZE);
        packet.data(packetData.position(0)).size(size);
    }

    /** Decoders with inter-frame prediction: decode in order, count pictures, keep the requested ones. */
    private DecodeStats decodeInOrder(Input in, int[] frames, GrayFrameSink sink) {
        int pos = 0;
        int videoPackets = 0;
        int decoded = 0;
        long bytes = 0;
        boolean flushed = false;
        while (pos < frames.length && !flushed) {
            in.checkDeadline(videoPackets);
            int ret = av_read_frame(in.format, packet);
            if (ret == EOF) {
                flushed = true;
                ret = avcodec_send_packet(in.codec, (AVPacket) null); // drain the decoder's delayed pictures
                if (ret < 0 && ret != EOF) throw in.fail("cannot flush decoder", ret);
            } else if (ret < 0) {
                throw in.fail("cannot read past packet " + videoPackets, ret);
            } else {
                bytes += packet.size();
                if (packet.stream_index() != in.stream) {
                    av_packet_unref(packet);
                    continue;
                }
                videoPackets++;
                if (packet.size() == 0) {
                    // an empty packet means "flush" to send_packet; it carries no picture anyway
                    av_packet_unref(packet);
                    continue;
                }
                if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                    throw in.error("packet " + (videoPackets - 1) + " is truncated or corrupt");
                }
                ret = avcodec_send_packet(in.codec, packet);
                av_packet_unref(packet);
                if (ret < 0) throw in.fail("cannot decode packet " + (videoPackets - 1), ret);
            }
            while (pos < frames.length) {
                ret = avcodec_receive_frame(in.codec, frame);
                if (ret == EAGAIN || ret == EOF) break;
                if (ret < 0) throw in.fail("cannot decode frame " + decoded, ret);
                int index = decoded++;
                if (index == frames[pos]) {
                    pos = deliver(in, index, frames, pos, sink);
                } else {
                    av_frame_unref(frame);
                }
            }
        }
        if (pos < frames.length) in.checkComplete(videoPackets);
        return new DecodeStats(pos, decoded, 0, bytes);
    }

    /** Hands the decoded {@code frame} to every position asking for {@code index}; returns the next position. */
    private int deliver(Input in, int index, int[] frames, int pos, GrayFrameSink sink) {
        int w = frame.width();
        int h = frame.height();
        try {
            toGray(in, frame, w, h);
        } finally {
            av_frame_unref(frame);
        }
        while (pos < frames.length && frames[pos] == index) {
            sink.accept(pos++, gray, w, h);
        }
        return pos;
    }

    // ---- pixels ----

    private void toGray(Input in, AVFrame picture, int w, int h) {
        int size = w * h;
        if (gray.length != size) gray = new byte[size]; // the sink sees exactly w*h bytes
        int format = picture.format();
        int linesize = picture.linesize(0);
        if (isLuma(format) && linesize >= w) {
            copyPlane(picture.data(0), linesize, w, h, gray);
            int range = picture.color_range();
            if (range == AVCOL_RANGE_MPEG || (range == AVCOL_RANGE_UNSPECIFIED && lastFormatLimitedByDefault)) {
                expandRange(gray, size);
            }
        } else {
            // also taken for negative linesize (bottom-up pictures): swscale walks those correctly
            convertToGray(in, picture, format, w, h);
        }
    }

    /** Plane 0 holds 8-bit luma (or gray), one byte per pixel: planar YUV, NV12/21, GRAY8. */
    private boolean isLuma(int format) {
        if (format != lastFormat) {
            lastFormat = format;
            AVPixFmtDescriptor d = av_pix_fmt_desc_get(format);
            if (d == null) {
                lastFormatIsLuma = false;
            } else {
                AVComponentDescriptor c = d.comp(0);
                lastFormatIsLuma = (d.flags() & NOT_LUMA_FLAGS) == 0 && c.plane() == 0 && c.step() == 1
                        && c.offset() == 0 && c.shift() == 0 && c.depth() == 8;
                lastFormatLimitedByDefault = lastFormatIsLuma && d.nb_components() >= 3
                        && !d.name().getString().startsWith("yuvj");
            }
        }
        return lastFormatIsLuma;
    }

    private static void expandRange(byte[] gray, int size) {
        for (int i = 0; i < size; i++) {
            gray[i] = LIMITED_TO_FULL[gray[i] & 0xff];
        }
    }

    /** Copies a {@code width x height} plane with row stride {@code linesize} into a packed array. */
    static void copyPlane(BytePointer plane, int linesize, int width, int height, byte[] dst) {
        if (linesize == width) {
            plane.position(0).get(dst, 0, width * height);
            return;
        }
        for (int row = 0; row < height; row++) {
            plane.position((long) row * linesize).get(dst, row * width, width);
        }
    }

    private void convertToGray(Input in, AVFrame picture, int format, int w, int h) {
        sws = sws_getCachedContext(sws, w, h, format, w, h, AV_PIX_FMT_GRAY8, SWS_BILINEAR,
                null, null, (DoublePointer) null);
        if (sws == null) throw in.error("cannot convert pixel format " + format + " to gray");
        if (swsOut == null || swsOut.capacity() < (long) w * h) {
            if (swsOut != null) swsOut.close();
            swsOut = new BytePointer((long) w * h);
            if (swsDst == null) {
                swsDst = new PointerPointer<>(1);
                swsDstStride = new IntPointer(1);
            }
        }
        swsDst.put(0, swsOut);
        swsDstStride.put(0, w);
        sws_scale(sws, picture.data(), picture.linesize(), 0, h, swsDst, swsDstStride);
        swsOut.position(0).get(gray, 0, w * h);
    }

    // ---- arguments and state ----

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("VideoDecoder is closed");
    }

    private static void checkSource(ByteBuffer data, String name) {
        if (data == null) throw new IllegalArgumentException("data must not be null");
        if (name == null) throw new IllegalArgumentException("name must not be null");
    }

    private static void checkArguments(int[] frames, GrayFrameSink sink) {
        if (frames == null) throw new IllegalArgumentException("frames must not be null");
        if (sink == null) throw new IllegalArgumentException("sink must not be null");
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] < 0) {
                throw new IllegalArgumentException("frames[" + i + "] >= 0 required but was " + frames[i]);
            }
            if (i > 0 && frames[i] < frames[i - 1]) {
                throw new IllegalArgumentException("frames must be non-decreasing but frames[" + i + "] = "
                        + frames[i] + " < frames[" + (i - 1) + "] = " + frames[i - 1]);
            }
        }
    }

    static String avError(int code) {
        byte[] buf = new byte[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(code, buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) len++;
        return new String(buf, 0, len, StandardCharsets.UTF_8) + " (" + code + ")";
    }

    /**
     * One open file or in-memory video: format context (and, in memory, its custom I/O context), the chosen
     * video stream, and (for decoding) its codec context.
     */
    private static final class Input implements AutoCloseable {
        final Path file;   // null for an in-memory video
        final String name; // the in-memory video's name
        private final ByteBuffer data;
        private final LongPointer ioCell;
        private MemoryIO memory;
        AVFormatContext format;
        AVCodecContext codec;
        int stream = -1;
        VideoInfo info;
        private long headerFrames = -1;
        private final LongPointer deadline;

        private Input(Path file, ByteBuffer data, String name, LongPointer deadline, LongPointer ioCell) {
            this.file = file;
            this.data = data;
            this.name = name;
            this.deadline = deadline;
            this.ioCell = ioCell;
        }

        /** Opens {@code file}, or (file null) the in-memory video {@code data} named {@code name}. */
        static Input open(Path file, ByteBuffer data, String name, boolean withDecoder, LongPointer deadline,
                          LongPointer ioCell) {
            Input in = new Input(file, data, name, deadline, ioCell);
            try {
                in.openFormat();
                if (withDecoder) in.openDecoder();
                return in;
            } catch (RuntimeException | Error e) {
                in.close();
                throw e;
            }
        }

        /** A decoder set up from a layout, for {@link #decodePackets}: no container, no I/O context. */
        static Input forPackets(VideoLayout layout, String name, LongPointer deadline, LongPointer ioCell) {
            Input in = new Input(null, null, name, deadline, ioCell);
            try {
                String codecName = avcodec_get_name(layout.codecId()).getString();
                in.info = new VideoInfo(layout.width(), layout.height(), 0, layout.headerFrames(), codecName, true);
                in.headerFrames = layout.headerFrames();
                AVCodec decoder = avcodec_find_decoder(layout.codecId());
                if (decoder == null) throw in.error("no decoder for codec " + codecName);
                in.codec = avcodec_alloc_context3(decoder);
                if (in.codec == null) throw new OutOfMemoryError("avcodec_alloc_context3 failed");
                in.codec.codec_tag(layout.codecTag()).width(layout.width()).height(layout.height());
                byte[] extra = layout.extradata();
                if (extra.length > 0) {
                    // the context owns (and avcodec_free_context frees) extradata allocated with av_malloc
                    BytePointer p = new BytePointer(av_mallocz(extra.length + AV_INPUT_BUFFER_PADDING_SIZE));
                    if (p.isNull()) throw new OutOfMemoryError("av_mallocz failed");
                    p.capacity(extra.length).put(extra);
                    in.codec.extradata(p).extradata_size(extra.length);
                }
                in.codec.thread_count(1);
                int ret = avcodec_open2(in.codec, decoder, (AVDictionary) null);
                if (ret < 0) throw in.fail("cannot open " + codecName + " decoder", ret);
                return in;
            } catch (RuntimeException | Error e) {
                in.close();
                throw e;
            }
        }

        private void openFormat() {
            if (file == null) memory = MemoryIO.open(data, ioCell, deadline.get(0));
            AVFormatContext ctx = avformat_alloc_context();
            if (ctx == null) throw new OutOfMemoryError("avformat_alloc_context failed");
            ctx.interrupt_callback().callback(PAST_DEADLINE).opaque(deadline);
            int ret;
            if (memory != null) {
                ctx.pb(memory.context());
                ctx.flags(ctx.flags() | AVFormatContext.AVFMT_FLAG_CUSTOM_IO); // FFmpeg must not close pb
                ret = avformat_open_input(ctx, (String) null, null, (AVDictionary) null);
            } else {
                // "file:" keeps a relative name like "a:b.avi" from being read as protocol "a"
                ret = avformat_open_input(ctx, "file:" + file.toAbsolutePath(), null, (AVDictionary) null);
            }
            checkDeadline(0);
            if (ret < 0) throw fail("cannot open", ret); // FFmpeg frees ctx itself on failure
            format = ctx;
            stream = findVideoStream();
            AVCodecParameters par = format.streams(stream).codecpar();
            if (par.codec_id() == AV_CODEC_ID_NONE || par.width() <= 0 || par.height() <= 0) {
                // the header lacks what decoding needs: pay for probing packets (AVI never gets here)
                ret = avformat_find_stream_info(format, (PointerPointer<?>) null);
                if (ret < 0) throw fail("cannot read stream info", ret);
                par = format.streams(stream).codecpar();
                if (par.codec_id() == AV_CODEC_ID_NONE) throw error("unknown video codec");
            }
            AVStream st = format.streams(stream);
            for (int i = 0; i < format.nb_streams(); i++) {
                // let the demuxer drop audio/data packets early
                if (i != stream) format.streams(i).discard(AVDISCARD_ALL);
            }
            headerFrames = st.nb_frames() > 0 ? st.nb_frames() : -1;
            AVCodecDescriptor desc = avcodec_descriptor_get(par.codec_id());
            boolean intraOnly = desc != null && (desc.props() & AV_CODEC_PROP_INTRA_ONLY) != 0;
            info = new VideoInfo(par.width(), par.height(), fps(st),
                    headerFrames > Integer.MAX_VALUE ? -1 : (int) headerFrames,
                    avcodec_get_name(par.codec_id()).getString(), intraOnly);
        }

        private int findVideoStream() {
            for (int i = 0; i < format.nb_streams(); i++) {
                AVStream st = format.streams(i);
                if (st.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO
                        && (st.disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) {
                    return i;
                }
            }
            throw error("no video stream (" + format.nb_streams() + " streams)");
        }

        private static double fps(AVStream st) {
            AVRational r = st.avg_frame_rate();
            if (r.num() <= 0 || r.den() <= 0) r = st.r_frame_rate();
            return r.num() > 0 && r.den() > 0 ? av_q2d(r) : 0;
        }

        private void openDecoder() {
            AVCodecParameters par = format.streams(stream).codecpar();
            AVCodec decoder = avcodec_find_decoder(par.codec_id());
            if (decoder == null) throw error("no decoder for codec " + info.codec());
            codec = avcodec_alloc_context3(decoder);
            if (codec == null) throw new OutOfMemoryError("avcodec_alloc_context3 failed");
            int ret = avcodec_parameters_to_context(codec, par);
            if (ret < 0) throw fail("cannot configure " + info.codec() + " decoder", ret);
            codec.thread_count(1); // one decoder per core is the parallelism model
            ret = avcodec_open2(codec, decoder, (AVDictionary) null);
            if (ret < 0) throw fail("cannot open " + info.codec() + " decoder", ret);
        }

        void checkDeadline(int framesRead) {
            if (System.nanoTime() - deadline.get(0) > 0) {
                throw timeout("timed out after reading " + framesRead + " frames");
            }
        }

        DecodeException error(String reason) {
            DecodeException e = file != null ? new DecodeException(file, reason) : new DecodeException(name, reason);
            if (memory != null && memory.failure != null) e.initCause(memory.failure);
            return e;
        }

        private DecodeTimeoutException timeout(String reason) {
            return file != null ? new DecodeTimeoutException(file, reason) : new DecodeTimeoutException(name, reason);
        }

        /** At EOF with positions pending: fine if the header agrees the video ended, else truncated. */
        void checkComplete(int videoPackets) {
            if (headerFrames > videoPackets) {
                throw error("truncated: header says " + headerFrames
                        + " frames but the file ends after " + videoPackets);
            }
        }

        DecodeException fail(String what, int code) {
            if (code == EXIT && System.nanoTime() - deadline.get(0) > 0) {
                // the interrupt callback or a memory read gave up: report the timeout, not "Immediate exit"
                return timeout("timed out: " + what);
            }
            return error(what + ": " + avError(code));
        }

        @Override
        public void close() {
            if (codec != null) {
                avcodec_free_context(codec);
                codec = null;
            }
            if (format != null) {
                avformat_close_input(format);
                format = null;
            }
            if (memory != null) {
                memory.close(); // after the format context: it reads through this I/O context until closed
                memory = null;
            }
        }
    }
}
