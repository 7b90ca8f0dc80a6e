package org.etab.viz;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * ETAB's {@code plot_segment} and {@code create_echo_clip}: a mask drawn over a frame (PNG) and a clip as an
 * animated GIF. Inputs are raw 8-bit gray frames (e.g. samples produced with {@code dtype=uint8, channels=1}).
 */
public final class Visualization {
    private Visualization() {
    }

    /**
     * Writes a PNG of {@code image} with {@code mask}: blended in {@code color} over the frame when
     * {@code overlay}, else the frame and the mask side by side.
     *
     * @param image row-major gray pixels, {@code height * width}
     * @param mask  row-major 0/1 (or 0/non-zero) pixels of the same size
     */
    public static void plotSegment(byte[] image, byte[] mask, int height, int width, boolean overlay, Color color,
            Path png) {
        requireSize(image, height, width, "image");
        requireSize(mask, height, width, "mask");
        BufferedImage out = new BufferedImage(overlay ? width : 2 * width, height, BufferedImage.TYPE_INT_RGB);
        float a = 0.45f;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int g = image[y * width + x] & 0xff;
                boolean m = mask[y * width + x] != 0;
                if (overlay) {
                    int r = m ? Math.round(g * (1 - a) + color.getRed() * a) : g;
                    int gg = m ? Math.round(g * (1 - a) + color.getGreen() * a) : g;
                    int b = m ? Math.round(g * (1 - a) + color.getBlue() * a) : g;
                    out.setRGB(x, y, (r << 16) | (gg << 8) | b);
                } else {
                    out.setRGB(x, y, (g << 16) | (g << 8) | g);
                    out.setRGB(width + x, y, m ? color.getRGB() & 0xffffff : 0);
                }
            }
        }
        try {
            createParent(png);
            if (!ImageIO.write(out, "png", png.toFile())) {
                throw new IllegalStateException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot write the overlay: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code frames} (each row-major gray, {@code height * width}) as an animated GIF at {@code fps}.
     */
    public static void createEchoClip(byte[][] frames, int height, int width, double fps, Path gif) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
        try {
            createParent(gif);
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(gif.toFile(), width, height, 0)) {
                recorder.setFormat("gif");
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_GIF);
                recorder.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
                recorder.setFrameRate(fps);
                recorder.start();
                Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 1);
                ByteBuffer pixels = (ByteBuffer) frame.image[0];
                int stride = frame.imageStride;
                for (byte[] f : frames) {
                    requireSize(f, height, width, "frame");
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

    private static void requireSize(byte[] a, int height, int width, String what) {
        if (a.length < height * width) {
            throw new IllegalArgumentException(what + " has " + a.length + " pixels but " + height + "x" + width
                    + " needs " + height * width);
        }
    }

    private static void createParent(Path p) throws IOException {
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
