package org.etab.viz;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;
import org.etab.api.Tensor;
import org.etab.batch.DType;

/**
 * ETAB's {@code plot_segment}: a mask drawn over a frame, as a PNG. Frames are 8-bit gray, or loaded tensors
 * (normalized frames are contrast-stretched back to 0..255 for display).
 */
public final class Visualization {
    private Visualization() {}

    /**
     * ETAB's {@code plot_segment}: writes a PNG of {@code image} in gray with {@code mask} blended at 50 % alpha
     * in {@code color} and the mask's longest contour drawn in {@code color}; with {@code overlay} false, the frame
     * and the mask side by side instead.
     *
     * @param image   row-major 8-bit gray pixels, at least {@code height * width}
     * @param mask    row-major 0/1 (or 0/non-zero) pixels of the same size
     * @param height  rows, >= 1
     * @param width   columns, >= 1
     * @param overlay true: the mask over the frame; false: frame and mask side by side (a PNG twice as wide)
     * @param color   the mask's color, not null
     * @param png     the file to write (replaced if it is a regular file; anything else there is refused); missing
     *                parent directories are created
     * @throws IllegalArgumentException     when {@code height} or {@code width} is below 1, or {@code image} or
     *                                      {@code mask} has fewer than {@code height * width} pixels
     * @throws UncheckedIOException         naming the file when it cannot be written
     */
    public static void plotSegment(
            byte[] image, byte[] mask, int height, int width, boolean overlay, Color color, Path png) {
        Objects.requireNonNull(color, "color");
        requireSize(image, height, width, "image");
        requireSize(mask, height, width, "mask");
        BufferedImage out = new BufferedImage(overlay ? width : 2 * width, height, BufferedImage.TYPE_INT_RGB);
        boolean[] contour = overlay ? longestContour(mask, height, width) : new boolean[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int g = image[i] & 0xff;
                int rgb = (g << 16) | (g << 8) | g;
                if (overlay && contour[i]) {
                    rgb = color.getRGB() & 0xffffff;
                } else if (overlay && mask[i] != 0) {
                    rgb = (blend(g, color.getRed()) << 16)
                            | (blend(g, color.getGreen()) << 8)
                            | blend(g, color.getBlue());
                }
                out.setRGB(x, y, rgb);
                if (!overlay) {
                    out.setRGB(width + x, y, mask[i] != 0 ? color.getRGB() & 0xffffff : 0);
                }
            }
        }
        try {
            writeReplacing(png, tmp -> {
                if (!ImageIO.write(out, "png", tmp.toFile())) {
                    throw new IllegalStateException("no PNG writer in this Java runtime");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot write the overlay: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #plotSegment(byte[], byte[], int, int, boolean, Color, Path)} for loaded tensors, e.g. an
     * {@link org.etab.api.Item}'s {@code x} and {@code y}. An image other than uint8 (normalized) is
     * contrast-stretched to 0..255; of a clip, frame 0 is drawn, channel 0 always.
     *
     * @param image   a frame ({@code [C, H, W]} or {@code [H, W]}) or clip tensor whose frames are the mask's size
     * @param mask    a uint8 {@code [H, W]} mask, 0 outside
     * @param overlay true: the mask over the frame; false: frame and mask side by side
     * @param color   the mask's color, not null
     * @param png     the file to write (replaced if it is a regular file; anything else there is refused); missing
     *                parent directories are created
     * @throws IllegalArgumentException when the mask is not a 2-D uint8 tensor or the image's frames are not its size
     * @throws UncheckedIOException     naming the file when it cannot be written
     */
    public static void plotSegment(Tensor image, Tensor mask, boolean overlay, Color color, Path png) {
        int[] s = mask.shape();
        if (s.length != 2 || mask.dtype() != DType.UINT8) { // another dtype's bytes would be drawn as pixels
            throw new IllegalArgumentException("mask must be uint8 [H, W] but was " + mask);
        }
        plotSegment(displayFrame(image, 0, s[0], s[1]), mask.bytes(), s[0], s[1], overlay, color, png);
    }

    private static int blend(int gray, int c) {
        return (gray + c + 1) / 2;
    }

    /**
     * Boundary pixels (a 4-neighbour outside the mask or the frame) of the 8-connected component of the mask
     * with the most boundary pixels.
     */
    static boolean[] longestContour(byte[] mask, int height, int width) {
        int n = height * width;
        int[] label = new int[n];
        int[] stack = new int[n];
        boolean[] best = new boolean[n];
        int bestLength = 0;
        int next = 0;
        for (int start = 0; start < n; start++) {
            if (mask[start] == 0 || label[start] != 0) {
                continue;
            }
            int id = ++next;
            int top = 0;
            int length = 0;
            List<Integer> edge = new ArrayList<>();
            stack[top++] = start;
            label[start] = id;
            while (top > 0) {
                int p = stack[--top];
                int y = p / width;
                int x = p % width;
                boolean boundary = y == 0
                        || x == 0
                        || y == height - 1
                        || x == width - 1
                        || mask[p - width] == 0
                        || mask[p + width] == 0
                        || mask[p - 1] == 0
                        || mask[p + 1] == 0;
                if (boundary) {
                    length++;
                    edge.add(p);
                }
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && xx >= 0 && yy < height && xx < width) {
                            int q = yy * width + xx;
                            if (mask[q] != 0 && label[q] == 0) {
                                label[q] = id;
                                stack[top++] = q;
                            }
                        }
                    }
                }
            }
            if (length > bestLength) {
                bestLength = length;
                Arrays.fill(best, false);
                edge.forEach(p -> best[p] = true);
            }
        }
        return best;
    }

    /**
     * Frame {@code t} of an image ([C,H,W] / [H,W]) or clip ([C,T,H,W], or [T,C,H,W] when its axes say so) tensor,
     * channel 0, as displayable gray bytes.
     */
    static byte[] displayFrame(Tensor t, int frame, int height, int width) {
        int[] s = t.shape();
        int plane = height * width;
        long offset;
        int frames = 1; // the contrast stretch spans channel 0 of every frame
        long frameStride = plane;
        if (s.length == 4) {
            frames = t.framesFirst() ? s[0] : s[1];
            frameStride = t.framesFirst() ? (long) s[1] * plane : plane;
            offset = frame * frameStride;
        } else if (s.length == 3 || s.length == 2) {
            offset = 0;
        } else {
            throw new IllegalArgumentException("expected [C,T,H,W], [C,H,W] or [H,W] but was " + t);
        }
        if (s[s.length - 1] != width || s[s.length - 2] != height) {
            throw new IllegalArgumentException(t + " does not have frames of " + height + "x" + width);
        }
        if (Arrays.stream(s).anyMatch(d -> d == 0)) {
            throw new IllegalArgumentException(t + " has no pixels to show");
        }
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int f = 0; f < frames; f++) {
            for (long i = f * frameStride, end = i + plane; i < end; i++) {
                double v = t.get(i);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        boolean raw = t.dtype() == DType.UINT8;
        byte[] out = new byte[plane];
        for (int i = 0; i < plane; i++) {
            double v = t.get(offset + i);
            int g = raw ? (int) v : hi > lo ? (int) Math.round(255 * (v - lo) / (hi - lo)) : 0;
            out[i] = (byte) g;
        }
        return out;
    }

    static void requireSize(byte[] a, int height, int width, String what) {
        // checked here, naming them, rather than by ImageIO or FFmpeg without the values
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height and width must be >= 1 but were " + height + "x" + width);
        }
        if (a.length < (long) height * width) {
            throw new IllegalArgumentException(
                    what + " has " + a.length + " pixels but " + height + "x" + width + " needs " + height * width);
        }
    }

    /** Writes a file's whole content to a path it is given. */
    interface FileWriter {
        void write(Path file) throws IOException;
    }

    /**
     * Writes {@code target} through a new temporary file beside it, then moves that into place: a writer that
     * deletes or truncates what it is pointed at (ImageIO deletes it, FFmpeg truncates it) touches only the
     * temporary file, and {@code target} is never half-written. A {@code target} that exists and is not a regular
     * file (a directory, a device, a FIFO, a link) is refused: replacing it would destroy it.
     */
    static void writeReplacing(Path target, FileWriter writer) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("exists and is not a regular file; not replaced");
        }
        createParent(target);
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = newTemporary(parent, target.getFileName().toString());
        try {
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new empty file named after {@code name} in {@code dir}, created exclusively with the permissions any new file
     * gets (the umask's), unlike {@code Files.createTempFile}'s owner-only ones, which a writer that truncates (the GIF
     * writer) would leave on the result.
     */
    private static Path newTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }

    static void createParent(Path p) throws IOException {
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
