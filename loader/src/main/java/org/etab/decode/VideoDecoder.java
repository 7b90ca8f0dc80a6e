package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.LongPointer;

/**
 * Decodes only the frames a clip needs from a {@link VideoInput} (a video file, or a whole video file's bytes in
 * memory: datasets on remote storage) and hands them out as 8-bit gray planes, through FFmpeg's own API (not JavaCV's
 * grabber, which decodes every frame up to the last one needed).
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
 * Each call opens and closes its own file, or its own custom I/O context over the in-memory bytes (no
 * temporary file): the format, I/O and codec contexts are freed before {@code probe}/{@code decode}/
 * {@code layout} return, on success, on error, on early stop and when the sink throws. The instance owns a
 * reused packet, frame, gray {@code byte[]}, swscale context, packet buffer and a 64 KiB heap window for
 * reading AVI chunk headers; the native ones are freed by
 * {@link #close()} (idempotent). The gray array passed to the sink stays the decoder's: it is
 * overwritten by the next frame. An in-memory video's {@code ByteBuffer} is only read, during the call:
 * its position and limit are left as they were, it is not retained, and its bytes must not change while
 * the call runs (several decoders may read the same buffer at once).
 *
 * <h2>Errors</h2>
 * A video that cannot be opened, holds no video stream, fails to decode, or ends before its header's frame count
 * while requested frames are still pending raises {@link DecodeException} with {@link VideoInput#name()} and FFmpeg's
 * reason. Truncation after the last requested frame goes unnoticed (reading stops early).
 * Bad arguments raise {@link IllegalArgumentException}; any call on a closed decoder raises
 * {@link IllegalStateException}. An exception thrown by the sink passes through unchanged.
 */
public final class VideoDecoder implements AutoCloseable {

    static {
        DecodeErrors.loadLibraries();
        // Errors reach the caller as DecodeException; FFmpeg's own per-frame chatter would flood logs.
        av_log_set_level(AV_LOG_QUIET);
    }

    // The work is done by package-private stages, each with its own test: ContainerInput opens a call's video,
    // IntraOnlyDecode / InOrderDecode read it through the container, SpanDecode decodes packets of a byte span
    // with a learned layout, IndexLayout reads that layout from an AVI's index in the open that decodes the first
    // clip, LayoutScan learns it from the packets where the index cannot be trusted, GrayConversion turns pictures
    // into gray planes. This class checks arguments, owns what the stages reuse across calls, and frees per-call
    // state on every path.
    private final AVPacket packet;
    private final AVFrame frame;
    /** This decoder's deadline in System.nanoTime() units, in native memory for the interrupt callback. */
    private final LongPointer deadline = new LongPointer(1);
    /** The id of this decoder's current in-memory input, the {@code opaque} of its custom I/O context. */
    private final LongPointer ioCell = new LongPointer(1);

    private final GrayConversion gray = new GrayConversion();
    private final IntraOnlyDecode intraOnly;
    private final InOrderDecode inOrder;
    private final SpanDecode spans;
    private final LayoutScan layouts;
    private final IndexLayout indexLayouts = new IndexLayout();

    private boolean closed;

    /**
     * A decoder with its reused packet and frame allocated (FFmpeg's libraries are loaded when the class is);
     * {@link #close()} frees them.
     *
     * @throws OutOfMemoryError when FFmpeg cannot allocate the packet or frame
     */
    public VideoDecoder() {
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        if (packet == null || frame == null) {
            if (packet != null) {
                av_packet_free(packet);
            }
            if (frame != null) {
                av_frame_free(frame);
            }
            throw new OutOfMemoryError("av_packet_alloc/av_frame_alloc failed");
        }
        intraOnly = new IntraOnlyDecode(packet, frame, gray);
        inOrder = new InOrderDecode(packet, frame, gray);
        spans = new SpanDecode(packet, frame, gray);
        layouts = new LayoutScan(packet, deadline, ioCell);
    }

    /**
     * Loads FFmpeg's libraries now rather than at the first decode or phantom write (about 0.2 s, once per process),
     * at the library's log level: quiet, unless {@link #setLogLevel} changed it. Idempotent.
     */
    public static void loadLibraries() {
        // the static initializer above did it, once
    }

    /**
     * Sets FFmpeg's global log level (an {@code avutil.AV_LOG_*} constant). The default is
     * {@code AV_LOG_QUIET}; raise it (e.g. {@code AV_LOG_ERROR}) to see FFmpeg's own diagnostics.
     *
     * @param avLogLevel the level, e.g. {@code avutil.AV_LOG_ERROR}; applies to every decoder in the process
     */
    public static void setLogLevel(int avLogLevel) {
        av_log_set_level(avLogLevel);
    }

    /**
     * Reads the container header (no decoding).
     *
     * @param input the video
     * @return what the header says about the first video stream
     * @throws DecodeException          the video cannot be opened or holds no video stream (message names
     *                                  {@link VideoInput#name()} and the reason)
     * @throws IllegalArgumentException {@code input} is null
     */
    public VideoInfo probe(VideoInput input) {
        ensureOpen();
        checkInput(input);
        deadline.put(0, Deadline.NONE);
        try (ContainerInput in = open(input, false)) {
            return in.info();
        }
    }

    /**
     * Decodes the requested frames and calls {@code sink.accept(position, gray, width, height)} for each position
     * {@code p} of {@code frames} whose frame {@code frames[p]} exists, in position order. A frame requested at
     * several positions is decoded once and delivered once per position. Positions asking for frames past the end
     * of the video are not delivered; they form a suffix, so {@code delivered} tells the caller where padding
     * starts. An empty request touches no file.
     *
     * @param input  the video
     * @param frames frame numbers, non-decreasing, each {@code >= 0}; position {@code p} asks for frame
     *               {@code frames[p]}
     * @param sink   receives each delivered frame, on this thread, before this call returns
     * @return what the call did; {@code delivered} is the number of positions handed to the sink
     * @throws DecodeException          the video cannot be opened or decoded (message names it and the reason)
     * @throws IllegalArgumentException null arguments, a negative or decreasing frame number
     */
    public DecodeStats decode(VideoInput input, int[] frames, GrayFrameSink sink) {
        return decode(input, frames, sink, Deadline.NONE);
    }

    /**
     * As {@link #decode(VideoInput, int[], GrayFrameSink)}, giving up with a {@link DecodeTimeoutException} once
     * {@code System.nanoTime()} passes {@code deadlineNanos}: checked between packets, in every read from an in-memory
     * video, and inside FFmpeg's file I/O through its interrupt callback (a read blocked in the operating system
     * itself cannot be interrupted).
     *
     * @param input         the video
     * @param frames        frame numbers, non-decreasing, each {@code >= 0}
     * @param sink          receives each delivered frame, on this thread
     * @param deadlineNanos the {@code System.nanoTime()} value after which to give up; {@code Long.MAX_VALUE}: none
     * @return what the call did
     * @throws DecodeTimeoutException   the deadline passed (the message says how far it got); the sink may already
     *                                  have received some frames
     * @throws DecodeException          the video cannot be opened or decoded
     * @throws IllegalArgumentException null arguments, a negative or decreasing frame number
     */
    public DecodeStats decode(VideoInput input, int[] frames, GrayFrameSink sink, long deadlineNanos) {
        ensureOpen();
        checkInput(input);
        checkArguments(frames, sink);
        return decodeContainer(input, frames, sink, deadlineNanos, null);
    }

    /**
     * As {@link #decode(VideoInput, int[], GrayFrameSink, long)}, and in the same open, the video's
     * {@link VideoLayout} from the container's own index (an AVI's {@code idx1} or OpenDML index, read by the demuxer
     * on open, each entry checked against the chunk it names): no second pass over the video. {@code learned} is
     * called once, after the frames were delivered, when the index gives the layout {@link #layout(VideoInput)}
     * would learn; not at all when it cannot (no index, another container, a codec with inter-frame prediction, an
     * index that disagrees with the file or its header, an empty request): {@link #layout(VideoInput)} then learns
     * it from the packets.
     *
     * @param input         the video
     * @param frames        frame numbers, non-decreasing, each {@code >= 0}
     * @param sink          receives each delivered frame, on this thread
     * @param deadlineNanos the {@code System.nanoTime()} value after which to give up; {@code Long.MAX_VALUE}: none
     * @param learned       receives the layout, on this thread, at most once
     * @return what the call did
     * @throws DecodeException          as for {@link #decode(VideoInput, int[], GrayFrameSink, long)}; {@code learned}
     *                                  is then not called
     * @throws IllegalArgumentException null arguments, a negative or decreasing frame number
     */
    public DecodeStats decode(
            VideoInput input, int[] frames, GrayFrameSink sink, long deadlineNanos, Consumer<VideoLayout> learned) {
        ensureOpen();
        checkInput(input);
        if (learned == null) {
            throw new IllegalArgumentException("learned must not be null");
        }
        checkArguments(frames, sink);
        return decodeContainer(input, frames, sink, deadlineNanos, learned);
    }

    /**
     * Reads every packet (demuxing only; nothing is decoded) and says where each frame's payload lies in the file, so
     * that later clips of the same video can be read as one byte range and decoded with
     * {@link #decode(VideoLayout, ByteBuffer, long, String, int[], GrayFrameSink, long)}. Each packet is checked
     * against the stored bytes (a file by a positional read of the packet's size; it is never held whole). Returns
     * null when that is not possible: a codec with inter-frame prediction, or a container whose packets are not
     * stored verbatim at the position the demuxer reports.
     *
     * @param input the video
     * @return the layout (immutable, shareable across threads), or null as above
     * @throws DecodeException          the video cannot be opened or read to its end
     * @throws IllegalArgumentException {@code input} is null
     */
    public VideoLayout layout(VideoInput input) {
        return layout(input, Deadline.NONE);
    }

    /**
     * As {@link #layout(VideoInput)}, giving up at a deadline. Also null for a video of more packets than a video may
     * have frames (10,000): such a container is read through the container, never scanned to its end.
     *
     * @param input         the video
     * @param deadlineNanos the {@code System.nanoTime()} value after which to give up; {@link Deadline#NONE}: none
     * @return the layout, or null
     * @throws DecodeTimeoutException   the deadline passed first
     * @throws DecodeException          the video cannot be opened or read to its end
     * @throws IllegalArgumentException {@code input} is null
     */
    public VideoLayout layout(VideoInput input, long deadlineNanos) {
        ensureOpen();
        checkInput(input);
        return input.file() != null
                ? layouts.of(input.file(), deadlineNanos)
                : layouts.of(input.data(), input.name(), deadlineNanos);
    }

    /**
     * As {@link #decode(VideoInput, int[], GrayFrameSink, long)}, from only the bytes of the requested
     * frames: {@code span} holds the file's bytes from offset {@code spanOffset} on, covering at least
     * {@link VideoLayout#span(int[]) layout.span(frames)}; each requested frame's packet goes straight to the
     * decoder (no container is read). Delivers what the whole-file call delivers, byte for byte.
     *
     * @param layout        the video's layout, from {@link #layout(VideoInput)}, a {@code learned} callback or a
     *                      parsed AVI index
     * @param span          the file's bytes from {@code spanOffset} on, from its position to its limit (heap or direct;
     *                      only read, not retained)
     * @param spanOffset    the offset in the file of the byte at {@code span}'s position
     * @param name          names the video in error messages, e.g. its URL
     * @param frames        frame numbers, non-decreasing, each {@code >= 0}
     * @param sink          receives each delivered frame, on this thread
     * @param deadlineNanos the {@code System.nanoTime()} value after which to give up, checked before each frame;
     *                      {@code Long.MAX_VALUE}: none
     * @return what the call did ({@code packetsSkipped} is 0: only requested frames are read)
     * @throws DecodeTimeoutException   the deadline passed
     * @throws DecodeException          a requested frame does not decode, the codec has no decoder, or the video ends
     *                                  before its header's frame count while requested frames are pending
     * @throws IllegalArgumentException a requested frame's bytes are not in {@code span}, or bad arguments
     */
    public DecodeStats decode(
            VideoLayout layout,
            ByteBuffer span,
            long spanOffset,
            String name,
            int[] frames,
            GrayFrameSink sink,
            long deadlineNanos) {
        ensureOpen();
        if (layout == null || span == null || name == null) {
            throw new IllegalArgumentException("layout, span and name must not be null");
        }
        checkArguments(frames, sink);
        if (frames.length == 0) {
            return new DecodeStats(0, 0, 0, 0);
        }
        deadline.put(0, deadlineNanos);
        return spans.decode(layout, span, spanOffset, name, frames, sink, deadline);
    }

    /** Frees the reused packet, frame, swscale state and packet buffer. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        av_packet_free(packet);
        av_frame_free(frame);
        deadline.close();
        ioCell.close();
        gray.close();
        spans.close();
    }

    private ContainerInput open(VideoInput input, boolean withDecoder) {
        return ContainerInput.open(input.file(), input.data(), input.name(), withDecoder, deadline, ioCell);
    }

    /**
     * Opens the video with its decoder and reads it with the strategy its codec allows; then, with {@code learned},
     * reads its layout from the container's index.
     */
    private DecodeStats decodeContainer(
            VideoInput input, int[] frames, GrayFrameSink sink, long deadlineNanos, Consumer<VideoLayout> learned) {
        if (frames.length == 0) {
            return new DecodeStats(0, 0, 0, 0);
        }
        deadline.put(0, deadlineNanos);
        try (ContainerInput in = open(input, true)) {
            if (!in.info().intraOnly()) {
                return inOrder.decode(in, frames, sink);
            }
            DecodeStats stats = intraOnly.decode(in, frames, sink);
            if (learned != null) {
                VideoLayout layout = indexLayout(in, input);
                if (layout != null) {
                    learned.accept(layout);
                }
            }
            return stats;
        } finally {
            // a thrown sink or a decode error may leave references behind; the next call needs them clean
            av_packet_unref(packet);
            av_frame_unref(frame);
        }
    }

    /** The layout from {@code in}'s index, or null (a file that cannot be read again is left to the scan's report). */
    private VideoLayout indexLayout(ContainerInput in, VideoInput input) {
        try {
            if (input.file() == null) {
                return indexLayouts.of(in, input.data(), intraOnly.firstPacketAt());
            }
            try (FileChannel ch = FileChannel.open(input.file())) {
                return indexLayouts.of(in, ch, intraOnly.firstPacketAt());
            }
        } catch (IOException e) {
            return null;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("VideoDecoder is closed");
        }
    }

    private static void checkInput(VideoInput input) {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
    }

    private static void checkArguments(int[] frames, GrayFrameSink sink) {
        if (frames == null) {
            throw new IllegalArgumentException("frames must not be null");
        }
        if (sink == null) {
            throw new IllegalArgumentException("sink must not be null");
        }
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] < 0) {
                throw new IllegalArgumentException("frames[" + i + "] >= 0 required but was " + frames[i]);
            }
            if (i > 0 && frames[i] < frames[i - 1]) {
                throw new IllegalArgumentException("frames must be non-decreasing but frames[" + i + "] = " + frames[i]
                        + " < frames[" + (i - 1) + "] = " + frames[i - 1]);
            }
        }
    }
}
