package org.etab.synth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.etab.decode.VideoDecoder;

/**
 * Writes gray frames as an EchoNet-style video: MJPEG ('MJPG') in AVI, full-range yuvj420p, constant
 * integer frame rate. A decoder returns the frames as 3-channel gray (B = G = R).
 *
 * <p>Frames go to the encoder already in its pixel format: Y = the gray level, both chroma planes 128.
 * That is exactly what a B = G = R frame converts to, without swscale, which in FFmpeg 8 logs a
 * "deprecated pixel format" warning for every yuvj frame and would round the gray levels once more.
 *
 * <p>Reproducibility: the encoder runs single-threaded, because FFmpeg's MJPEG encoder splits a frame
 * into one slice per thread and the slice count would otherwise follow the machine's core count; and the
 * codec is bitexact (no "Lavc" version comment in every JPEG). The AVI header still names the muxer's
 * version ("Lavf..."): files are byte-identical for one FFmpeg build, not across builds. (The muxer's
 * bitexact flag would drop it, but JavaCV hands format options to avio_open2 too, which logs a
 * rejection for every file.)
 *
 * <p>Threading: confined to one thread. Ownership: owns the recorder (released by {@link #close()},
 * exactly once, also after a failure); the frame buffer is an ordinary direct buffer.
 */
public final class MjpegAviWriter implements AutoCloseable {
    static {
        VideoDecoder.loadLibraries(); // the library's FFmpeg log level: no banner per file written
    }

    private final Path file;
    private final FFmpegFrameRecorder recorder;
    private final ByteBuffer yuv;
    private final int width;
    private final int height;
    private boolean closed;

    /**
     * Opens {@code file} and starts the encoder; the caller owns the writer and closes it.
     *
     * @param file   the AVI file to write
     * @param width  frame columns, even (yuvj420p halves the chroma planes)
     * @param height frame rows, even
     * @param fps    the constant frame rate, frames per second
     * @param qscale the MJPEG quantiser (FFmpeg's {@code -q:v}: lower is better quality and larger files)
     * @throws IllegalArgumentException if {@code width} or {@code height} is odd
     * @throws IOException              if FFmpeg cannot open the file or start the encoder (the recorder is
     *                                  released before this is thrown)
     */
    public MjpegAviWriter(Path file, int width, int height, int fps, double qscale) throws IOException {
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("even frame size required but was " + width + "x" + height);
        }
        this.file = file;
        this.width = width;
        this.height = height;
        int chroma = (width / 2) * (height / 2);
        yuv = ByteBuffer.allocateDirect(width * height + 2 * chroma);
        byte[] neutral = new byte[2 * chroma];
        Arrays.fill(neutral, (byte) 128);
        yuv.position(width * height);
        yuv.put(neutral);
        recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        recorder.setFormat("avi");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
        recorder.setFrameRate(fps);
        // A fixed quantiser, set as codec options: JavaCV's setVideoQuality would also pass a "crf" option
        // that MJPEG rejects with a log line per video.
        recorder.setVideoOption("flags", "+qscale+bitexact");
        recorder.setVideoOption("global_quality", Long.toString(Math.round(qscale * avutil.FF_QP2LAMBDA)));
        recorder.setVideoOption("threads", "1");
        try {
            recorder.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Encodes one frame of {@code width * height} gray bytes (row-major).
     *
     * @param gray the frame, row-major, at least {@code width * height} bytes; read, not kept
     * @throws IOException if FFmpeg fails to encode or write the frame
     */
    public void write(byte[] gray) throws IOException {
        yuv.clear();
        yuv.put(gray, 0, width * height); // the luma plane; chroma stays neutral
        yuv.clear();
        // Planes contiguous (Y, then U, then V), line sizes width and width / 2: stride = width.
        try {
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 1, width, avutil.AV_PIX_FMT_YUVJ420P, yuv);
        } catch (FFmpegFrameRecorder.Exception e) {
            throw failed(e);
        }
    }

    /**
     * A write that failed (a full disk), naming the file and the reason: FFmpeg's message names neither
     * ({@code av_interleaved_write_frame() error -28 while writing interleaved video packet.}).
     */
    private IOException failed(FFmpegFrameRecorder.Exception e) {
        Matcher code = Pattern.compile("error (-\\d+)").matcher(String.valueOf(e.getMessage()));
        String reason = e.getMessage();
        if (code.find()) {
            int err = Integer.parseInt(code.group(1));
            byte[] text = new byte[avutil.AV_ERROR_MAX_STRING_SIZE];
            avutil.av_strerror(err, text, text.length);
            int len = 0;
            while (len < text.length && text[len] != 0) {
                len++;
            }
            reason = new String(text, 0, len, StandardCharsets.UTF_8) + " (" + err + ")";
        }
        return new IOException(file + ": cannot write: " + reason, e);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.close(); // stop() + release(): writes the AVI index and trailer, frees the contexts
        } catch (FFmpegFrameRecorder.Exception e) {
            throw failed(e);
        }
    }
}
