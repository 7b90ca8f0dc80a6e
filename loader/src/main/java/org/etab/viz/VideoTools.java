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

/** ETAB's {@code create_echo_clip}: a clip as an animated GIF that loops forever (JavaCV's GIF encoder). */
public final class VideoTools {
    /** ETAB's frame duration. */
    public static final int FRAME_MILLIS = 50;

    private VideoTools() {}

    /** Writes {@code echo_clips/<name>.gif} (relative to the working directory) and returns its path. */
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
     * with {@code frameMillis} per frame.
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

    /** Writes row-major gray frames ({@code height * width} each) as a GIF with {@code frameMillis} per frame. */
    public static void createEchoClip(byte[][] frames, int height, int width, int frameMillis, Path gif) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
        if (frameMillis < 10 || frameMillis % 10 != 0) {
            throw new IllegalArgumentException(
                    "GIF frame durations are whole centiseconds >= 10 ms but was " + frameMillis);
        }
        try {
            Visualization.createParent(gif);
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
                    Visualization.requireSize(f, height, width, "frame");
                    for (int y = 0; y < height; y++) {
                        pixels.put(y * stride, f, y * width, width);
                    }
                    recorder.record(frame, avutil.AV_PIX_FMT_GRAY8);
                }
                recorder.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(gif + ": cannot write the clip: " + e.getMessage(), e);
        }
    }
}
