package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** MetaImage files laid out by hand (text headers, ByteBuffer data), independent of {@link MetaImageWriter}. */
class MetaImageReaderTest {
    @TempDir
    Path dir;

    /** A 3-wide, 2-high image: value = 10*row + col, so (row 1, col 2) = 12 marks the corner. */
    private static final int W = 3, H = 2;

    static String header(int nDims, String dimSize, String type, boolean msb, String extra, String dataFile) {
        return "ObjectType = Image\n"
                + "NDims = " + nDims + "\n"
                + "BinaryData = True\n"
                + "BinaryDataByteOrderMSB = " + (msb ? "True" : "False") + "\n"
                + "TransformMatrix = 1 0 0 1\n"
                + "Offset = 0 0\n"
                + "CenterOfRotation = 0 0\n"
                + "AnatomicalOrientation = RA\n"
                + "ElementSpacing = 0.5 0.25" + (nDims == 3 ? " 1" : "") + "\n"
                + "DimSize = " + dimSize + "\n"
                + extra
                + "ElementType = " + type + "\n"
                + "ElementDataFile = " + dataFile + "\n";
    }

    /** Elements of {@code type} holding {@code values}, in the given order. */
    static byte[] encode(ElementType type, ByteOrder order, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.bytes()).order(order);
        for (double v : values) {
            switch (type) {
                case UINT8:
                case INT8:
                    b.put((byte) (long) v);
                    break;
                case UINT16:
                case INT16:
                    b.putShort((short) (long) v);
                    break;
                case UINT32:
                case INT32:
                    b.putInt((int) (long) v);
                    break;
                case FLOAT32:
                    b.putFloat((float) v);
                    break;
                case FLOAT64:
                    b.putDouble(v);
                    break;
                default:
                    throw new AssertionError(type);
            }
        }
        return b.array();
    }

    static double[] marked() {
        double[] v = new double[W * H];
        for (int r = 0; r < H; r++) {
            for (int c = 0; c < W; c++) {
                v[r * W + c] = 10 * r + c;
            }
        }
        return v;
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    Path writeText(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] data) {
        Deflater d = new Deflater(6);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 64];
        int n = d.deflate(buf);
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }

    static byte[] slice(ImageVolume v, int z) {
        byte[] out = new byte[v.width() * v.height()];
        v.sliceAsUint8(z, out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void everyElementTypeBothByteOrdersSeparateFile(ElementType type) throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            String base = type + "_" + (order == ByteOrder.BIG_ENDIAN ? "be" : "le");
            write(base + ".raw", encode(type, order, marked()));
            Path mhd = writeText(
                    base + ".mhd",
                    header(2, W + " " + H, type.metName(), order == ByteOrder.BIG_ENDIAN, "", base + ".raw"));
            ImageVolume v = MetaImageReader.read(mhd);
            assertThat(v.type()).isEqualTo(type);
            assertThat(v.width()).isEqualTo(W);
            assertThat(v.height()).isEqualTo(H);
            assertThat(v.depth()).isEqualTo(1);
            assertThat(v.spacing()).containsExactly(0.5, 0.25);
            assertThat(v.value(2, 1, 0)).isEqualTo(12.0);
            assertThat(slice(v, 0)).containsExactly(0, 1, 2, 10, 11, 12);
            assertThat(v.source()).isEqualTo(mhd.toString());
        }
    }

    @Test
    void signedAndWideValuesKeepTheirRange() throws IOException {
        double[] values = {-1, -32768, 32767, 0, 1, 2};
        write("s.raw", encode(ElementType.INT16, ByteOrder.BIG_ENDIAN, values));
        ImageVolume v = MetaImageReader.read(writeText("s.mhd", header(2, "3 2", "MET_SHORT", true, "", "s.raw")));
        assertThat(v.value(0, 0, 0)).isEqualTo(-1);
        assertThat(v.value(1, 0, 0)).isEqualTo(-32768);
        assertThat(v.value(2, 0, 0)).isEqualTo(32767);
        assertThat(slice(v, 0)).containsExactly(0, 0, (byte) 255, 0, 1, 2); // clamped

        write("u.raw", encode(ElementType.UINT32, ByteOrder.LITTLE_ENDIAN, 4_000_000_000.0, 0, 1, 2, 3, 4));
        ImageVolume u = MetaImageReader.read(writeText("u.mhd", header(2, "3 2", "MET_UINT", false, "", "u.raw")));
        assertThat(u.value(0, 0, 0)).isEqualTo(4_000_000_000.0);

        write("f.raw", encode(ElementType.FLOAT64, ByteOrder.BIG_ENDIAN, 0.49, 0.5, 254.5, Double.NaN, -3, 1e300));
        ImageVolume f = MetaImageReader.read(writeText("f.mhd", header(2, "3 2", "MET_DOUBLE", true, "", "f.raw")));
        assertThat(slice(f, 0)).containsExactly(0, 1, (byte) 255, 0, 0, (byte) 255);
    }

    @Test
    void threeDimensionalSequenceSlicesInOrder() throws IOException {
        double[] v = new double[W * H * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        write("seq.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, v));
        ImageVolume vol =
                MetaImageReader.read(writeText("seq.mhd", header(3, "3 2 4", "MET_UCHAR", false, "", "seq.raw")));
        assertThat(vol.depth()).isEqualTo(4);
        assertThat(vol.spacing()).containsExactly(0.5, 0.25, 1.0);
        assertThat(slice(vol, 2)).containsExactly(12, 13, 14, 15, 16, 17);
        assertThat(vol.value(1, 1, 3)).isEqualTo(22);
    }

    @Test
    void localDataAfterTheHeader() throws IOException {
        byte[] data = encode(ElementType.UINT16, ByteOrder.LITTLE_ENDIAN, marked());
        Path mha = write(
                "l.mha",
                concat(header(2, "3 2", "MET_USHORT", false, "", "LOCAL").getBytes(StandardCharsets.US_ASCII), data));
        assertThat(slice(MetaImageReader.read(mha), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void localWithCrLfLineEnds() throws IOException {
        byte[] data = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        String text = header(2, "3 2", "MET_UCHAR", false, "", "LOCAL").replace("\n", "\r\n");
        Path mha = write("crlf.mha", concat(text.getBytes(StandardCharsets.US_ASCII), data));
        assertThat(slice(MetaImageReader.read(mha), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void compressedSeparateZraw() throws IOException {
        byte[] z = zlib(encode(ElementType.INT32, ByteOrder.BIG_ENDIAN, marked()));
        write("c.zraw", z);
        Path mhd = writeText(
                "c.mhd",
                header(
                        2,
                        "3 2",
                        "MET_INT",
                        true,
                        "CompressedData = True\nCompressedDataSize = " + z.length + "\n",
                        "c.zraw"));
        assertThat(slice(MetaImageReader.read(mhd), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void compressedLocalWithAndWithoutSize() throws IOException {
        byte[] z = zlib(encode(ElementType.FLOAT32, ByteOrder.LITTLE_ENDIAN, marked()));
        Path a = write(
                "cl.mha",
                concat(
                        header(
                                        2,
                                        "3 2",
                                        "MET_FLOAT",
                                        false,
                                        "CompressedData = True\nCompressedDataSize = " + z.length + "\n",
                                        "LOCAL")
                                .getBytes(StandardCharsets.US_ASCII),
                        z));
        assertThat(slice(MetaImageReader.read(a), 0)).containsExactly(0, 1, 2, 10, 11, 12);
        Path b = write(
                "cl2.mha",
                concat(
                        header(2, "3 2", "MET_FLOAT", false, "CompressedData = True\n", "LOCAL")
                                .getBytes(StandardCharsets.US_ASCII),
                        z));
        assertThat(slice(MetaImageReader.read(b), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void gzipCompressedDataIsReadAsMetaIoReadsIt() throws IOException {
        // MetaIO inflates CompressedData with zlib's automatic header detection, so a .zraw gzipped rather than
        // zlib-wrapped (a data file gzipped by hand or by another writer) loads in ITK/SimpleITK; it was refused
        byte[] pixels = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        Path mhd = dir.resolve("g.mhd");
        MetaImageWriter.write(
                mhd, ImageVolume.ofUint8(W, H, 1, new double[] {0.5, 0.25}, pixels, "g.mhd"), true, false);
        String zlibHeader = Files.readString(mhd);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(pixels);
        }
        byte[] gzip = gz.toByteArray();
        write("g.zraw", gzip);
        String sized = zlibHeader.replaceAll("CompressedDataSize = \\d+", "CompressedDataSize = " + gzip.length);
        for (String header : new String[] {sized, sized.replaceAll("CompressedDataSize = \\d+\n", "")}) {
            Files.writeString(mhd, header);
            assertThat(slice(MetaImageReader.read(mhd), 0)).containsExactly(0, 1, 2, 10, 11, 12);
        }
        byte[] badCrc = gzip.clone();
        badCrc[gzip.length - 8] ^= 1;
        write("g.zraw", badCrc);
        assertRejected(mhd, "g.zraw", "not a valid gzip stream");
        write("g.zraw", Arrays.copyOf(gzip, gzip.length - 9));
        Files.writeString(
                mhd, sized.replaceAll("CompressedDataSize = \\d+", "CompressedDataSize = " + (gzip.length - 9)));
        assertRejected(mhd, "g.zraw", "gzip");
    }

    @Test
    void aDataFileGzippedInPlaceIsReadAsMetaIoReadsIt() throws IOException {
        // 'gzip x.raw' leaves x.raw.gz beside a header still naming x.raw: MetaIO then reads x.raw.gz as compressed
        // data, so SimpleITK (and ETAB) load such a copy; here every sample failed 'x.raw: not found'
        byte[] pixels = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        Path mhd = dir.resolve("p.mhd");
        MetaImageWriter.write(
                mhd, ImageVolume.ofUint8(W, H, 1, new double[] {0.5, 0.25}, pixels, "p.mhd"), false, false);
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("p.raw.gz")))) {
            out.write(Files.readAllBytes(dir.resolve("p.raw")));
        }
        Files.delete(dir.resolve("p.raw"));
        assertThat(slice(MetaImageReader.read(mhd), 0)).containsExactly(0, 1, 2, 10, 11, 12);
        // the file the header names wins when it exists, and a missing one without a .gz is named
        write("p.raw", new byte[] {9, 9, 9, 9, 9, 9});
        assertThat(slice(MetaImageReader.read(mhd), 0)).containsExactly(9, 9, 9, 9, 9, 9);
        Files.delete(dir.resolve("p.raw"));
        Files.delete(dir.resolve("p.raw.gz"));
        assertRejected(mhd, "p.raw", "not found");
    }

    @Test
    void rawFileNamedZrawIsReadAsTheHeaderSays() throws IOException {
        // the extension means nothing: CompressedData decides
        write("plain.zraw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        Path mhd = writeText("plain.mhd", header(2, "3 2", "MET_UCHAR", false, "", "plain.zraw"));
        assertThat(slice(MetaImageReader.read(mhd), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void headerSizeSkipsBytesAndMinusOneMeansTheEnd() throws IOException {
        byte[] data = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        write("hs.raw", concat(new byte[] {9, 9, 9, 9, 9}, data));
        Path a = writeText("hs.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = 5\n", "hs.raw"));
        assertThat(slice(MetaImageReader.read(a), 0)).containsExactly(0, 1, 2, 10, 11, 12);
        Path b = writeText("hs2.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = -1\n", "hs.raw"));
        assertThat(slice(MetaImageReader.read(b), 0)).containsExactly(0, 1, 2, 10, 11, 12);
        byte[] local = header(2, "3 2", "MET_UCHAR", false, "HeaderSize = -1\n", "LOCAL")
                .getBytes(StandardCharsets.US_ASCII);
        Path c = write("hs3.mha", concat(local, new byte[] {7, 7}, data));
        assertThat(slice(MetaImageReader.read(c), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void keysInAnyCaseElementSizeAndFourDimsWithTrailingOne() throws IOException {
        write("k.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        Path mhd = writeText(
                "k.mhd",
                "objecttype = image\nndims = 4\nbinarydata = true\n"
                        + "elementbyteordermsb = false\nelementsize = 2 3 4 5\ndimsize = 3 2 1 1\n"
                        + "elementnumberofchannels = 1\nelementtype = met_uchar\nelementdatafile = k.raw\n");
        ImageVolume v = MetaImageReader.read(mhd);
        assertThat(v.depth()).isEqualTo(1);
        assertThat(v.spacing()).containsExactly(2.0, 3.0, 4.0);
        assertThat(slice(v, 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    // ---- bad input -------------------------------------------------------------------------------------

    private void assertRejected(Path file, String... fragments) {
        assertThatThrownBy(() -> MetaImageReader.read(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void truncatedDataIsRejected() throws IOException {
        write("t.raw", new byte[5]);
        Path mhd = writeText("t.mhd", header(2, "3 2", "MET_UCHAR", false, "", "t.raw"));
        assertRejected(mhd, "t.raw", "holds 5 data bytes", "needs 6");
    }

    @Test
    void extraDataIsRejected() throws IOException {
        write("x.raw", new byte[7]);
        assertRejected(writeText("x.mhd", header(2, "3 2", "MET_UCHAR", false, "", "x.raw")), "x.raw", "holds 7");
    }

    @Test
    void dimSizeProductLargerThanTheFile() throws IOException {
        write("big.raw", new byte[6]);
        assertRejected(
                writeText("big.mhd", header(2, "3000 2000", "MET_UCHAR", false, "", "big.raw")),
                "big.raw",
                "needs 6000000");
    }

    /** Hardened before; checked here as hostile input: a claim the file cannot back allocates nothing large. */
    @Test
    void aGigabyteClaimedBySixBytesIsRefusedWithoutAllocatingIt() throws IOException {
        write("claim.raw", new byte[6]);
        Path mhd = writeText("claim.mhd", header(3, "1024 1024 1000", "MET_UCHAR", false, "", "claim.raw"));
        long allocated = PngGrayTest.allocatedBy(() -> assertRejected(mhd, "claim.raw", "needs 1048576000"));
        assertThat(allocated).isLessThan(16L << 20);
    }

    @Test
    void anImageTooLargeForItsShareOfTheHeapFailsItsFileNotTheRun() throws IOException {
        // a file that holds every byte its header claims (sparse: no disk used), but more than one image may take
        long heap = Runtime.getRuntime().maxMemory();
        long rows = heap / Payload.HEAP_SHARE / 4096 + 1;
        org.junit.jupiter.api.Assumptions.assumeTrue(rows * 4096 <= Payload.MAX_BYTES, "a heap above 8 GiB");
        try (java.io.RandomAccessFile raw =
                new java.io.RandomAccessFile(dir.resolve("big.raw").toFile(), "rw")) {
            raw.setLength(rows * 4096);
        }
        Path mhd = writeText("big.mhd", header(2, "4096 " + rows, "MET_UCHAR", false, "", "big.raw"));
        long allocated = PngGrayTest.allocatedBy(() -> assertRejected(
                mhd, "big.raw", "data bytes are more than the 1/8 of the " + heap + "-byte Java heap (-Xmx)"));
        assertThat(allocated).isLessThan(16L << 20);
    }

    @Test
    void absurdAndNegativeDimsAreRejectedBeforeAllocation() throws IOException {
        write("a.raw", new byte[6]);
        assertRejected(
                writeText("a1.mhd", header(2, "2147483648 2", "MET_UCHAR", false, "", "a.raw")), "a1.mhd", "limit");
        assertRejected(
                writeText("a2.mhd", header(3, "65536 65536 65536", "MET_DOUBLE", false, "", "a.raw")),
                "a2.mhd",
                "limit");
        assertRejected(
                writeText("a3.mhd", header(2, "-3 2", "MET_UCHAR", false, "", "a.raw")),
                "a3.mhd",
                "DimSize[0] must be >= 1");
        assertRejected(
                writeText("a4.mhd", header(2, "3 0", "MET_UCHAR", false, "", "a.raw")), "DimSize[1] must be >= 1");
        assertRejected(
                writeText("a5.mhd", header(2, "99999999999999999999 2", "MET_UCHAR", false, "", "a.raw")),
                "DimSize is not a list of integers");
        assertRejected(
                writeText("a6.mhd", header(2, "3 2 1", "MET_UCHAR", false, "", "a.raw")), "DimSize must have 2 values");
        assertRejected(
                writeText(
                        "a7.mhd",
                        header(3, "3 2 1", "MET_UCHAR", false, "", "a.raw").replace("NDims = 3", "NDims = 1")),
                "NDims must be 2 or 3");
        assertRejected( // 2^32 + 2: not 2 once narrowed to an int
                writeText(
                        "a7b.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "", "a.raw").replace("NDims = 2", "NDims = 4294967298")),
                "NDims must be 2 or 3 but was 4294967298");
        assertRejected(
                writeText(
                        "a8.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "", "a.raw")
                                .replace("NDims = 2\n", "NDims = 4\n")
                                .replace("DimSize = 3 2", "DimSize = 3 2 1 2")
                                .replace("ElementSpacing = 0.5 0.25", "ElementSpacing = 1 1 1 1")),
                "only 2-D images");
    }

    @Test
    void unknownElementTypeAndChannelsAndAscii() throws IOException {
        write("e.raw", new byte[6]);
        assertRejected(
                writeText("e1.mhd", header(2, "3 2", "MET_LONG_LONG", false, "", "e.raw")),
                "ElementType 'MET_LONG_LONG' is not supported");
        assertRejected(
                writeText("e2.mhd", header(2, "3 2", "MET_UCHAR", false, "ElementNumberOfChannels = 3\n", "e.raw")),
                "ElementNumberOfChannels = 3");
        assertRejected(
                writeText(
                        "e3.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "", "e.raw")
                                .replace("BinaryData = True", "BinaryData = False")),
                "ASCII");
        assertRejected(
                writeText(
                        "e4.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "", "e.raw")
                                .replace("ObjectType = Image", "ObjectType = Mesh")),
                "ObjectType must be Image");
        assertRejected(
                writeText(
                        "e5.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "", "e.raw")
                                .replace("BinaryDataByteOrderMSB = False", "BinaryDataByteOrderMSB = maybe")),
                "True or False");
        assertRejected(
                writeText(
                        "e6.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "", "e.raw")
                                .replace("ElementSpacing = 0.5 0.25", "ElementSpacing = 0.5 nan")),
                "ElementSpacing[1]");
    }

    @Test
    void dataFileMustStayInTheSameDirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.write(dir.resolve("x.raw"), new byte[6]);
        Path mhd = sub.resolve("p.mhd");
        for (String name : new String[] {
            "../x.raw", "..", dir.resolve("x.raw").toString(), "a/../../x.raw", "..\\x.raw", "LIST", "img%03d.raw 1 4 1"
        }) {
            Files.writeString(mhd, header(2, "3 2", "MET_UCHAR", false, "", name));
            assertRejected(mhd, "p.mhd", "ElementDataFile");
        }
    }

    @Test
    void elementDataFileIsOneFileInTheHeadersDirectoryAsItkReadsIt() throws IOException {
        // written by the phantoms' writer, then the data file named as other tools name it: MetaIO reads each of these
        // as one file beside the header (a list starts with LIST in capitals, a pattern holds '%'); all were refused,
        // and
        // a name outside ASCII (the header in UTF-8, as the file system names it) was read as Latin-1: not found
        byte[] pixels = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        ImageVolume v = ImageVolume.ofUint8(W, H, 1, new double[] {0.5, 0.25}, pixels, "w.mhd");
        Path mhd = dir.resolve("w.mhd");
        for (String name :
                new String[] {"./w.raw", "././w b.raw", "my image.raw", "listing.raw", "List.raw", "patiënt 心.raw"}) {
            MetaImageWriter.write(mhd, v, false, false);
            Files.move(dir.resolve("w.raw"), dir.resolve(name.replace("./", "")));
            Files.writeString(mhd, Files.readString(mhd).replace("= w.raw\n", "= " + name + "\n"));
            assertThat(slice(MetaImageReader.read(mhd), 0)).as(name).containsExactly(0, 1, 2, 10, 11, 12);
            Files.delete(dir.resolve(name.replace("./", "")));
        }
        for (String name : new String[] {"./", "./../w.raw", "./sub/w.raw", "LIST w.raw"}) {
            Files.writeString(mhd, header(2, "3 2", "MET_UCHAR", false, "", name));
            assertRejected(mhd, "w.mhd", "ElementDataFile '" + name + "'");
        }
    }

    @Test
    void missingDataFileAndMissingHeaderAreNamed() throws IOException {
        assertRejected(
                writeText("m.mhd", header(2, "3 2", "MET_UCHAR", false, "", "gone.raw")), "gone.raw", "not found");
        assertRejected(dir.resolve("nothing.mhd"), "nothing.mhd", "not found");
        assertRejected(writeText("noedf.mhd", "NDims = 2\nDimSize = 3 2\n"), "no ElementDataFile");
        assertRejected(writeText("junk.mhd", "NDims = 2\nthis is not a header\n"), "line 2");
        assertRejected(writeText("dup.mhd", "NDims = 2\nndims = 3\nElementDataFile = LOCAL\n"), "appears twice");
    }

    @Test
    void compressedSizeMismatchAndBadStreams() throws IOException {
        byte[] data = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        byte[] z = zlib(data);
        write("z.zraw", z);
        assertRejected(
                writeText(
                        "z1.mhd",
                        header(
                                2,
                                "3 2",
                                "MET_UCHAR",
                                false,
                                "CompressedData = True\nCompressedDataSize = " + (z.length + 1) + "\n",
                                "z.zraw")),
                "z.zraw",
                "CompressedDataSize is " + (z.length + 1));
        assertRejected(
                writeText(
                        "z2.mhd",
                        header(
                                2,
                                "3 2",
                                "MET_UCHAR",
                                false,
                                "CompressedData = True\nCompressedDataSize = 0\n",
                                "z.zraw")),
                "CompressedDataSize must be >= 1");
        // the stream inflates to 6 bytes, the header wants 8
        assertRejected(
                writeText("z3.mhd", header(2, "4 2", "MET_UCHAR", false, "CompressedData = True\n", "z.zraw")),
                "z.zraw",
                "ends after 6 of the 8");
        // the stream inflates to 6 bytes, the header wants 4
        assertRejected(
                writeText("z4.mhd", header(2, "2 2", "MET_UCHAR", false, "CompressedData = True\n", "z.zraw")),
                "z.zraw",
                "more than the 4 bytes");
        write("bad.zraw", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertRejected(
                writeText("z5.mhd", header(2, "3 2", "MET_UCHAR", false, "CompressedData = True\n", "bad.zraw")),
                "bad.zraw",
                "not a valid zlib stream");
        write("trail.zraw", concat(z, new byte[] {0, 0}));
        assertRejected(
                writeText("z6.mhd", header(2, "3 2", "MET_UCHAR", false, "CompressedData = True\n", "trail.zraw")),
                "trail.zraw",
                "2 bytes follow the end");
    }

    @Test
    void compressionBombClaimsAreRejectedBeforeInflating() throws IOException {
        byte[] z = zlib(new byte[100]);
        write("bomb.zraw", z);
        // 600 MB claimed from a few bytes: under the 1 GiB cap, but beyond what deflate can produce
        assertRejected(
                writeText(
                        "bomb.mhd",
                        header(3, "1000 1000 600", "MET_UCHAR", false, "CompressedData = True\n", "bomb.zraw")),
                "bomb.zraw",
                "more than zlib can produce");
    }

    @Test
    void headerSizeBeyondTheFile() throws IOException {
        write("h.raw", new byte[6]);
        assertRejected(
                writeText("h1.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = 100\n", "h.raw")),
                "h.raw",
                "should start at byte 100");
        assertRejected(
                writeText("h2.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = -7\n", "h.raw")),
                "HeaderSize must be >= 0 or -1");
        assertRejected(
                writeText("h3.mhd", header(2, "30 2", "MET_UCHAR", false, "HeaderSize = -1\n", "h.raw")),
                "h.raw",
                "HeaderSize = -1");
    }

    @Test
    void headerSizesThatCannotBeMetAreNamed() throws IOException {
        // LOCAL data must start after the text header: a HeaderSize inside it would read the header as pixels
        byte[] text = header(2, "3 2", "MET_UCHAR", false, "HeaderSize = 10\n", "LOCAL")
                .getBytes(StandardCharsets.US_ASCII);
        Path inside = write("inside.mha", concat(text, new byte[6]));
        assertRejected(
                inside,
                "inside.mha",
                "HeaderSize 10 is inside the text header, which ends at byte " + text.length,
                "counts from the start of the file");
        // data at the end of a compressed file: where it starts is known only from its size
        write("end.zraw", zlib(new byte[6]));
        assertRejected(
                writeText(
                        "end.mhd",
                        header(2, "3 2", "MET_UCHAR", false, "CompressedData = True\nHeaderSize = -1\n", "end.zraw")),
                "end.mhd",
                "HeaderSize = -1 with compressed data needs CompressedDataSize");
    }

    @Test
    void aHeaderLineWithoutAKeyOrWithoutAnElementDataFileIsNamed() throws IOException {
        write("k.raw", new byte[6]);
        assertRejected(
                writeText("k1.mhd", "= 3\n" + header(2, "3 2", "MET_UCHAR", false, "", "k.raw")),
                "header line 1 is not 'Key = Value': '= 3'");
        assertThatThrownBy(() -> MetaImageReader.read(writeText("k2.mhd", "ObjectType = Image\nNDims = 2\n")))
                .isInstanceOf(DatasetException.class)
                .hasMessageEndingWith("no ElementDataFile line in the header: not a MetaImage header");
        // the ElementDataFile line may end the file without a line end (only a line cut by the cap is dropped)
        String last = header(2, "3 2", "MET_UCHAR", false, "", "k.raw").stripTrailing();
        assertThat(MetaImageReader.read(writeText("k4.mhd", last)).sliceLength())
                .isEqualTo(6);
        // a header past the cap without the line: the message says how much was searched
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() <= MetaImageReader.MAX_HEADER + 200; i++) {
            big.append("Comment")
                    .append(i)
                    .append(" = ")
                    .append("x".repeat(100))
                    .append('\n');
        }
        assertRejected(
                writeText("k3.mhd", big.toString()),
                "no ElementDataFile line in the header (first 65536 bytes): not a MetaImage header");
    }

    /** A .mha file larger than the header cap (a CAMUS sequence is): only a line cut by the cap ends the search. */
    @Test
    void localDataPastTheHeaderCapIsRead() throws IOException {
        byte[] data = new byte[300 * 300];
        data[data.length - 1] = 7;
        Path mha = write(
                "big.mha",
                concat(
                        header(2, "300 300", "MET_UCHAR", false, "", "LOCAL").getBytes(StandardCharsets.US_ASCII),
                        data));
        assertThat(data.length).isGreaterThan(MetaImageReader.MAX_HEADER);
        ImageVolume v = MetaImageReader.read(mha);
        assertThat(v.value(299, 299, 0)).isEqualTo(7);
        assertThat(v.value(0, 0, 0)).isZero();
    }

    // ---- the limits are inclusive, and each message names the file at fault and the value ----

    private static void assertRejectedWith(Path mhd, Path named, String message) {
        assertThatThrownBy(() -> MetaImageReader.read(mhd))
                .isInstanceOf(DatasetException.class)
                .hasMessage(named + ": " + message)
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(named));
    }

    @Test
    void tenDimsWithEveryExtraSizeOneAreReadAndElevenAreNot() throws IOException {
        write("d.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        String ten = header(2, "3 2", "MET_UCHAR", false, "", "d.raw")
                .replace("NDims = 2\n", "NDims = 10\n")
                .replace("DimSize = 3 2", "DimSize = 3 2 1 1 1 1 1 1 1 1")
                .replace("ElementSpacing = 0.5 0.25", "ElementSpacing = 0.5 0.25 2 1 1 1 1 1 1 1");
        ImageVolume v = MetaImageReader.read(writeText("d10.mhd", ten));
        assertThat(v.spacing()).containsExactly(0.5, 0.25, 2.0);
        assertThat(slice(v, 0)).containsExactly(0, 1, 2, 10, 11, 12);
        Path eleven = writeText(
                "d11.mhd", ten.replace("NDims = 10\n", "NDims = 11\n").replace("DimSize = 3 2", "DimSize = 3 2 1"));
        assertRejectedWith(eleven, eleven, "NDims must be 2 or 3 but was 11");
    }

    @Test
    void withoutElementSpacingEveryPixelIsOneByOne() throws IOException {
        write("n.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        String text = header(2, "3 2", "MET_UCHAR", false, "", "n.raw").replace("ElementSpacing = 0.5 0.25\n", "");
        assertThat(MetaImageReader.read(writeText("n.mhd", text)).spacing()).containsExactly(1.0, 1.0);
    }

    @Test
    void aZeroElementSpacingIsRefusedNamingIt() throws IOException {
        write("z.raw", new byte[6]);
        Path mhd = writeText(
                "z.mhd",
                header(2, "3 2", "MET_UCHAR", false, "", "z.raw")
                        .replace("ElementSpacing = 0.5 0.25", "ElementSpacing = 0.5 0"));
        assertRejectedWith(mhd, mhd, "ElementSpacing[1] must be a finite number > 0 but was '0'");
    }

    @Test
    void aCompressedDataSizeOfOneIsAValidClaimComparedWithTheFile() throws IOException {
        Path zraw = write("one.zraw", zlib(new byte[6]));
        Path mhd = writeText(
                "one.mhd",
                header(2, "3 2", "MET_UCHAR", false, "CompressedData = True\nCompressedDataSize = 1\n", "one.zraw"));
        assertRejectedWith(
                mhd, zraw, "holds " + Files.size(zraw) + " data bytes from offset 0 but CompressedDataSize is 1");
    }

    @Test
    void compressedDataOverThePayloadLimitIsRefusedBeforeItIsRead() throws IOException {
        Path zraw = dir.resolve("huge.zraw");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(zraw.toFile(), "rw")) {
            f.setLength(Payload.MAX_BYTES + 1); // sparse: no disk used
        }
        Path mhd = writeText("huge.mhd", header(2, "3 2", "MET_UCHAR", false, "CompressedData = True\n", "huge.zraw"));
        long allocated = PngGrayTest.allocatedBy(() -> assertRejectedWith(
                mhd, zraw, "compressed data of 1073741825 bytes is more than the 1073741824-byte limit"));
        assertThat(allocated).isLessThan(16L << 20);
    }

    @Test
    void compressedDataOfExactlyThePayloadLimitPassesItsSizeCheckAndMeetsTheHeapShare() throws IOException {
        long heap = Runtime.getRuntime().maxMemory();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                heap / Payload.HEAP_SHARE < Payload.MAX_BYTES, "a heap under 8 GiB: else 1 GiB would be allocated");
        Path zraw = dir.resolve("limit.zraw");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(zraw.toFile(), "rw")) {
            f.setLength(Payload.MAX_BYTES); // sparse: no disk used
        }
        Path mhd =
                writeText("limit.mhd", header(2, "3 2", "MET_UCHAR", false, "CompressedData = True\n", "limit.zraw"));
        long allocated = PngGrayTest.allocatedBy(() -> assertRejectedWith(
                mhd,
                zraw,
                "its 1073741824 data bytes are more than the 1/8 of the " + heap
                        + "-byte Java heap (-Xmx) one image may take"));
        assertThat(allocated).isLessThan(16L << 20);
    }

    @Test
    void localDataMayStartRightAfterTheTextHeaderAsHeaderSaysSo() throws IOException {
        String text = header(2, "3 2", "MET_UCHAR", false, "HeaderSize = 000\n", "LOCAL"); // 3 digits, as its length
        text = text.replace("HeaderSize = 000", "HeaderSize = " + text.length());
        assertThat(text).contains("HeaderSize = " + text.length());
        byte[] data = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        Path mha = write("exact.mha", concat(text.getBytes(StandardCharsets.US_ASCII), data));
        assertThat(slice(MetaImageReader.read(mha), 0)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void headerSizeMinusOneTakesAFileThatIsAllDataAndNamesTheBytesAfterTheTextHeader() throws IOException {
        write("all.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        Path all = writeText("all.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = -1\n", "all.raw"));
        assertThat(slice(MetaImageReader.read(all), 0)).containsExactly(0, 1, 2, 10, 11, 12);
        // LOCAL: 6 bytes follow the text header, DimSize asks for 60
        byte[] text = header(2, "30 2", "MET_UCHAR", false, "HeaderSize = -1\n", "LOCAL")
                .getBytes(StandardCharsets.US_ASCII);
        Path shortMha = write("short.mha", concat(text, new byte[6]));
        assertRejectedWith(
                shortMha, shortMha, "holds 6 data bytes but DimSize 30x2 of MET_UCHAR needs 60 (HeaderSize = -1)");
    }

    @Test
    void aHeaderSizeAtTheEndOfTheFileLeavesNoDataBytes() throws IOException {
        Path raw = write("end.raw", new byte[6]);
        Path mhd = writeText("end.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = 6\n", "end.raw"));
        assertRejectedWith(mhd, raw, "holds 0 data bytes from offset 6 but DimSize 3x2 of MET_UCHAR needs 6");
    }

    @Test
    void aDataFileNameStartingWithAPatternOrPathCharacterIsRefusedUnopened() throws IOException {
        Path mhd = dir.resolve("s.mhd");
        Files.writeString(mhd, header(2, "3 2", "MET_UCHAR", false, "", "%d.raw"));
        assertRejectedWith(
                mhd, mhd, "ElementDataFile '%d.raw' (a file list or pattern) is not supported: one data file or LOCAL");
        // a NUL can lead the name only after './' (the value is trimmed, and NUL counts as white space there)
        for (String name : new String[] {"/s.raw", "\\s.raw", ":s.raw", "./\0s.raw"}) {
            Files.writeString(mhd, header(2, "3 2", "MET_UCHAR", false, "", name));
            assertRejectedWith(
                    mhd,
                    mhd,
                    "ElementDataFile '" + name + "' must be LOCAL or the name of a file in the same directory");
        }
    }

    /**
     * A header path with a '.' or '..' in it (as a relative path on the command line becomes) still finds the data
     * file beside the header; these were refused: "ElementDataFile 'w.raw' lies outside the header's directory".
     */
    @Test
    void aHeaderPathThroughDotOrDotDotFindsTheDataFileBesideIt() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        write("w.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        writeText("w.mhd", header(2, "3 2", "MET_UCHAR", false, "", "w.raw"));
        for (Path mhd : new Path[] {dir.resolve("./w.mhd"), dir.resolve("sub/../w.mhd")}) {
            assertThat(slice(MetaImageReader.read(mhd), 0)).as(mhd.toString()).containsExactly(0, 1, 2, 10, 11, 12);
        }
    }

    // ---- Payload's size checks and bounded reads, through MetaImage files ----

    @Test
    void aPayloadOfExactlyOneGibibyteIsAValidClaimComparedWithTheFile() throws IOException {
        Path raw = write("gib.raw", new byte[6]);
        for (String dims : new String[] {"1073741824 1", "32768 32768"}) { // one side of 2^30, or the product
            Path mhd = writeText("gib.mhd", header(2, dims, "MET_UCHAR", false, "", "gib.raw"));
            assertRejectedWith(
                    mhd,
                    raw,
                    "holds 6 data bytes from offset 0 but DimSize " + dims.replace(' ', 'x')
                            + " of MET_UCHAR needs 1073741824");
        }
    }

    @Test
    void compressedDataMayClaimUpTo1032TimesItsSizePlus64Bytes() throws IOException {
        Path zraw = write("claim.zraw", zlib(new byte[100]));
        long bound = Files.size(zraw) * Payload.MAX_DEFLATE_RATIO + 64;
        Path atBound = writeText(
                "bound.mhd", header(2, bound + " 1", "MET_UCHAR", false, "CompressedData = True\n", "claim.zraw"));
        assertRejectedWith( // the claim passes; inflating then finds the 100 bytes the stream holds
                atBound,
                zraw,
                "compressed data ends after 100 of the " + bound + " bytes that DimSize and ElementType require");
        Path over = writeText(
                "over.mhd", header(2, (bound + 1) + " 1", "MET_UCHAR", false, "CompressedData = True\n", "claim.zraw"));
        assertRejectedWith(
                over,
                zraw,
                "claims " + (bound + 1) + " bytes from " + Files.size(zraw)
                        + " compressed bytes, more than zlib can produce");
    }

    @Test
    void compressedStreamsCutShortOrOneByteLongAreNamed() throws IOException {
        byte[] pixels = encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked());
        String compressed = "CompressedData = True\n";
        // every pixel inflated, but the zlib stream was flushed, not finished: no end block, no checksum
        Deflater d = new Deflater();
        d.setInput(pixels);
        byte[] buf = new byte[64];
        Path flushed = write("flushed.zraw", Arrays.copyOf(buf, d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)));
        d.end();
        assertRejectedWith(
                writeText("flushed.mhd", header(2, "3 2", "MET_UCHAR", false, compressed, "flushed.zraw")),
                flushed,
                "compressed data is truncated (no end of zlib stream)");
        // a gzip stream holding one byte (a zero) more than the 6 pixels
        Path seven = write("seven.zraw", NiftiReaderTest.gzip(Arrays.copyOf(pixels, 7)));
        assertRejectedWith(
                writeText("seven.mhd", header(2, "3 2", "MET_UCHAR", false, compressed, "seven.zraw")),
                seven,
                "compressed data (gzip) holds more than the 6 bytes that DimSize and ElementType require");
        // gzip's two magic bytes and nothing else: a gzip stream cut short, not a zlib one
        Path magic = write("magic.zraw", new byte[] {0x1f, (byte) 0x8b});
        assertRejected(
                writeText("magic.mhd", header(2, "3 2", "MET_UCHAR", false, compressed, "magic.zraw")),
                magic + ": compressed data is not a valid gzip stream");
    }

    @Test
    void aDataFileReadThroughAChannelThatHandsOutFewBytesAtATimeOrIsCutWhileRead() throws IOException {
        write("slow.raw", encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, marked()));
        Path mhd = writeText("slow.mhd", header(2, "3 2", "MET_UCHAR", false, "", "slow.raw"));
        assertThat(slice(MetaImageReader.read(mhd, TrickleChannel.opener(0)), 0))
                .containsExactly(0, 1, 2, 10, 11, 12);
        // 2 header bytes and 4 of the 6 pixels, while its size, taken before it was cut, still says 8
        Path raw = write("cut.raw", new byte[6]);
        FileOpener cutWhileRead = file -> file.equals(raw)
                ? new TrickleChannel(Files.readAllBytes(file), Files.size(file) + 2)
                : FileOpener.REGULAR.open(file);
        Path cut = writeText("cut.mhd", header(2, "3 2", "MET_UCHAR", false, "HeaderSize = 2\n", "cut.raw"));
        assertThatThrownBy(() -> MetaImageReader.read(cut, cutWhileRead))
                .isInstanceOf(DatasetException.class)
                .hasMessage(raw + ": ends after 4 of the 6 data bytes expected at offset 2 (the file changed while"
                        + " reading?)");
    }
}
