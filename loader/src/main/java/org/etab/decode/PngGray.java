package org.etab.decode;

import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a PNG into 8-bit gray pixels with {@code javax.imageio}: 8-bit gray as is; 1/2/4/16-bit gray
 * scaled to 0..255 (rounded); RGB(A), gray+alpha and palette images by their luma
 * {@code round(0.299 R + 0.587 G + 0.114 B)} (alpha ignored). Samples are read from the raster, never through
 * {@code getRGB}, which would apply a colour-space conversion to gray images.
 *
 * <p>Limits, checked before anything large is allocated: the file must be a regular file of at most
 * {@value #MAX_FILE_BYTES} bytes (read up to its size, never further); every chunk's length must fit in the
 * file, and every critical chunk's (IHDR, PLTE, IDAT, IEND) CRC must match, as libpng requires (a bad CRC on an
 * ancillary chunk, which carries no pixels, is let through as libpng lets it); IHDR must declare a valid bit depth and colour type, each side at most {@value #MAX_SIDE} pixels, at most
 * {@value #MAX_PIXELS} pixels, and no more pixel data than its IDAT chunks can inflate to. So one decode holds
 * at most the file, ImageIO's raster (at most 16 Mpx x 4 samples x 2 bytes = 128 MiB) and the gray plane.
 *
 * <p>Threading: confined; one instance per worker. Ownership: owns one PNG {@link ImageReader}, released by
 * {@link #close()}. The file is read into memory and decoded from there (no ImageIO disk cache).
 */
public final class PngGray implements AutoCloseable {
    /** The largest PNG file read (TMED-2's are a few KB). */
    public static final long MAX_FILE_BYTES = 32L << 20;
    /** The largest width or height accepted. */
    public static final int MAX_SIDE = 8192;
    /** The most pixels accepted (4096 x 4096). */
    public static final long MAX_PIXELS = 4096L * 4096;
    /** zlib's bound: deflate turns one compressed byte into at most 1032. */
    static final long MAX_DEFLATE_RATIO = 1032;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * One decoded image: {@code width x height} row-major gray bytes at the start of {@code pixels}. Reusable: the
     * caller owns it and may pass it to every decode; a decode that throws a {@link DecodeException} leaves it
     * unchanged.
     */
    public static final class Image {
        /**
         * The gray pixels, row 0 at the top; only the first {@code width * height} bytes belong to the last image
         * (the array is replaced by a larger one only when it is too small, so it may be longer).
         */
        public byte[] pixels = new byte[0];
        /** Width of the last decoded image in pixels. */
        public int width;
        /** Height of the last decoded image in pixels. */
        public int height;
        /** Bytes read from the file for the last decoded image (the whole file). */
        public long bytesRead;
    }

    private final ImageReader reader;
    /** The deadline of the decode in progress; read by the progress listener on the same thread. */
    private long deadlineNanos = Deadline.NONE;

    /**
     * A decoder with its own PNG {@link ImageReader}.
     *
     * @throws IllegalStateException when {@code javax.imageio} has no PNG reader
     */
    public PngGray() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new IllegalStateException("no PNG reader in javax.imageio");
        }
        reader = readers.next();
        reader.addIIOReadProgressListener(new DeadlineWatch());
    }

    /**
     * Decodes {@code file} into {@code out} (its pixel array grows when needed), opening only a regular file.
     *
     * @param file the PNG
     * @param out  where the gray pixels, size and bytes read go
     * @throws DecodeException naming the file, when it is missing, not a regular file, unreadable, not a PNG,
     *                         over a limit above (naming the field and its value) or corrupt
     */
    public void decode(Path file, Image out) {
        decode(file, PngGray::openRegular, out);
    }

    /**
     * As {@link #decode(Path, Image)}, opening the file through {@code opener}.
     *
     * @param file   the PNG
     * @param opener opens it, or refuses it with a {@link DatasetException} (which passes through); its channel's
     *               reads may give up with a {@link DecodeTimeoutException}, which passes through
     * @param out    where the gray pixels go
     * @throws DecodeException naming the file, when it is unreadable, not a PNG, over a limit or corrupt
     */
    public void decode(Path file, FileOpener opener, Image out) {
        decode(file, opener, out, Deadline.NONE);
    }

    /**
     * As {@link #decode(Path, FileOpener, Image)}, giving up once {@code System.nanoTime()} passes
     * {@code deadlineNanos}: ImageIO's decode is stopped at its next row (its progress listener aborts it).
     *
     * @param file          the PNG
     * @param opener        opens it (its reads may give up at their own deadline)
     * @param out           where the gray pixels go
     * @param deadlineNanos the {@code System.nanoTime()} value after which to give up
     * @throws DecodeTimeoutException naming the file, when the deadline passed while decoding
     * @throws DecodeException        as {@link #decode(Path, FileOpener, Image)}
     */
    public void decode(Path file, FileOpener opener, Image out, long deadlineNanos) {
        byte[] bytes = read(file, opener);
        if (!isPng(bytes)) {
            throw new DecodeException(file, "not a PNG file (" + bytes.length + " bytes, no PNG signature)");
        }
        checkChunks(file, bytes);
        Raster raster;
        ColorModel colors;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            this.deadlineNanos = deadlineNanos;
            var image = reader.read(0);
            raster = image.getRaster();
            colors = image.getColorModel();
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(file, "corrupt PNG: " + e.getMessage(), e);
        } finally {
            this.deadlineNanos = Deadline.NONE;
            reader.setInput(null);
        }
        if (Deadline.passed(deadlineNanos)) {
            throw new DecodeTimeoutException(file, "timed out decoding the image (the sample's deadline passed)");
        }
        toGray(raster, colors, out);
        out.bytesRead = bytes.length;
    }

    /** Opens {@code file} when it is a regular file; refuses anything else unopened. */
    private static SeekableByteChannel openRegular(Path file) throws IOException {
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
                throw new DecodeException(
                        file, "is not a regular file (a directory, FIFO or device): refused unopened");
            }
        } catch (NoSuchFileException e) {
            throw new DecodeException(file, "image not found");
        }
        return Files.newByteChannel(file, StandardOpenOption.READ);
    }

    /** The file's bytes, read up to its size when opened (at most {@link #MAX_FILE_BYTES}). */
    private static byte[] read(Path file, FileOpener opener) {
        try (SeekableByteChannel ch = opener.open(file)) {
            long size = ch.size();
            if (size > MAX_FILE_BYTES) {
                throw new DecodeException(
                        file, "is " + size + " bytes, more than the " + MAX_FILE_BYTES + " a PNG may have");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until the size read above (a file that grows meanwhile is read no further)
            }
            return buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array();
        } catch (IOException e) {
            throw new DecodeException(file, "cannot be read: " + e, e);
        }
    }

    /**
     * Checks every chunk length against the file, the critical chunks' CRCs, and IHDR against the limits, so that
     * ImageIO never allocates by a number the file cannot back and a flipped bit is not decoded as pixels (ImageIO
     * checks no CRC, and can stop inflating before zlib's own checksum).
     */
    static void checkChunks(Path file, byte[] png) {
        int at = SIGNATURE.length;
        long idat = 0;
        boolean first = true;
        CRC32 crc = new CRC32();
        while (at < png.length) {
            if (png.length - at < 8) {
                throw new DecodeException(
                        file,
                        "corrupt PNG: " + (png.length - at) + " stray bytes at byte " + at
                                + " where a chunk header (8 bytes) should be");
            }
            long length = u32(png, at);
            String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
            long left = png.length - at - 12L;
            if (length > left) {
                throw new DecodeException(
                        file,
                        "corrupt PNG: chunk '" + printable(type) + "' at byte " + at + " declares length " + length
                                + " but only " + Math.max(left, 0) + " bytes follow it");
            }
            if (isCritical(png[at + 4])) {
                checkCrc(file, png, at, (int) length, type, crc);
            }
            if (first) {
                if (!type.equals("IHDR") || length != 13) {
                    throw new DecodeException(
                            file,
                            "corrupt PNG: the first chunk must be a 13-byte IHDR but is '" + printable(type) + "' of "
                                    + length + " bytes");
                }
                first = false;
            } else if (type.equals("IDAT")) {
                idat += length;
            } else if (type.equals("IEND")) {
                break;
            }
            at += 12 + (int) length;
        }
        if (first) {
            throw new DecodeException(file, "corrupt PNG: no IHDR chunk");
        }
        checkHeader(file, png, idat);
    }

    /** Critical chunks have an upper-case first letter (PNG's bit 5 of the type's first byte is 0). */
    private static boolean isCritical(byte typeByte) {
        return (typeByte & 0x20) == 0;
    }

    private static void checkCrc(Path file, byte[] png, int at, int length, String type, CRC32 crc) {
        crc.reset();
        crc.update(png, at + 4, 4 + length);
        long stored = u32(png, at + 8 + length);
        if (crc.getValue() != stored) {
            throw new DecodeException(
                    file,
                    String.format(
                            "corrupt PNG: chunk '%s' at byte %d has CRC %08x but its bytes give %08x",
                            printable(type), at, stored, crc.getValue()));
        }
    }

    private static void checkHeader(Path file, byte[] png, long idatBytes) {
        int h = SIGNATURE.length + 8;
        long width = u32(png, h);
        long height = u32(png, h + 4);
        int depth = png[h + 8] & 0xff;
        int colour = png[h + 9] & 0xff;
        int samples = switch (colour) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default ->
                throw new DecodeException(
                        file, "IHDR colour type " + colour + " is not a PNG colour type (0, 2, 3, 4 or 6)");
        };
        int[] depths =
                colour == 0 ? new int[] {1, 2, 4, 8, 16} : colour == 3 ? new int[] {1, 2, 4, 8} : new int[] {8, 16};
        if (Arrays.stream(depths).noneMatch(d -> d == depth)) {
            throw new DecodeException(
                    file,
                    "IHDR bit depth " + depth + " is not valid for colour type " + colour + " (allowed: "
                            + Arrays.toString(depths) + ")");
        }
        if (width < 1 || width > MAX_SIDE) {
            throw new DecodeException(file, "IHDR width " + width + " is not in 1.." + MAX_SIDE);
        }
        if (height < 1 || height > MAX_SIDE) {
            throw new DecodeException(file, "IHDR height " + height + " is not in 1.." + MAX_SIDE);
        }
        if (width * height > MAX_PIXELS) {
            throw new DecodeException(
                    file,
                    "IHDR size " + width + "x" + height + " is " + width * height + " pixels, more than the "
                            + MAX_PIXELS + " a PNG may have");
        }
        long raw = height * (1 + (width * samples * depth + 7) / 8); // one filter byte per row
        if (raw > idatBytes * MAX_DEFLATE_RATIO + 1024) {
            throw new DecodeException(
                    file,
                    "IHDR size " + width + "x" + height + " (" + depth + "-bit, colour type "
                            + colour + ") needs " + raw + " bytes of pixel data but its IDAT chunks hold " + idatBytes
                            + " bytes, which inflate to at most " + idatBytes * MAX_DEFLATE_RATIO);
        }
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? type : "?";
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

    /** Aborts ImageIO's decode (at its next row) once the decode's deadline has passed. */
    private final class DeadlineWatch implements IIOReadProgressListener {
        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (Deadline.passed(deadlineNanos)) {
                source.abort();
            }
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {}

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}

        @Override
        public void readAborted(ImageReader source) {}
    }
}
