package org.etab.decode;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a single-file NIfTI-1 image ({@code .nii}, or gzip-compressed {@code .nii.gz}; compression is
 * recognised by the gzip magic, not the name).
 *
 * <p>Contract:
 * <ul>
 *   <li>Header: the 348-byte NIfTI-1 header, byte order found from {@code sizeof_hdr} (348 either way);
 *       magic {@code n+1}. A {@code ni1} header/image pair, a NIfTI-2 file ({@code sizeof_hdr} 540 or magic
 *       {@code n+2}) or anything else is a {@link DatasetException} saying which.</li>
 *   <li>Supported: {@code dim[0]} 2 to 7 with {@code dim[1]} columns, {@code dim[2]} rows and at most one
 *       further size above 1 (the slices or frames); {@code datatype} 2, 4, 8, 16, 64, 256, 512, 768 with a
 *       matching {@code bitpix}; {@code vox_offset} an integer >= 352. {@code scl_slope} 0 or NaN means no
 *       scaling; otherwise every value is {@code v * scl_slope + scl_inter} ({@link ImageVolume#slope()}).
 *       Extensions between byte 348 and {@code vox_offset} are skipped.</li>
 *   <li>Orientation: voxel (i, j, k) is column i, row j of slice k: the storage order, x fastest, exactly as
 *       for MetaImage. {@code qform}/{@code sform} are not applied (nor are they by nibabel's
 *       {@code get_fdata()} or SimpleITK's {@code GetArrayFromImage}). The CAMUS 2023 files are stored this
 *       way ({@code dim = W H frames}, which is why nibabel users see a (W, H, N) array and transpose or
 *       rotate it to show the apex at the top); read this way they display with the apex at the top like the
 *       MetaImage release.</li>
 *   <li>Sizes: checked before anything is allocated (at most {@link Payload#MAX_BYTES}). Plain files must
 *       hold exactly {@code vox_offset} + the payload; gzip files must decompress to exactly that (the stream
 *       is read with a bound and fails on a byte too many or too few), and may not claim more than deflate
 *       can produce from the file's size.</li>
 *   <li>Errors: every problem is a {@link DatasetException} naming the file and the reason.</li>
 * </ul>
 *
 * <p>Threading: {@link #read} is a pure function of the file; call it from any thread.
 */
public final class NiftiReader {
    static final int HEADER = 348;
    static final int MIN_VOX_OFFSET = 352;

    private NiftiReader() {}

    /**
     * Reads the NIfTI-1 image in {@code file}, opening it with {@link FileOpener#REGULAR}.
     *
     * @param file the image ({@code .nii} or {@code .nii.gz})
     * @return the image, its slices in display order, with the file's scaling; it holds the only reference to its
     *         pixels
     * @throws DatasetException when the file cannot be used; the message names it and says why
     */
    public static ImageVolume read(Path file) {
        return read(file, FileOpener.REGULAR);
    }

    /**
     * As {@link #read(Path)}, opening the file through {@code opener}.
     *
     * @param file   the image
     * @param opener opens it, or refuses it with a {@link DatasetException}; its channel's reads may give up with a
     *               {@link DecodeTimeoutException}, which passes through
     * @return the image, as {@link #read(Path)} returns it
     * @throws DatasetException when the file cannot be used or {@code opener} refuses it
     */
    public static ImageVolume read(Path file, FileOpener opener) {
        try (SeekableByteChannel ch = MetaImageReader.open(opener, file)) {
            return read(file, ch);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read: " + e, e);
        }
    }

    private static ImageVolume read(Path file, SeekableByteChannel ch) {
        long fileLength;
        try {
            fileLength = ch.size();
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read: " + e, e);
        }
        boolean gzip = startsWithGzipMagic(file, ch);
        // both closed: a GZIPInputStream's close ends its Inflater, whose native memory would otherwise wait for a GC.
        // The buffer serves the small reads (header, gzip's header, extensions); reads as large as it (the voxels,
        // gzip's 64 KiB input) bypass it, so a larger one would only be allocated and zeroed per file
        try (InputStream raw = new BufferedInputStream(Channels.newInputStream(ch), 8192);
                InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
            byte[] hdr = new byte[HEADER];
            try {
                Payload.readFully(in, hdr, 0, HEADER);
            } catch (EOFException e) {
                throw new DatasetException(
                        file, (gzip ? "decompresses to" : "is") + " less than the " + HEADER + "-byte NIfTI-1 header");
            }
            Header h = Header.parse(file, hdr);
            long need = h.voxOffset + h.payload;
            if (gzip) {
                if (need > fileLength * Payload.MAX_DEFLATE_RATIO + 1024) {
                    throw new DatasetException(
                            file,
                            "claims " + need + " bytes (vox_offset " + h.voxOffset + " + " + h.describe() + ") from "
                                    + fileLength + " gzip bytes, more than gzip can produce");
                }
            } else if (fileLength != need) {
                throw new DatasetException(
                        file,
                        "is " + fileLength + " bytes long but vox_offset " + h.voxOffset + " + " + h.describe()
                                + " needs " + need);
            }
            skip(file, in, h.voxOffset - HEADER);
            byte[] data = Payload.allocate(file, h.payload);
            try {
                Payload.readFully(in, data, 0, h.payload);
            } catch (EOFException e) {
                throw new DatasetException(
                        file,
                        (gzip ? "decompresses to" : "holds") + " less than vox_offset " + h.voxOffset + " + "
                                + h.describe() + " = " + need + " bytes");
            }
            if (in.read() >= 0) {
                throw new DatasetException(
                        file,
                        "decompresses to more than vox_offset " + h.voxOffset + " + " + h.describe() + " = " + need
                                + " bytes");
            }
            if (h.order == ByteOrder.BIG_ENDIAN) {
                ImageVolume.swapInPlace(data, h.type.bytes());
            }
            return new ImageVolume(file, h.width, h.height, h.depth, h.spacing, h.type, h.slope, h.inter, data);
        } catch (IOException e) {
            throw new DatasetException(file, (gzip ? "is not a valid gzip stream: " : "cannot be read: ") + e, e);
        }
    }

    /** Whether the file starts with gzip's two magic bytes; the channel is left at its start. */
    private static boolean startsWithGzipMagic(Path file, SeekableByteChannel ch) {
        ByteBuffer magic = ByteBuffer.allocate(2);
        try {
            while (magic.hasRemaining() && ch.read(magic) >= 0) {
                // a channel may return fewer bytes than asked
            }
            ch.position(0);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read: " + e, e);
        }
        return magic.position() == 2 && (magic.get(0) & 0xff) == 0x1f && (magic.get(1) & 0xff) == 0x8b;
    }

    private static void skip(Path file, InputStream in, long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        long left = n;
        while (left > 0) {
            int r = in.read(scratch, 0, (int) Math.min(left, scratch.length));
            if (r < 0) {
                throw new DatasetException(
                        file, "ends inside the header extensions, before vox_offset " + (HEADER + n));
            }
            left -= r;
        }
    }

    /** The validated fields of a NIfTI-1 header. */
    static final class Header {
        ByteOrder order;
        int width;
        int height;
        int depth;
        double[] spacing;
        ElementType type;
        long voxOffset;
        double slope = 1;
        double inter = 0;
        int payload;
        long[] dims;

        String describe() {
            return "dim " + Payload.describe(dims) + " of " + type + " (" + payload + " bytes)";
        }

        static Header parse(Path file, byte[] hdr) {
            Header h = new Header();
            h.order = byteOrder(file, hdr);
            checkMagic(file, hdr);
            ByteBuffer b = ByteBuffer.wrap(hdr).order(h.order);
            int nDims = b.getShort(40);
            if (nDims < 2 || nDims > 7) {
                throw new DatasetException(file, "dim[0] must be 2 to 7 but was " + nDims);
            }
            long[] dims = new long[nDims];
            int sliceAxis = -1;
            for (int i = 1; i <= nDims; i++) {
                int d = b.getShort(40 + 2 * i);
                if (d < 1) {
                    throw new DatasetException(file, "dim[" + i + "] must be >= 1 but was " + d);
                }
                dims[i - 1] = d;
                if (i >= 3 && d > 1) {
                    if (sliceAxis >= 0) {
                        throw new DatasetException(
                                file,
                                "dim " + describeDims(b, nDims)
                                        + " is not supported: only 2-D images and one axis of slices or frames");
                    }
                    sliceAxis = i;
                }
            }
            h.dims = dims;
            int code = b.getShort(70);
            h.type = ElementType.ofNiftiCode(code);
            if (h.type == null) {
                throw new DatasetException(
                        file,
                        "datatype " + code + " is not supported (supported: 2 uint8, "
                                + "4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, 768 uint32)");
            }
            int bitpix = b.getShort(72);
            if (bitpix != 8 * h.type.bytes()) {
                throw new DatasetException(
                        file,
                        "bitpix " + bitpix + " does not match datatype " + code + " (" + h.type + ", "
                                + 8 * h.type.bytes() + " bits)");
            }
            h.payload = Payload.size(file, dims, h.type.bytes(), "dim");
            float vox = b.getFloat(108);
            if (!(vox >= MIN_VOX_OFFSET) || vox != Math.rint(vox) || vox > Payload.MAX_BYTES) {
                throw new DatasetException(
                        file,
                        "vox_offset must be an integer from " + MIN_VOX_OFFSET + " to " + Payload.MAX_BYTES
                                + " but was " + vox);
            }
            h.voxOffset = (long) vox;
            float slope = b.getFloat(112);
            float inter = b.getFloat(116);
            if (slope != 0 && !Float.isNaN(slope)) {
                if (Float.isInfinite(slope) || Float.isInfinite(inter)) {
                    throw new DatasetException(
                            file, "scl_slope " + slope + " / scl_inter " + inter + " must be finite");
                }
                h.slope = slope;
                h.inter = Float.isNaN(inter) ? 0 : inter;
            }
            h.width = (int) dims[0];
            h.height = (int) dims[1];
            h.depth = sliceAxis < 0 ? 1 : (int) dims[sliceAxis - 1];
            int axes = nDims == 2 ? 2 : 3;
            h.spacing = new double[axes];
            for (int a = 0; a < axes; a++) {
                int index = a < 2 ? a + 1 : (sliceAxis < 0 ? 3 : sliceAxis);
                double p = Math.abs(b.getFloat(76 + 4 * index));
                if (!Double.isFinite(p) || (a < 2 && p == 0)) {
                    throw new DatasetException(
                            file,
                            "pixdim[" + index + "] must be a finite number" + (a < 2 ? " other than 0" : "")
                                    + " but was " + b.getFloat(76 + 4 * index));
                }
                h.spacing[a] = p;
            }
            return h;
        }

        /** The byte order in which {@code sizeof_hdr} reads 348; NIfTI-2 and anything else refused. */
        private static ByteOrder byteOrder(Path file, byte[] hdr) {
            int size = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (size == HEADER) {
                return ByteOrder.LITTLE_ENDIAN;
            }
            if (Integer.reverseBytes(size) == HEADER) {
                return ByteOrder.BIG_ENDIAN;
            }
            if (size == 540 || Integer.reverseBytes(size) == 540) {
                throw new DatasetException(file, "is a NIfTI-2 file (sizeof_hdr 540): only NIfTI-1 is supported");
            }
            throw new DatasetException(
                    file,
                    "is not a NIfTI-1 file: sizeof_hdr is " + size + " (0x" + Integer.toHexString(size)
                            + "), not 348 in either byte order");
        }

        /** Only a single-file NIfTI-1 ({@code n+1}) passes. */
        private static void checkMagic(Path file, byte[] hdr) {
            String magic = new String(hdr, 344, 4, StandardCharsets.ISO_8859_1);
            if (magic.equals("ni1\0")) {
                throw new DatasetException(
                        file,
                        "is the header of a NIfTI-1 .hdr/.img pair (magic ni1): only "
                                + "single-file .nii/.nii.gz is supported");
            }
            if (magic.startsWith("n+2")) {
                throw new DatasetException(file, "is a NIfTI-2 file (magic n+2): only NIfTI-1 is supported");
            }
            if (!magic.equals("n+1\0")) {
                throw new DatasetException(
                        file, "has the wrong magic '" + printable(magic) + "' (NIfTI-1 single files have 'n+1')");
            }
        }

        private static String describeDims(ByteBuffer b, int nDims) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= nDims; i++) {
                sb.append(i == 1 ? "" : "x").append(b.getShort(40 + 2 * i));
            }
            return sb.toString();
        }

        private static String printable(String s) {
            StringBuilder sb = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (c >= 32 && c < 127) {
                    sb.append(c);
                } else {
                    sb.append(String.format("\\x%02x", (int) c));
                }
            }
            return sb.toString();
        }
    }
}
