package org.etab.decode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One image or image sequence as read from a MetaImage or NIfTI file: {@code depth} slices of
 * {@code height x width} elements of one {@link ElementType}. A 2-D image has depth 1; for a CAMUS sequence
 * the depth is the number of frames.
 *
 * <p>Contract:
 * <ul>
 *   <li>Orientation: slices are held as displayed, row-major (row 0 at the top, column 0 at the left). The
 *       readers put each format's axes into that order (see {@link MetaImageReader} and
 *       {@link NiftiReader}), so callers never transpose.</li>
 *   <li>Values: element {@code v} stands for {@code v * slope + inter} ({@link #slope()},
 *       {@link #inter()}; 1 and 0 unless a NIfTI file says otherwise).</li>
 *   <li>Immutable: the readers hand over their buffer and nothing else holds it; accessors copy out.</li>
 *   <li>Errors: a label map that holds something other than a small integer is the file's fault, a
 *       {@link DatasetException} naming {@link #source()}; a bad slice index or a short destination is the
 *       caller's, an {@link IndexOutOfBoundsException} or {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>Threading: immutable, so any thread may read it at any time.
 */
public final class ImageVolume {
    private final Path file;
    private final int width;
    private final int height;
    private final int depth;
    private final double[] spacing;
    private final ElementType type;
    private final double slope;
    private final double inter;
    /** Elements in display order (slice, row, column), little-endian. */
    private final byte[] data;

    ImageVolume(
            Path file,
            int width,
            int height,
            int depth,
            double[] spacing,
            ElementType type,
            double slope,
            double inter,
            byte[] littleEndianData) {
        this.file = Objects.requireNonNull(file, "file");
        if (width < 1 || height < 1 || depth < 1) {
            throw new IllegalArgumentException(
                    "width, height, depth >= 1 required but were " + width + ", " + height + ", " + depth);
        }
        this.type = Objects.requireNonNull(type, "type");
        long need = (long) width * height * depth * type.bytes();
        if (littleEndianData.length != need) {
            throw new IllegalArgumentException(
                    "data of " + need + " bytes required but was " + littleEndianData.length);
        }
        if (!Double.isFinite(slope) || !Double.isFinite(inter)) {
            throw new IllegalArgumentException("finite slope and inter required but were " + slope + ", " + inter);
        }
        this.width = width;
        this.height = height;
        this.depth = depth;
        this.spacing = spacing.clone();
        this.slope = slope;
        this.inter = inter;
        this.data = littleEndianData;
    }

    /**
     * An 8-bit volume from displayed slices, for the writers and tests.
     *
     * @param width          columns of a slice, {@code >= 1}
     * @param height         rows of a slice, {@code >= 1}
     * @param depth          slices, {@code >= 1}
     * @param spacing        spacing per axis, (x, y) or (x, y, z), as {@link #spacing()} returns it; copied
     * @param rowMajorSlices {@code depth} slices of {@code height} rows of {@code width} bytes; copied
     * @param source         a file name for messages (need not exist)
     * @return an unscaled {@link ElementType#UINT8} volume (slope 1, inter 0) over a copy of the bytes
     * @throws IllegalArgumentException when a size is below 1, the array length is not
     *                                  {@code width*height*depth}, or {@code source} is not a path
     */
    public static ImageVolume ofUint8(
            int width, int height, int depth, double[] spacing, byte[] rowMajorSlices, String source) {
        Path file;
        try {
            file = Path.of(source);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("source is not a path: '" + source + "'", e);
        }
        return new ImageVolume(file, width, height, depth, spacing, ElementType.UINT8, 1, 0, rowMajorSlices.clone());
    }

    /** {@return the number of columns of a displayed slice (MetaImage {@code DimSize[0]}), at least 1} */
    public int width() {
        return width;
    }

    /** {@return the number of rows of a displayed slice, at least 1} */
    public int height() {
        return height;
    }

    /** {@return the number of slices (frames of a sequence), at least 1; 1 for a 2-D image} */
    public int depth() {
        return depth;
    }

    /** {@return spacing per axis as the header gives it: (x, y) or (x, y, z); a copy; x is along a row} */
    public double[] spacing() {
        return spacing.clone();
    }

    /** {@return the element type in the file} */
    public ElementType type() {
        return type;
    }

    /** {@return the scale applied to every stored value (NIfTI {@code scl_slope}); 1 when the file has none} */
    public double slope() {
        return slope;
    }

    /** {@return the offset added after scaling (NIfTI {@code scl_inter}); 0 when the file has none} */
    public double inter() {
        return inter;
    }

    /** {@return the file this volume came from, as text for messages} */
    public String source() {
        return file.toString();
    }

    /** {@return the file this volume came from} */
    public Path file() {
        return file;
    }

    /** {@return the number of elements in one slice: {@code width * height}} */
    public int sliceLength() {
        return width * height;
    }

    /**
     * The scaled value at column {@code x}, row {@code y} of slice {@code z}.
     *
     * @param x column, {@code 0..width-1} (0 at the left)
     * @param y row, {@code 0..height-1} (0 at the top)
     * @param z slice, {@code 0..depth-1}
     * @return the stored element times {@link #slope()} plus {@link #inter()}
     * @throws IndexOutOfBoundsException when a coordinate is outside the volume
     */
    public double value(int x, int y, int z) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(z, depth);
        return raw(((long) z * height + y) * width + x) * slope + inter;
    }

    /**
     * Slice {@code z} as displayed, row-major {@code height x width}, each value scaled, clamped to 0..255
     * and rounded half up ({@code Math.round}); NaN becomes 0.
     *
     * @param z   the slice, {@code 0..depth-1}
     * @param dst receives {@link #sliceLength()} bytes from index 0 (the caller's; bytes after them are untouched)
     * @throws IndexOutOfBoundsException when {@code z} is outside the volume
     * @throws IllegalArgumentException  when {@code dst} is shorter than {@link #sliceLength()}
     */
    public void sliceAsUint8(int z, byte[] dst) {
        int n = checkSlice(z, dst);
        long base = (long) z * n;
        if (type == ElementType.UINT8 && slope == 1 && inter == 0) {
            System.arraycopy(data, (int) base, dst, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            double v = raw(base + i) * slope + inter;
            int b;
            if (!(v > 0)) { // also NaN
                b = 0;
            } else if (v >= 255) {
                b = 255;
            } else {
                b = (int) Math.round(v);
            }
            dst[i] = (byte) b;
        }
    }

    /**
     * Slice {@code z} of a label map, as displayed: each scaled value must be an integer in 0..255.
     *
     * @param z   the slice, {@code 0..depth-1}
     * @param dst receives {@link #sliceLength()} bytes from index 0 (the caller's; bytes after them are untouched);
     *            on a bad value, the bytes before it are already written
     * @throws DatasetException          naming the file, the slice, row, column and value when a value is not an
     *                                   integer in 0..255
     * @throws IndexOutOfBoundsException when {@code z} is outside the volume
     * @throws IllegalArgumentException  when {@code dst} is shorter than {@link #sliceLength()}
     */
    public void sliceAsLabels(int z, byte[] dst) {
        int n = checkSlice(z, dst);
        long base = (long) z * n;
        if (type == ElementType.UINT8 && slope == 1 && inter == 0) {
            System.arraycopy(data, (int) base, dst, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            double v = raw(base + i) * slope + inter;
            if (!(v >= 0 && v <= 255) || v != Math.rint(v)) {
                throw new DatasetException(
                        file,
                        "label map value " + v + " at slice " + z + ", row " + (i / width) + ", column " + (i % width)
                                + " is not an integer in 0..255");
            }
            dst[i] = (byte) (int) v;
        }
    }

    /** The stored little-endian bytes, not copied: for the writers only. */
    byte[] littleEndianData() {
        return data;
    }

    private int checkSlice(int z, byte[] dst) {
        Objects.checkIndex(z, depth);
        int n = width * height;
        if (dst.length < n) {
            throw new IllegalArgumentException("dst of at least " + n + " bytes required but was " + dst.length);
        }
        return n;
    }

    /** Unscaled element {@code i} (display order) as a double. */
    private double raw(long index) {
        int i = (int) (index * type.bytes());
        switch (type) {
            case UINT8:
                return data[i] & 0xFF;
            case INT8:
                return data[i];
            case UINT16:
                return (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
            case INT16:
                return (short) ((data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8);
            case UINT32:
                return Integer.toUnsignedLong(int32(i));
            case INT32:
                return int32(i);
            case FLOAT32:
                return Float.intBitsToFloat(int32(i));
            case FLOAT64:
                return Double.longBitsToDouble(Integer.toUnsignedLong(int32(i)) | (long) int32(i + 4) << 32);
            default:
                throw new AssertionError(type);
        }
    }

    private int int32(int i) {
        return (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16 | (data[i + 3] & 0xFF) << 24;
    }

    @Override
    public String toString() {
        return "ImageVolume[" + width + "x" + height + "x" + depth + " " + type + ", spacing "
                + Arrays.toString(spacing) + ", " + file + "]";
    }

    /** Reverses the byte order of every element of {@code bytes}-byte elements in place. */
    static void swapInPlace(byte[] buf, int bytes) {
        if (bytes == 1) {
            return;
        }
        for (int i = 0; i + bytes <= buf.length; i += bytes) {
            for (int a = i, b = i + bytes - 1; a < b; a++, b--) {
                byte t = buf[a];
                buf[a] = buf[b];
                buf[b] = t;
            }
        }
    }
}
