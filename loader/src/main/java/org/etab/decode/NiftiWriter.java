package org.etab.decode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an {@link ImageVolume} as a single-file NIfTI-1 image the way nibabel saves a new image, for the
 * phantom datasets: little-endian, magic {@code n+1}, {@code vox_offset} 352 with an empty extension flag,
 * unused {@code dim}/{@code pixdim} entries 1, {@code scl_slope}/{@code scl_inter} NaN when unscaled,
 * {@code sform_code} 2 with a diagonal affine of the spacings, {@code qform_code} 0, units mm.
 *
 * <p>Contract: column i, row j, slice k of the volume is voxel (i, j, k) ({@code dim = width height
 * [depth]}), the order {@link NiftiReader} reads and the CAMUS 2023 files use. A volume of depth 1 with two
 * spacings is written with {@code dim[0] = 2}. The file is gzip-compressed when its name ends in
 * {@code .gz}, plain otherwise; an existing file is replaced.
 *
 * <p>Threading: writes only the named file; concurrent calls for different files are safe.
 */
public final class NiftiWriter {
    private NiftiWriter() {}

    /**
     * Writes {@code v} to {@code file}.
     *
     * @param file the file to write; gzip-compressed when its name ends in {@code .gz}
     * @param v    the volume; each side at most 32767
     * @throws IOException              when the file cannot be written
     * @throws IllegalArgumentException when a size does not fit NIfTI-1's 16-bit {@code dim} fields
     */
    public static void write(Path file, ImageVolume v) throws IOException {
        if (v.width() > Short.MAX_VALUE || v.height() > Short.MAX_VALUE || v.depth() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("NIfTI-1 dims are at most 32767 but the volume is " + v.width() + "x"
                    + v.height() + "x" + v.depth());
        }
        byte[] header = header(v);
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            out.write(header);
            out.write(v.littleEndianData());
        }
    }

    static byte[] header(ImageVolume v) {
        double[] spacing = v.spacing();
        boolean threeD = v.depth() > 1 || spacing.length > 2;
        ByteBuffer b = ByteBuffer.allocate(NiftiReader.MIN_VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, NiftiReader.HEADER);
        b.put(38, (byte) 'r'); // "regular", as nibabel writes it
        short[] dim = {
            (short) (threeD ? 3 : 2),
            (short) v.width(),
            (short) v.height(),
            (short) (threeD ? v.depth() : 1),
            1,
            1,
            1,
            1
        };
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, dim[i]);
        }
        b.putShort(70, (short) v.type().niftiCode());
        b.putShort(72, (short) (8 * v.type().bytes()));
        float[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
        for (int i = 0; i < spacing.length && i < 3; i++) {
            pixdim[i + 1] = (float) spacing[i];
        }
        for (int i = 0; i < 8; i++) {
            b.putFloat(76 + 4 * i, pixdim[i]);
        }
        b.putFloat(108, NiftiReader.MIN_VOX_OFFSET);
        boolean scaled = v.slope() != 1 || v.inter() != 0;
        b.putFloat(112, scaled ? (float) v.slope() : Float.NaN);
        b.putFloat(116, scaled ? (float) v.inter() : Float.NaN);
        b.put(123, (byte) 2); // xyzt_units: NIFTI_UNITS_MM
        byte[] descrip = "etab-stream phantom".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < descrip.length; i++) {
            b.put(148 + i, descrip[i]);
        }
        b.putShort(252, (short) 0); // qform_code
        b.putShort(254, (short) 2); // sform_code: aligned
        b.putFloat(280, pixdim[1]); // srow_x = (sx, 0, 0, 0)
        b.putFloat(296 + 4, pixdim[2]); // srow_y = (0, sy, 0, 0)
        b.putFloat(312 + 8, pixdim[3]); // srow_z = (0, 0, sz, 0)
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
        return b.array(); // bytes 348..351: no extensions
    }
}
