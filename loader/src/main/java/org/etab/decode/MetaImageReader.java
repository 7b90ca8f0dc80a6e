package org.etab.decode;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads an ITK MetaImage: a {@code .mhd}/{@code .mha} text header with the data in a sibling file
 * ({@code .raw}, or {@code .zraw} when compressed) or after the header in the same file
 * ({@code ElementDataFile = LOCAL}).
 *
 * <p>Contract:
 * <ul>
 *   <li>Header: {@code Key = Value} lines (UTF-8) up to and including the {@code ElementDataFile} line, which ends
 *       the header (at most {@value #MAX_HEADER} bytes). Keys match in any case; unknown keys (Offset,
 *       TransformMatrix, CenterOfRotation, AnatomicalOrientation, ...) are ignored; a key given twice, a line
 *       without {@code =}, or a header without {@code ElementDataFile} is an error.</li>
 *   <li>Supported: {@code ObjectType = Image} (when present), {@code NDims} 2 or 3 (more when every extra
 *       size is 1), {@code BinaryData = True}, one channel, the element types of {@link ElementType}, either
 *       byte order ({@code BinaryDataByteOrderMSB} or {@code ElementByteOrderMSB}), zlib compression
 *       ({@code CompressedData}; a gzip stream too, as MetaIO accepts; {@code CompressedDataSize} optional, then
 *       the rest of the file; a missing data file {@code x.raw} whose {@code x.raw.gz} exists is read from that,
 *       as compressed data, as MetaIO does).
 *       {@code ElementDataFile} must be {@code LOCAL} or the name of a file in the header's own directory,
 *       spaces allowed and optionally after {@code ./}, as MetaIO reads it: other path separators, {@code ..},
 *       or a file list or pattern (a value starting {@code LIST}, or holding {@code %}) are rejected before any
 *       file is opened.</li>
 *   <li>{@code HeaderSize}: bytes before the data in the data file (for {@code LOCAL}, counted from the
 *       start of the file and so at least the text header's length); {@code -1} means the data is the
 *       last bytes of the file. Without it the data starts right after the text header (LOCAL) or at byte 0.</li>
 *   <li>Sizes: every size is checked before anything is allocated; the payload must be at most
 *       {@link Payload#MAX_BYTES}; the bytes between the data offset and the end of the file must be exactly
 *       the payload (uncompressed) or exactly {@code CompressedDataSize}; compressed data must inflate to
 *       exactly the payload.</li>
 *   <li>Orientation: {@code DimSize = x y [z]}, x fastest; x is the column, y the row (row 0 at the top, as
 *       ITK and SimpleITK display it) and z the slice. For CAMUS this shows an apical view with the apex at
 *       the top.</li>
 *   <li>Errors: every problem is a {@link DatasetException} naming the file at fault (the header or the
 *       data file) and the reason; nothing else escapes for bad input.</li>
 * </ul>
 *
 * <p>Threading: {@link #read} is a pure function of the files; call it from any thread.
 */
public final class MetaImageReader {
    /** The largest text header accepted. */
    static final int MAX_HEADER = 64 * 1024;

    private MetaImageReader() {}

    /**
     * Reads the image whose header is {@code mhd}, opening it and its data file with {@link FileOpener#REGULAR}.
     *
     * @param mhd the header ({@code .mhd} or {@code .mha})
     * @return the image, its slices in display order; it holds the only reference to its pixels
     * @throws DatasetException when the header or its data cannot be used; the message names the file
     */
    public static ImageVolume read(Path mhd) {
        return read(mhd, FileOpener.REGULAR);
    }

    /**
     * As {@link #read(Path)}, opening the header and its data file only through {@code opener} (each once).
     *
     * @param mhd    the header
     * @param opener opens the header and the data file the header names ({@code ElementDataFile}), or refuses one
     *               with a {@link DatasetException}; its channels' reads may give up with a
     *               {@link DecodeTimeoutException}, which passes through
     * @return the image, as {@link #read(Path)} returns it
     * @throws DatasetException when the header or its data cannot be used, or {@code opener} refuses a file
     */
    public static ImageVolume read(Path mhd, FileOpener opener) {
        try (SeekableByteChannel header = open(opener, mhd)) {
            return read(mhd, header, opener);
        } catch (IOException e) {
            throw new DatasetException(mhd, "cannot be read: " + e, e);
        }
    }

    private static ImageVolume read(Path mhd, SeekableByteChannel headerChannel, FileOpener opener) throws IOException {
        long fileLength = headerChannel.size();
        MetaImageHeader h = MetaImageHeader.parse(mhd, headerChannel, fileLength);
        Pixels pixels = pixels(mhd, h);
        String dataName = h.require("ElementDataFile");
        if (dataName.equalsIgnoreCase("LOCAL")) {
            if (pixels.headerSize > 0 && pixels.headerSize < h.end) {
                throw new DatasetException(
                        mhd,
                        "HeaderSize " + pixels.headerSize + " is inside the text header, which ends at byte " + h.end
                                + " (for ElementDataFile = LOCAL it counts from the start of the file)");
            }
            return readData(mhd, mhd, headerChannel, fileLength, h.end, pixels, pixels.compressed);
        }
        Path dataFile = sibling(mhd, dataName);
        Path gzipped = gzipped(dataFile);
        if (gzipped != null) {
            dataFile = gzipped;
        }
        try (SeekableByteChannel data = openData(opener, dataFile, mhd)) {
            return readData(mhd, dataFile, data, size(dataFile, data), 0, pixels, pixels.compressed || gzipped != null);
        }
    }

    /** The data file opened; a refusal names the header too, which is where a user finds the name (a copied header). */
    private static SeekableByteChannel openData(FileOpener opener, Path dataFile, Path mhd) {
        try {
            return open(opener, dataFile);
        } catch (DatasetException e) {
            if (e.getClass() != DatasetException.class || !dataFile.equals(e.file())) {
                throw e;
            }
            throw new DatasetException(dataFile, e.reason() + " (the ElementDataFile of " + mhd + ")", e);
        }
    }

    /**
     * What the header says of the pixels, each value checked before anything is allocated.
     *
     * @param headerSize bytes before the data (0: none stated), or -1: the data is the file's last bytes
     * @param compressedSize the stored size of compressed data, or -1 when not stated
     * @param payload the pixels' size in bytes, within {@link Payload#MAX_BYTES}
     */
    private record Pixels(
            long[] dims,
            ElementType type,
            double[] spacing,
            boolean msb,
            boolean compressed,
            long headerSize,
            long compressedSize,
            int payload) {}

    private static Pixels pixels(Path mhd, MetaImageHeader h) {
        String obj = h.get("ObjectType");
        if (obj != null && !obj.equalsIgnoreCase("Image")) {
            throw new DatasetException(mhd, "ObjectType must be Image but was '" + obj + "'");
        }
        String binary = h.get("BinaryData");
        if (binary != null && !h.bool("BinaryData", binary)) {
            throw new DatasetException(mhd, "BinaryData = False (ASCII element data) is not supported");
        }
        long claimedDims = h.longs("NDims", 1, 1)[0];
        if (claimedDims < 2 || claimedDims > 10) { // checked as read: 4294967298 must not pass as 2
            throw new DatasetException(mhd, "NDims must be 2 or 3 but was " + claimedDims);
        }
        int nDims = (int) claimedDims;
        long[] dims = h.longs("DimSize", nDims, nDims);
        for (int i = 0; i < nDims; i++) {
            if (dims[i] < 1) {
                throw new DatasetException(mhd, "DimSize[" + i + "] must be >= 1 but was " + dims[i]);
            }
            if (i >= 3 && dims[i] != 1) {
                throw new DatasetException(
                        mhd,
                        "NDims = " + nDims + " with DimSize " + Payload.describe(dims)
                                + " is not supported: only 2-D images and 3-D sequences (extra sizes must be 1)");
            }
        }
        String typeName = h.require("ElementType");
        ElementType type = ElementType.ofMetName(typeName);
        if (type == null) {
            throw new DatasetException(
                    mhd,
                    "ElementType '" + typeName + "' is not supported (supported: "
                            + "MET_UCHAR, MET_CHAR, MET_USHORT, MET_SHORT, MET_UINT, MET_INT, MET_FLOAT, MET_DOUBLE)");
        }
        String channels = h.get("ElementNumberOfChannels");
        if (channels != null && h.longs("ElementNumberOfChannels", 1, 1)[0] != 1) {
            throw new DatasetException(
                    mhd,
                    "ElementNumberOfChannels = " + channels
                            + " is not supported: only single-channel (gray or label) images");
        }
        double[] spacing = spacing(h, nDims, Math.min(nDims, 3));
        boolean msb = h.flag("BinaryDataByteOrderMSB", "ElementByteOrderMSB");
        boolean compressed = h.flag("CompressedData");
        long headerSize = 0;
        if (h.get("HeaderSize") != null) {
            headerSize = h.longs("HeaderSize", 1, 1)[0];
            if (headerSize < -1) {
                throw new DatasetException(mhd, "HeaderSize must be >= 0 or -1 but was " + headerSize);
            }
        }
        long compressedSize = -1;
        if (h.get("CompressedDataSize") != null) {
            compressedSize = h.longs("CompressedDataSize", 1, 1)[0];
            if (compressedSize < 1) {
                throw new DatasetException(mhd, "CompressedDataSize must be >= 1 but was " + compressedSize);
            }
        }
        int payload = Payload.size(mhd, dims, type.bytes(), "DimSize");
        return new Pixels(dims, type, spacing, msb, compressed, headerSize, compressedSize, payload);
    }

    /**
     * Reads the pixels from {@code data}, the header's own file or the one it names, checking first that the bytes
     * from the data's offset to the end of the file are exactly what the header says they are.
     *
     * @param start the first byte the data may occupy: after the text header in the header's file, else 0
     */
    private static ImageVolume readData(
            Path mhd,
            Path dataFile,
            SeekableByteChannel data,
            long dataFileLength,
            long start,
            Pixels p,
            boolean compressed) {
        long offset = p.headerSize > 0 ? p.headerSize : start;
        long stored = compressed ? p.compressedSize : p.payload;
        if (p.headerSize == -1) { // the data is the file's last bytes
            if (stored < 0) {
                throw new DatasetException(mhd, "HeaderSize = -1 with compressed data needs CompressedDataSize");
            }
            offset = dataFileLength - stored;
            if (offset < start) {
                throw new DatasetException(
                        dataFile,
                        "holds " + (dataFileLength - start) + " data bytes but "
                                + need(compressed, p.dims, p.type, stored) + " (HeaderSize = -1)");
            }
        }
        if (offset > dataFileLength) {
            throw new DatasetException(
                    dataFile, "is " + dataFileLength + " bytes long but its data should start at byte " + offset);
        }
        long available = dataFileLength - offset;
        if (stored < 0) {
            stored = available; // compressed, size not given: the rest of the file
        }
        if (available != stored) {
            throw new DatasetException(
                    dataFile,
                    "holds " + available + " data bytes from offset " + offset + " but "
                            + need(compressed, p.dims, p.type, stored));
        }
        if (compressed && stored > Payload.MAX_BYTES) {
            throw new DatasetException(
                    dataFile,
                    "compressed data of " + stored + " bytes is more than the " + Payload.MAX_BYTES + "-byte limit");
        }
        byte[] bytes = compressed
                ? Payload.inflate(dataFile, Payload.read(dataFile, data, offset, (int) stored), p.payload)
                : Payload.read(dataFile, data, offset, p.payload);
        if (p.msb) {
            ImageVolume.swapInPlace(bytes, p.type.bytes());
        }
        int depth = p.dims.length >= 3 ? (int) p.dims[2] : 1;
        return new ImageVolume(mhd, (int) p.dims[0], (int) p.dims[1], depth, p.spacing, p.type, 1, 0, bytes);
    }

    private static String need(boolean compressed, long[] dims, ElementType type, long stored) {
        return compressed
                ? "CompressedDataSize is " + stored
                : "DimSize " + Payload.describe(dims) + " of " + type.metName() + " needs " + stored;
    }

    private static double[] spacing(MetaImageHeader h, int nDims, int spatial) {
        String key = h.get("ElementSpacing") != null
                ? "ElementSpacing"
                : h.get("ElementSize") != null ? "ElementSize" : null;
        double[] out = new double[spatial];
        if (key == null) {
            java.util.Arrays.fill(out, 1.0);
            return out;
        }
        String[] parts = h.require(key).trim().split("\\s+");
        if (parts.length != nDims) {
            throw new DatasetException(
                    h.file, key + " must have " + nDims + " values (NDims) but was '" + h.get(key) + "'");
        }
        for (int i = 0; i < spatial; i++) {
            double d;
            try {
                d = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!Double.isFinite(d) || d <= 0) {
                throw new DatasetException(
                        h.file, key + "[" + i + "] must be a finite number > 0 but was '" + parts[i] + "'");
            }
            out[i] = d;
        }
        return out;
    }

    /** The data file named by ElementDataFile: a plain name in the header's directory, nothing else. */
    private static Path sibling(Path mhd, String name) {
        // a file list or pattern as ITK's MetaIO tells them: a value starting LIST (that case only) or holding '%';
        // anything else is one file, spaces and all ("my image.raw", "listing.raw")
        if (name.startsWith("LIST") || name.indexOf('%') >= 0) {
            throw new DatasetException(
                    mhd,
                    "ElementDataFile '" + name + "' (a file list or pattern) is not supported: one data file or LOCAL");
        }
        String plain = name;
        while (plain.startsWith("./")) { // the header's own directory, spelt out: MetaIO resolves it there too
            plain = plain.substring(2);
        }
        if (plain.isEmpty()
                || plain.equals(".")
                || plain.equals("..")
                || plain.indexOf('/') >= 0
                || plain.indexOf('\\') >= 0
                || plain.indexOf(':') >= 0
                || plain.indexOf('\0') >= 0) {
            throw new DatasetException(
                    mhd, "ElementDataFile '" + name + "' must be LOCAL or the name of a file in the same directory");
        }
        Path dir = mhd.toAbsolutePath().getParent();
        Path resolved;
        try {
            resolved = dir == null ? Path.of(plain) : dir.resolve(plain);
        } catch (InvalidPathException e) {
            throw new DatasetException(mhd, "ElementDataFile '" + name + "' is not a valid file name");
        }
        // both sides normalised: a header path through '.' or '..' ("./w.mhd", "sub/../w.mhd") keeps its data file
        if (dir != null && !dir.normalize().equals(resolved.normalize().getParent())) {
            throw new DatasetException(mhd, "ElementDataFile '" + name + "' lies outside the header's directory");
        }
        return resolved;
    }

    /**
     * {@code name.gz} when the data file {@code name} does not exist but it does: MetaIO then reads that file as
     * compressed data, so a copy whose data files were gzipped in place still loads. Only looked up, never opened.
     */
    private static Path gzipped(Path dataFile) {
        if (Files.exists(dataFile, LinkOption.NOFOLLOW_LINKS)) {
            return null; // a dangling link included: opening it says so
        }
        Path gz = dataFile.resolveSibling(dataFile.getFileName() + ".gz");
        return Files.exists(gz, LinkOption.NOFOLLOW_LINKS) ? gz : null;
    }

    /** {@code file} opened by {@code opener}; an I/O error names it. */
    static SeekableByteChannel open(FileOpener opener, Path file) {
        try {
            return opener.open(file);
        } catch (IOException | SecurityException e) {
            throw new DatasetException(file, "cannot be opened: " + e, e);
        }
    }

    private static long size(Path file, SeekableByteChannel ch) {
        try {
            return ch.size();
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read: " + e, e);
        }
    }
}
