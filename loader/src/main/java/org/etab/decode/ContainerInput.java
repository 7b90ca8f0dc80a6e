package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_NONE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_PROP_INTRA_ONLY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_descriptor_get;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_ATTACHED_PIC;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecDescriptor;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One video opened for one decoder call: its container, read from a file through FFmpeg's file I/O or from
 * memory through a {@link MemoryIO}; the video stream in it (other streams are discarded by the demuxer); what its
 * header says ({@link #info()}); and, when asked, an open single-threaded decoder for that stream.
 *
 * <h2>Threading</h2>
 * Opened, read and closed on one thread, within one {@link VideoDecoder} call. FFmpeg's interrupt callback is one
 * static instance for every input in the JVM; each format context points it at its own decoder's deadline cell.
 *
 * <h2>Ownership</h2>
 * {@link #open} either returns an input that owns its format context, its I/O context (memory only) and its codec
 * context, or frees whatever it allocated and throws. {@link #close()} (idempotent) frees the codec context, then
 * the format context, then the I/O context that format context read through. The deadline and I/O cells are the
 * decoder's: only pointed at, never freed here.
 */
final class ContainerInput implements AutoCloseable {

    /**
     * FFmpeg's interrupt callback, one for all inputs (JavaCPP callbacks are a scarce native resource): the
     * context's {@code opaque} points at the owning decoder's deadline.
     */
    private static final AVIOInterruptCB.Callback_Pointer PAST_DEADLINE = new AVIOInterruptCB.Callback_Pointer() {
        @Override
        public int call(Pointer opaque) {
            return opaque != null && Deadline.passed(new LongPointer(opaque).get(0)) ? 1 : 0;
        }
    };

    /** Reports this input's failures, naming its file or name. */
    final DecodeErrors errors;

    private final Path file; // null for an in-memory video
    private final ByteBuffer data;
    private final LongPointer deadline;
    private final LongPointer ioCell;
    private MemoryIO memory;
    private AVFormatContext format;
    private AVCodecContext codec;
    private int stream = -1;
    private VideoInfo info;
    private long headerFrames = -1;

    private ContainerInput(Path file, ByteBuffer data, String name, LongPointer deadline, LongPointer ioCell) {
        this.file = file;
        this.data = data;
        this.deadline = deadline;
        this.ioCell = ioCell;
        this.errors = new DecodeErrors(file, name, deadline);
    }

    /**
     * Opens {@code file}, or (file null) the in-memory video {@code data} named {@code name}, and with
     * {@code withDecoder} its stream's decoder. Gives up once the time in {@code deadline} has passed.
     *
     * @param ioCell the decoder's cell for the id of its in-memory input (the I/O context's {@code opaque})
     */
    static ContainerInput open(
            Path file, ByteBuffer data, String name, boolean withDecoder, LongPointer deadline, LongPointer ioCell) {
        ContainerInput in = new ContainerInput(file, data, name, deadline, ioCell);
        try {
            in.openFormat();
            if (withDecoder) {
                in.openDecoder();
            }
            return in;
        } catch (RuntimeException | Error e) {
            in.close();
            throw e;
        }
    }

    AVFormatContext format() {
        return format;
    }

    /** The open decoder, or null when opened without one. */
    AVCodecContext codec() {
        return codec;
    }

    /** Index of the video stream in the container. */
    int stream() {
        return stream;
    }

    VideoInfo info() {
        return info;
    }

    /** At EOF after {@code videoPackets} with positions pending: fine if the header agrees, else truncated. */
    void checkComplete(int videoPackets) {
        errors.checkComplete(headerFrames, videoPackets);
    }

    private void openFormat() {
        if (file == null) {
            memory = MemoryIO.open(data, ioCell, deadline.get(0));
            errors.readingFrom(memory);
        }
        AVFormatContext ctx = avformat_alloc_context();
        if (ctx == null) {
            throw new OutOfMemoryError("avformat_alloc_context failed");
        }
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
        errors.checkDeadline(0);
        if (ret < 0) {
            throw errors.fail("cannot open", ret); // FFmpeg frees ctx itself on failure
        }
        format = ctx;
        stream = findVideoStream();
        AVCodecParameters par = format.streams(stream).codecpar();
        if (par.codec_id() == AV_CODEC_ID_NONE || par.width() <= 0 || par.height() <= 0) {
            // the header lacks what decoding needs: pay for probing packets (AVI never gets here)
            ret = avformat_find_stream_info(format, (PointerPointer<?>) null);
            if (ret < 0) {
                throw errors.fail("cannot read stream info", ret);
            }
            par = format.streams(stream).codecpar();
            if (par.codec_id() == AV_CODEC_ID_NONE) {
                throw errors.error("unknown video codec");
            }
        }
        AVStream st = format.streams(stream);
        for (int i = 0; i < format.nb_streams(); i++) {
            // let the demuxer drop audio/data packets early
            if (i != stream) {
                format.streams(i).discard(AVDISCARD_ALL);
            }
        }
        headerFrames = st.nb_frames() > 0 ? st.nb_frames() : -1;
        AVCodecDescriptor desc = avcodec_descriptor_get(par.codec_id());
        boolean intraOnly = desc != null && (desc.props() & AV_CODEC_PROP_INTRA_ONLY) != 0;
        info = new VideoInfo(
                par.width(),
                par.height(),
                fps(st),
                headerFrames > Integer.MAX_VALUE ? -1 : (int) headerFrames,
                avcodec_get_name(par.codec_id()).getString(),
                intraOnly);
    }

    private int findVideoStream() {
        for (int i = 0; i < format.nb_streams(); i++) {
            AVStream st = format.streams(i);
            if (st.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO
                    && (st.disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) {
                return i;
            }
        }
        throw errors.error("no video stream (" + format.nb_streams() + " streams)");
    }

    private static double fps(AVStream st) {
        AVRational r = st.avg_frame_rate();
        if (r.num() <= 0 || r.den() <= 0) {
            r = st.r_frame_rate();
        }
        return r.num() > 0 && r.den() > 0 ? av_q2d(r) : 0;
    }

    private void openDecoder() {
        AVCodecParameters par = format.streams(stream).codecpar();
        AVCodec decoder = avcodec_find_decoder(par.codec_id());
        if (decoder == null) {
            throw errors.error("no decoder for codec " + info.codec());
        }
        codec = avcodec_alloc_context3(decoder);
        if (codec == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3 failed");
        }
        int ret = avcodec_parameters_to_context(codec, par);
        if (ret < 0) {
            throw errors.fail("cannot configure " + info.codec() + " decoder", ret);
        }
        codec.thread_count(1); // one decoder per core is the parallelism model
        ret = avcodec_open2(codec, decoder, (AVDictionary) null);
        if (ret < 0) {
            throw errors.fail("cannot open " + info.codec() + " decoder", ret);
        }
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
