package org.etab.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;

/**
 * Writes an {@link ImageVolume} as ITK writes a MetaImage, for the phantom datasets: the same keys in the
 * same order (ObjectType, NDims, BinaryData, BinaryDataByteOrderMSB, CompressedData[, CompressedDataSize],
 * TransformMatrix, Offset, CenterOfRotation, AnatomicalOrientation, ElementSpacing, DimSize, ElementType,
 * ElementDataFile), little-endian data, zlib-compressed on request.
 *
 * <p>Contract: a volume of depth 1 with two spacings is written as a 2-D image, anything else as 3-D
 * ({@code DimSize = width height depth}). The data goes to a sibling file named after the header
 * ({@code x.mhd} gives {@code x.raw}, or {@code x.zraw} when compressed), or after the header when
 * {@code local}. Existing files are replaced. A volume with NIfTI scaling (slope not 1 or inter not 0) cannot
 * be expressed in MetaImage and is refused with an {@link IllegalArgumentException}.
 *
 * <p>Threading: writes only the named files; concurrent calls for different files are safe.
 */
public final class MetaImageWriter {
    private MetaImageWriter() {}

    /**
     * Writes {@code v} to {@code mhd} (and its data file unless {@code local}).
     *
     * @param mhd        the header to write; the data file is its sibling, named after it
     * @param v          the volume; unscaled (slope 1, inter 0)
     * @param compressed zlib-compress the data ({@code CompressedData = True}, a {@code .zraw} data file)
     * @param local      put the data after the header in {@code mhd} itself ({@code ElementDataFile = LOCAL})
     * @throws IOException              when a file cannot be written
     * @throws IllegalArgumentException when the volume has scaling
     */
    public static void write(Path mhd, ImageVolume v, boolean compressed, boolean local) throws IOException {
        if (v.slope() != 1 || v.inter() != 0) {
            throw new IllegalArgumentException("MetaImage cannot store scaling (slope " + v.slope() + ", inter "
                    + v.inter() + ") of " + v.source());
        }
        double[] spacing = v.spacing();
        boolean threeD = v.depth() > 1 || spacing.length > 2;
        int n = threeD ? 3 : 2;
        byte[] data = v.littleEndianData();
        if (compressed) {
            data = deflate(data);
        }
        String dataName;
        if (local) {
            dataName = "LOCAL";
        } else {
            String name = mhd.getFileName().toString();
            String stem = name.endsWith(".mhd") || name.endsWith(".mha") ? name.substring(0, name.length() - 4) : name;
            dataName = stem + (compressed ? ".zraw" : ".raw");
        }
        StringBuilder h = new StringBuilder(512);
        h.append("ObjectType = Image\n");
        h.append("NDims = ").append(n).append('\n');
        h.append("BinaryData = True\n");
        h.append("BinaryDataByteOrderMSB = False\n");
        h.append("CompressedData = ").append(compressed ? "True" : "False").append('\n');
        if (compressed) {
            h.append("CompressedDataSize = ").append(data.length).append('\n');
        }
        h.append("TransformMatrix = ")
                .append(threeD ? "1 0 0 0 1 0 0 0 1" : "1 0 0 1")
                .append('\n');
        h.append("Offset = ").append(threeD ? "0 0 0" : "0 0").append('\n');
        h.append("CenterOfRotation = ").append(threeD ? "0 0 0" : "0 0").append('\n');
        h.append("AnatomicalOrientation = ").append(threeD ? "RAI" : "RA").append('\n');
        h.append("ElementSpacing =");
        for (int i = 0; i < n; i++) {
            h.append(' ').append(number(i < spacing.length ? spacing[i] : 1.0));
        }
        h.append('\n');
        h.append("DimSize = ").append(v.width()).append(' ').append(v.height());
        if (threeD) {
            h.append(' ').append(v.depth());
        }
        h.append('\n');
        h.append("ElementType = ").append(v.type().metName()).append('\n');
        h.append("ElementDataFile = ").append(dataName).append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
        if (local) {
            try (OutputStream out = Files.newOutputStream(mhd)) {
                out.write(header);
                out.write(data);
            }
        } else {
            Files.write(mhd.resolveSibling(dataName), data);
            Files.write(mhd, header);
        }
    }

    /** A number as ITK prints it: no trailing zeros, no exponent for ordinary spacings. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** zlib (RFC 1950) as ITK's MetaIO writes it with compress2. */
    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                int k = d.deflate(buf);
                out.write(buf, 0, k);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }
}
