package org.etab.viz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.etab.api.Tensor;
import org.etab.decode.VideoDecoder;

/** ETAB's {@code create_echo_clip}: a clip as an animated GIF that loops forever (JavaCV's GIF encoder). */
public final class VideoTools {
    static {
        VideoDecoder.loadLibraries(); // the library's FFmpeg log level: no banner per file written
    }

    /** ETAB's frame duration, in milliseconds (20 frames per second). */
    public static final int FRAME_MILLIS = 50;

    /** The longest frame a GIF can say, in milliseconds: 65535 centiseconds. */
    public static final int MAX_FRAME_MILLIS = 655_350;

    private VideoTools() {}

    /**
     * Writes {@code echo_clips/<name>.gif} (relative to the working directory, created if missing) with ETAB's
     * {@value #FRAME_MILLIS} ms per frame, replacing a file of that name.
     *
     * @param clip a 4-D clip tensor, as {@link #createEchoClip(Tensor, Path, int)} takes
     * @param name the file name without {@code .gif}: a plain name, no path separator or {@code ..}
     * @return the GIF's path, relative to the working directory
     * @throws IllegalArgumentException     when {@code name} is blank or not a plain file name, or the clip is not
     *                                      4-D
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    public static Path createEchoClip(Tensor clip, String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.contains("..")) {
            throw new IllegalArgumentException("clip name must be a plain file name but was '" + name + "'");
        }
        Path gif = Path.of("echo_clips", name + ".gif");
        createEchoClip(clip, gif, FRAME_MILLIS);
        return gif;
    }

    /**
     * Writes a clip tensor ({@code [C,T,H,W]}, or {@code [T,C,H,W]} when its axes say so; channel 0 shown) as a GIF
     * with {@code frameMillis} per frame. Values other than uint8 (normalized frames) are contrast-stretched to
     * 0..255 over channel 0 of all frames; uint8 values are shown as they are.
     *
     * @param clip        a clip tensor, 4-D
     * @param gif         the file to write (replaced if it is a regular file; anything else there is refused);
     *                    missing parent directories are created
     * @param frameMillis the duration of each frame in milliseconds: a multiple of 10 from 10 to 655350 (GIF counts
     *                    centiseconds, in 16 bits)
     * @throws IllegalArgumentException     when the clip is not 4-D or {@code frameMillis} is not a whole number of
     *                                      centiseconds from 10 to 655350 ms
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    public static void createEchoClip(Tensor clip, Path gif, int frameMillis) {
        int[] s = clip.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("a clip must be [C, T, H, W] or [T, C, H, W] but was " + clip);
        }
        byte[][] frames = new byte[clip.framesFirst() ? s[0] : s[1]][];
        for (int t = 0; t < frames.length; t++) {
            frames[t] = Visualization.displayFrame(clip, t, s[2], s[3]);
        }
        createEchoClip(frames, s[2], s[3], frameMillis, gif);
    }

    /**
     * Writes gray frames as a GIF that loops forever.
     *
     * @param frames      the frames in order, at least one, each row-major 8-bit gray of {@code height * width}
     *                    pixels or more (extra bytes are ignored)
     * @param height      rows per frame, >= 1
     * @param width       columns per frame, >= 1
     * @param frameMillis the duration of each frame in milliseconds: a multiple of 10 from 10 to 655350
     * @param gif         the file to write (replaced if it is a regular file; anything else there is refused);
     *                    missing parent directories are created
     * @throws IllegalArgumentException     when there is no frame, {@code height} or {@code width} is below 1, a
     *                                      frame is too small, or {@code frameMillis} is not a whole number of
     *                                      centiseconds from 10 to 655350 ms
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    public static void createEchoClip(byte[][] frames, int height, int width, int frameMillis, Path gif) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
        for (byte[] f : frames) {
            Visualization.requireSize(f, height, width, "frame"); // before any file is touched
        }
        // a GIF's delay is 16 bits of centiseconds: FFmpeg writes a longer one as 65535 without a word
        if (frameMillis < 10 || frameMillis > MAX_FRAME_MILLIS || frameMillis % 10 != 0) {
            throw new IllegalArgumentException("GIF frame durations are whole centiseconds >= 10 ms and <= "
                    + MAX_FRAME_MILLIS + " ms but was " + frameMillis);
        }
        try {
            Visualization.writeReplacing(gif, tmp -> writeGif(tmp, frames, height, width, frameMillis));
        } catch (IOException e) {
            throw new UncheckedIOException(gif + ": cannot write the clip: " + e.getMessage(), e);
        }
    }

    private static void writeGif(Path gif, byte[][] frames, int height, int width, int frameMillis) throws IOException {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(gif.toFile(), width, height, 0)) {
            recorder.setFormat("gif");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_GIF);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
            recorder.setFrameRate(1000.0 / frameMillis);
            recorder.setOption("loop", "0"); // NETSCAPE2.0 extension: loop forever
            recorder.start();
            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 1);
            ByteBuffer pixels = (ByteBuffer) frame.image[0];
            int stride = frame.imageStride;
            for (byte[] f : frames) {
                for (int y = 0; y < height; y++) {
                    pixels.put(y * stride, f, y * width, width);
                }
                recorder.record(frame, avutil.AV_PIX_FMT_GRAY8);
            }
            recorder.stop();
        }
    }
}
