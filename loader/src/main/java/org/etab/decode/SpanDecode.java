package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Decodes the requested frames of an intra-only video from a span of its file's bytes, using its learned
 * {@link VideoLayout}: no container is read; each requested frame's payload is copied (with the zero padding FFmpeg
 * wants) into one reused native buffer and sent straight to a decoder set up from the layout. Delivers what decoding
 * the whole file delivers, byte for byte.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per {@link VideoDecoder}, used by one thread at a time; the sink runs synchronously
 * on it. The span is only read, so several decoders may read one span at once.
 *
 * <h2>Ownership</h2>
 * Each call allocates its codec context and frees it before returning, on every path. The native packet buffer is
 * this stage's (grown on need, reused across calls), freed by {@link #close()} (idempotent). The packet and frame
 * are the decoder's, lent for the call: the packet points into the packet buffer only while a frame is sent, and is
 * reset (and the frame unreferenced) before the call returns or throws. The span is the caller's: its position and
 * limit are left as they were, and it is not retained.
 */
final class SpanDecode implements AutoCloseable {

    private static final byte[] PADDING = new byte[AV_INPUT_BUFFER_PADDING_SIZE];

    private final AVPacket packet;
    private final AVFrame frame;
    private final GrayConversion gray;
    /** Native copy of one packet's payload and padding (grown on need). */
    private BytePointer packetData;

    SpanDecode(AVPacket packet, AVFrame frame, GrayConversion gray) {
        this.packet = packet;
        this.frame = frame;
        this.gray = gray;
    }

    /**
     * Delivers {@code frames} (checked: non-decreasing, each {@code >= 0}, at least one) to {@code sink};
     * {@code span} holds the file's bytes from offset {@code spanOffset} on.
     *
     * @param deadline the decoder's deadline cell, already set for this call
     */
    DecodeStats decode(
            VideoLayout layout,
            ByteBuffer span,
            long spanOffset,
            String name,
            int[] frames,
            GrayFrameSink sink,
            LongPointer deadline) {
        DecodeErrors errors = new DecodeErrors(null, name, deadline);
        try {
            AVCodecContext codec = openCodec(layout, errors);
            try {
                return decode(codec, layout, span, spanOffset, name, frames, sink, errors);
            } finally {
                avcodec_free_context(codec);
            }
        } finally {
            packet.data(null).size(0);
            av_frame_unref(frame);
        }
    }

    private DecodeStats decode(
            AVCodecContext codec,
            VideoLayout layout,
            ByteBuffer span,
            long spanOffset,
            String name,
            int[] frames,
            GrayFrameSink sink,
            DecodeErrors errors) {
        int pos = 0;
        int decoded = 0;
        long bytes = 0;
        long spanEnd = spanOffset + span.remaining();
        while (pos < frames.length && frames[pos] < layout.frameCount()) {
            int index = frames[pos];
            errors.checkDeadline(decoded);
            long at = layout.offset(index);
            int size = layout.size(index);
            if (size == 0) {
                throw errors.error("frame " + index + " is an empty packet");
            }
            if (at < spanOffset || at + size > spanEnd) {
                throw new IllegalArgumentException("frame " + index + " (bytes " + at + ".." + (at + size)
                        + ") is not inside the span " + spanOffset + ".." + spanEnd + " of " + name);
            }
            int from = span.position() + (int) (at - spanOffset);
            if (layout.codecId() == AV_CODEC_ID_MJPEG && !startsImage(span, from, size)) {
                // FFmpeg decodes bytes that are not a JPEG to a grey picture without an error
                throw errors.error("frame " + index + " (bytes " + at + ".." + (at + size) + ") does not start with a "
                        + "JPEG start-of-image marker: not the bytes its layout names (the file changed, or a server "
                        + "sent other bytes)");
            }
            loadPacket(span, from, size);
            int ret = avcodec_send_packet(codec, packet);
            packet.data(null).size(0);
            if (ret < 0) {
                throw errors.fail("cannot decode frame " + index, ret);
            }
            ret = avcodec_receive_frame(codec, frame);
            if (ret == DecodeErrors.EAGAIN) {
                throw errors.error("frame " + index + " decoded to no picture");
            }
            if (ret < 0) {
                throw errors.fail("cannot decode frame " + index, ret);
            }
            decoded++;
            bytes += size;
            pos = gray.deliver(frame, index, frames, pos, sink, errors);
        }
        if (pos < frames.length) {
            errors.checkComplete(layout.headerFrames(), layout.frameCount());
        }
        return new DecodeStats(pos, decoded, 0, bytes);
    }

    /** A single-threaded decoder for the layout's codec, set up as the container would have set it up. */
    private static AVCodecContext openCodec(VideoLayout layout, DecodeErrors errors) {
        AVCodec decoder = avcodec_find_decoder(layout.codecId());
        if (decoder == null) {
            throw errors.error("no decoder for codec " + codecName(layout));
        }
        AVCodecContext codec = avcodec_alloc_context3(decoder);
        if (codec == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3 failed");
        }
        try {
            codec.codec_tag(layout.codecTag()).width(layout.width()).height(layout.height());
            byte[] extra = layout.extradata();
            if (extra.length > 0) {
                // the context owns (and avcodec_free_context frees) extradata allocated with av_malloc
                BytePointer p = new BytePointer(av_mallocz(extra.length + AV_INPUT_BUFFER_PADDING_SIZE));
                if (p.isNull()) {
                    throw new OutOfMemoryError("av_mallocz failed");
                }
                p.capacity(extra.length).put(extra);
                codec.extradata(p).extradata_size(extra.length);
            }
            codec.thread_count(1);
            int ret = avcodec_open2(codec, decoder, (AVDictionary) null);
            if (ret < 0) {
                throw errors.fail("cannot open " + codecName(layout) + " decoder", ret);
            }
            return codec;
        } catch (RuntimeException | Error e) {
            avcodec_free_context(codec);
            throw e;
        }
    }

    /** The codec's FFmpeg name, for messages (looked up on failure only). */
    private static String codecName(VideoLayout layout) {
        return avcodec_get_name(layout.codecId()).getString();
    }

    /** Points the packet at a copy of {@code size} bytes of {@code src} plus the zero padding FFmpeg wants. */
    /** Whether the packet at {@code from} starts with JPEG's start-of-image marker, {@code FF D8}. */
    private static boolean startsImage(ByteBuffer src, int from, int size) {
        return size >= 2 && src.get(from) == (byte) 0xFF && src.get(from + 1) == (byte) 0xD8;
    }

    private void loadPacket(ByteBuffer src, int from, int size) {
        long need = (long) size + AV_INPUT_BUFFER_PADDING_SIZE;
        if (packetData == null || packetData.capacity() < need) {
            if (packetData != null) {
                packetData.close();
            }
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

    /** Frees the packet buffer (no packet points into it between calls). Idempotent. */
    @Override
    public void close() {
        if (packetData != null) {
            packetData.close();
            packetData = null;
        }
    }
}
