package org.etab.decode;

import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;


/**
 * Decodes a PNG into 8-bit gray pixels with {@code javax.imageio}: 8-bit gray as is; 1/2/4/16-bit gray
 * scaled to 0..255 (rounded); RGB(A), gray+alpha and palette images by their luma
 * {@code round(0.299 R + 0.587 G + 0.114 B)} (alpha ignored). Samples are read from the raster, never through
 * {@code getRGB}, which would apply a colour-space conversion to gray images.
 *
 * <p>Threading: confined; one instance per worker. Ownership: owns one PNG {@link ImageReader}, released by
 * {@link #close()}. The file is read into memory and decoded from there (no ImageIO disk cache).
 */
public final class PngGray implements AutoCloseable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** One decoded image: {@code width x height} row-major gray bytes at the start of {@code pixels}. */
    public static final class Image {
        public byte[] pixels = new byte[0];
        public int width;
        public int height;
        public long bytesRead;
    }

    private final ImageReader reader;

    public PngGray() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new IllegalStateException("no PNG reader in javax.imageio");
        }
        reader = readers.next();
    }

    /**
     * Decodes {@code file} into {@code out} (its pixel array grows when needed).
     *
     * @throws DecodeException naming the file, when it is missing, unreadable, not a PNG
     *                         or corrupt
     */
    public void decode(Path file, Image out) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DecodeException(file, "image not found");
        } catch (IOException e) {
            throw new DecodeException(file, "cannot be read: " + e, e);
        }
        if (!isPng(bytes)) {
            throw new DecodeException(file, "not a PNG file (" + bytes.length + " bytes, no PNG signature)");
        }
        Raster raster;
        ColorModel colors;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            var image = reader.read(0);
            raster = image.getRaster();
            colors = image.getColorModel();
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(file, "corrupt PNG: " + e.getMessage(), e);
        } finally {
            reader.setInput(null);
        }
        toGray(raster, colors, out);
        out.bytesRead = bytes.length;
    }

    static boolean isPng(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Gray bytes of any raster ImageIO's PNG reader produces. */
    static void toGray(Raster raster, ColorModel colors, Image out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = w * h;
        if (out.pixels.length < n) {
            out.pixels = new byte[n];
        }
        out.width = w;
        out.height = h;
        byte[] px = out.pixels;
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        if (colors instanceof IndexColorModel palette) {
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int i = row[x * bands];
                    px[y * w + x] = (byte) luma(palette.getRed(i), palette.getGreen(i), palette.getBlue(i));
                }
            }
            return;
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        int max = (1 << bits) - 1;
        boolean rgb = bands >= 3;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = x * bands;
                int v = rgb
                        ? luma(scale(row[o], max), scale(row[o + 1], max), scale(row[o + 2], max))
                        : scale(row[o], max);
                px[y * w + x] = (byte) v;
            }
        }
    }

    /** A sample of {@code max}-valued depth on 0..255, rounded. */
    private static int scale(int v, int max) {
        return max == 255 ? v : (int) ((v * 255L + max / 2) / max);
    }

    private static int luma(int r, int g, int b) {
        return Math.min(255, (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b));
    }

    @Override
    public void close() {
        reader.dispose();
    }
}
