package org.etab.decode;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * Size checks and bounded reads shared by the readers. Every method either returns exactly the bytes the
 * header promised or throws a {@link DatasetException} naming the file; sizes are checked before anything
 * is allocated.
 */
final class Payload {
    /** The largest image payload accepted (1 GiB): far above any echocardiography sequence. */
    static final long MAX_BYTES = 1L << 30;
    /**
     * Deflate cannot expand data by more than about 1032:1 (a 258-byte match coded in one bit, plus
     * framing); a header that claims more than this many times the compressed size lies.
     */
    static final long MAX_DEFLATE_RATIO = 1032;

    /** One image's bytes may take at most this share of the Java heap (1/8): decode threads read images at once. */
    static final int HEAP_SHARE = 8;

    private Payload() {}

    /**
     * The array for {@code n} bytes of {@code file}'s image: refused when {@code n} is more than a
     * {@linkplain #HEAP_SHARE share} of the heap, and a heap that cannot hold it now (other threads' images in it)
     * fails this file rather than the run. A small compressed file may claim up to {@link #MAX_BYTES}.
     *
     * @throws DatasetException naming the file, the bytes and the heap's limit
     */
    static byte[] allocate(Path file, int n) {
        long heap = Runtime.getRuntime().maxMemory();
        if (n > heap / HEAP_SHARE) {
            throw new DatasetException(
                    file,
                    "its " + n + " data bytes are more than the 1/" + HEAP_SHARE + " of the " + heap
                            + "-byte Java heap (-Xmx) one image may take");
        }
        try {
            return new byte[n];
        } catch (OutOfMemoryError e) { // one large array refused: nothing else was touched, the run goes on
            throw new DatasetException(
                    file,
                    "its " + n + " data bytes do not fit in the " + heap
                            + "-byte Java heap (-Xmx) now, beside the other images being read");
        }
    }

    /**
     * The payload size of {@code dims} elements of {@code elementBytes} bytes each.
     *
     * @throws DatasetException when a dimension is below 1 or the product exceeds {@link #MAX_BYTES}
     */
    static int size(Path file, long[] dims, int elementBytes, String what) {
        long n = elementBytes;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 1) {
                throw new DatasetException(file, what + "[" + i + "] must be >= 1 but was " + dims[i]);
            }
            if (dims[i] > MAX_BYTES || n * dims[i] > MAX_BYTES) { // no overflow: both factors <= 2^30
                throw new DatasetException(
                        file,
                        what + " " + describe(dims) + " x " + elementBytes + " bytes per element is more than the "
                                + MAX_BYTES + "-byte limit");
            }
            n *= dims[i];
        }
        return (int) n;
    }

    static String describe(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    /**
     * Exactly {@code n} bytes at {@code offset} of {@code ch}, the open {@code file}; the caller has checked that the
     * file holds them.
     */
    static byte[] read(Path file, SeekableByteChannel ch, long offset, int n) {
        byte[] out = allocate(file, n);
        try {
            ByteBuffer buf = ByteBuffer.wrap(out);
            long pos = offset;
            ch.position(offset);
            while (buf.hasRemaining()) {
                int r = ch.read(buf);
                if (r < 0) {
                    throw new DatasetException(
                            file,
                            "ends after " + (pos - offset) + " of the " + n + " data bytes expected at offset " + offset
                                    + " (the file changed while reading?)");
                }
                pos += r;
            }
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read: " + e, e);
        }
        return out;
    }

    /**
     * Inflates a complete zlib stream, or a gzip one as MetaIO also reads (it inflates with zlib's automatic header
     * detection), that must produce exactly {@code n} bytes; a zlib stream must also use all of {@code compressed}.
     */
    static byte[] inflate(Path file, byte[] compressed, int n) {
        if (n > compressed.length * MAX_DEFLATE_RATIO + 64) {
            throw new DatasetException(
                    file,
                    "claims " + n + " bytes from " + compressed.length
                            + " compressed bytes, more than zlib can produce");
        }
        if (compressed.length >= 2 && (compressed[0] & 0xFF) == 0x1f && (compressed[1] & 0xFF) == 0x8b) {
            return gunzip(file, compressed, n); // no zlib stream starts so: its first byte's low bits must be 8
        }
        byte[] out = allocate(file, n);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            int got = 0;
            while (got < n) {
                int r = inflater.inflate(out, got, n - got);
                got += r;
                if (r == 0) { // all input was given: no progress means the stream ended or is stuck
                    throw new DatasetException(
                            file,
                            "compressed data ends after " + got + " of the " + n
                                    + " bytes that DimSize and ElementType require");
                }
            }
            if (!inflater.finished()) {
                byte[] one = new byte[1];
                if (inflater.inflate(one) > 0) {
                    throw new DatasetException(
                            file,
                            "compressed data holds more than the " + n + " bytes that DimSize and ElementType require");
                }
                if (!inflater.finished()) {
                    throw new DatasetException(file, "compressed data is truncated (no end of zlib stream)");
                }
            }
            if (inflater.getRemaining() > 0) {
                throw new DatasetException(
                        file,
                        inflater.getRemaining()
                                + " bytes follow the end of the zlib stream (CompressedDataSize too large?)");
            }
        } catch (DataFormatException e) {
            throw new DatasetException(file, "compressed data is not a valid zlib stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out;
    }

    /** {@link #inflate} of gzip data: exactly {@code n} bytes, its CRC checked. */
    private static byte[] gunzip(Path file, byte[] compressed, int n) {
        byte[] out = allocate(file, n);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 1 << 16)) {
            try {
                readFully(in, out, 0, n);
            } catch (EOFException e) {
                throw new DatasetException(
                        file,
                        "compressed data (gzip) ends before the " + n + " bytes that DimSize and ElementType require");
            }
            if (in.read() >= 0) {
                throw new DatasetException(
                        file,
                        "compressed data (gzip) holds more than the " + n
                                + " bytes that DimSize and ElementType require");
            }
        } catch (IOException e) {
            throw new DatasetException(file, "compressed data is not a valid gzip stream: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Reads exactly {@code out.length} bytes from {@code in} into {@code out}.
     *
     * @throws EOFException when the stream ends first
     */
    static void readFully(InputStream in, byte[] out, int off, int len) throws IOException {
        int got = 0;
        while (got < len) {
            int r = in.read(out, off + got, len - got);
            if (r < 0) {
                throw new EOFException("stream ends after " + got + " of " + len + " bytes");
            }
            got += r;
        }
    }
}
