package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NIfTI-1 files laid out by hand with ByteBuffer, independent of {@link NiftiWriter}. */
class NiftiReaderTest {
    @TempDir
    Path dir;

    /** A hand-made NIfTI-1 header; fields public so tests can break them one at a time. */
    static final class Hdr {
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        int sizeofHdr = 348;
        short[] dim = {2, 3, 2, 1, 1, 1, 1, 1};
        short datatype = 2;
        short bitpix = 8;
        float[] pixdim = {1, 0.5f, 0.25f, 1, 1, 1, 1, 1};
        float voxOffset = 352;
        float slope = Float.NaN;
        float inter = Float.NaN;
        String magic = "n+1\0";

        Hdr type(ElementType t) {
            datatype = (short) t.niftiCode();
            bitpix = (short) (8 * t.bytes());
            return this;
        }

        byte[] bytes(int extensionBytes) {
            ByteBuffer b = ByteBuffer.allocate(352 + extensionBytes).order(order);
            b.putInt(0, sizeofHdr);
            for (int i = 0; i < 8; i++) {
                b.putShort(40 + 2 * i, dim[i]);
            }
            b.putShort(70, datatype);
            b.putShort(72, bitpix);
            for (int i = 0; i < 8; i++) {
                b.putFloat(76 + 4 * i, pixdim[i]);
            }
            b.putFloat(108, voxOffset);
            b.putFloat(112, slope);
            b.putFloat(116, inter);
            for (int i = 0; i < 4; i++) {
                b.put(344 + i, (byte) magic.charAt(i));
            }
            if (extensionBytes > 0) {
                b.put(348, (byte) 1); // extension flag; the extension content is opaque here
            }
            return b.array();
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    Path write(String name, byte[]... parts) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, MetaImageReaderTest.concat(parts));
        return p;
    }

    static byte[] slice(ImageVolume v, int z) {
        return MetaImageReaderTest.slice(v, z);
    }

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void everyTypeBothOrdersPlainAndGzip(ElementType type) throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Hdr h = new Hdr().type(type);
            h.order = order;
            byte[] file = MetaImageReaderTest.concat(
                    h.bytes(0), MetaImageReaderTest.encode(type, order, MetaImageReaderTest.marked()));
            String base = type + "_" + (order == ByteOrder.BIG_ENDIAN ? "be" : "le");
            for (Path p : new Path[] {write(base + ".nii", file), write(base + ".nii.gz", gzip(file))}) {
                ImageVolume v = NiftiReader.read(p);
                assertThat(v.type()).isEqualTo(type);
                assertThat(v.width()).isEqualTo(3);
                assertThat(v.height()).isEqualTo(2);
                assertThat(v.depth()).isEqualTo(1);
                assertThat(v.spacing()).containsExactly(0.5, 0.25);
                assertThat(v.slope()).isEqualTo(1.0);
                assertThat(v.value(2, 1, 0)).isEqualTo(12.0);
                assertThat(slice(v, 0)).containsExactly(0, 1, 2, 10, 11, 12);
            }
        }
    }

    /**
     * The orientation contract: voxel (i, j) is column i, row j, exactly like MetaImage, so one image stored
     * both ways displays identically. The image is 3 wide and 2 high; a transposing reader would report
     * width 2 and put the marked corner (value 12, bottom right) elsewhere.
     */
    @Test
    void niftiAndMetaImageDisplayTheSameNonSquareImage() throws IOException {
        byte[] data =
                MetaImageReaderTest.encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, MetaImageReaderTest.marked());
        ImageVolume nii = NiftiReader.read(write("o.nii", new Hdr().bytes(0), data));
        Files.write(dir.resolve("o.raw"), data);
        Path mhd = dir.resolve("o.mhd");
        Files.writeString(mhd, MetaImageReaderTest.header(2, "3 2", "MET_UCHAR", false, "", "o.raw"));
        ImageVolume meta = MetaImageReader.read(mhd);
        assertThat(nii.width()).isEqualTo(meta.width()).isEqualTo(3);
        assertThat(nii.height()).isEqualTo(meta.height()).isEqualTo(2);
        assertThat(slice(nii, 0)).containsExactly(slice(meta, 0));
        // row 0 is the first row stored: the apex of an apical view, at the top
        assertThat(nii.value(0, 0, 0)).isZero();
        assertThat(nii.value(2, 0, 0)).isEqualTo(2);
        assertThat(nii.value(0, 1, 0)).isEqualTo(10);
    }

    @Test
    void sequencesInDim3OrDim4() throws IOException {
        double[] values = new double[3 * 2 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        byte[] data = MetaImageReaderTest.encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, values);
        Hdr h = new Hdr();
        h.dim = new short[] {3, 3, 2, 4, 1, 1, 1, 1};
        h.pixdim[3] = 0.02f;
        ImageVolume v = NiftiReader.read(write("s3.nii.gz", gzip(MetaImageReaderTest.concat(h.bytes(0), data))));
        assertThat(v.depth()).isEqualTo(4);
        assertThat(v.spacing()).containsExactly(0.5, 0.25, 0.019999999552965164);
        assertThat(slice(v, 3)).containsExactly(18, 19, 20, 21, 22, 23);

        Hdr t = new Hdr();
        t.dim = new short[] {4, 3, 2, 1, 4, 1, 1, 1};
        t.pixdim[4] = 0.04f;
        ImageVolume w = NiftiReader.read(write("s4.nii", t.bytes(0), data));
        assertThat(w.depth()).isEqualTo(4);
        assertThat(w.spacing()[2]).isEqualTo(0.03999999910593033);
        assertThat(slice(w, 1)).containsExactly(6, 7, 8, 9, 10, 11);
    }

    @Test
    void sclSlopeAndInterScaleValues() throws IOException {
        Hdr h = new Hdr();
        h.slope = 2;
        h.inter = 10;
        byte[] data = {0, 1, 2, 100, (byte) 200, (byte) 255};
        ImageVolume v = NiftiReader.read(write("sc.nii", h.bytes(0), data));
        assertThat(v.slope()).isEqualTo(2.0);
        assertThat(v.inter()).isEqualTo(10.0);
        assertThat(v.value(1, 0, 0)).isEqualTo(12.0);
        assertThat(slice(v, 0)).containsExactly(10, 12, 14, (byte) 210, (byte) 255, (byte) 255);

        h.slope = 0; // 0 means no scaling, whatever inter says
        h.inter = 50;
        assertThat(slice(NiftiReader.read(write("s0.nii", h.bytes(0), data)), 0))
                .containsExactly(data);

        h.slope = 0.5f; // non-integer label values are refused, naming the file
        h.inter = 0;
        ImageVolume half = NiftiReader.read(write("half.nii", h.bytes(0), data));
        assertThat(slice(half, 0)).containsExactly(0, 1, 1, 50, 100, (byte) 128); // 0.5 rounds up, 127.5 too
        assertThatThrownBy(() -> half.sliceAsLabels(0, new byte[6]))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("half.nii", "0.5", "row 0, column 1");

        h.slope = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> NiftiReader.read(write("inf.nii", h.bytes(0), data)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("must be finite");
    }

    @Test
    void extensionsBeforeVoxOffsetAreSkipped() throws IOException {
        Hdr h = new Hdr();
        h.voxOffset = 368;
        byte[] ext = new byte[16];
        Arrays.fill(ext, (byte) 0x5A);
        byte[] header = h.bytes(16);
        System.arraycopy(ext, 0, header, 352, 16);
        byte[] data = {0, 1, 2, 10, 11, 12};
        assertThat(slice(NiftiReader.read(write("ext.nii", header, data)), 0)).containsExactly(data);
        assertThat(slice(NiftiReader.read(write("ext.nii.gz", gzip(MetaImageReaderTest.concat(header, data)))), 0))
                .containsExactly(data);
    }

    // ---- bad input -------------------------------------------------------------------------------------

    private void assertRejected(Path file, String... fragments) {
        assertThatThrownBy(() -> NiftiReader.read(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll(fragments)
                .hasMessageContaining(file.getFileName().toString());
    }

    private static final byte[] DATA = {0, 1, 2, 10, 11, 12};

    @Test
    void wrongMagicPairsAndNifti2() throws IOException {
        Hdr h = new Hdr();
        h.magic = "ni1\0";
        assertRejected(write("pair.hdr", h.bytes(0), DATA), "ni1", "single-file");
        h.magic = "n+2\0";
        assertRejected(write("two.nii", h.bytes(0), DATA), "NIfTI-2");
        h.magic = "abc\0";
        assertRejected(write("magic.nii", h.bytes(0), DATA), "wrong magic 'abc\\x00'");
        Hdr two = new Hdr();
        two.sizeofHdr = 540;
        assertRejected(write("two2.nii", two.bytes(0), DATA), "NIfTI-2");
        Hdr junk = new Hdr();
        junk.sizeofHdr = 12345;
        assertRejected(write("junk.nii", junk.bytes(0), DATA), "sizeof_hdr is 12345");
        assertRejected(write("short.nii", new byte[100]), "less than the 348-byte");
        assertRejected(write("short.nii.gz", gzip(new byte[100])), "decompresses to less than the 348-byte");
    }

    @Test
    void voxOffsetBeyondTheFileOrInvalid() throws IOException {
        Hdr h = new Hdr();
        h.voxOffset = 100_000;
        assertRejected(write("far.nii", h.bytes(0), DATA), "is 358 bytes long", "vox_offset 100000");
        assertRejected(
                write("far.nii.gz", gzip(MetaImageReaderTest.concat(h.bytes(0), DATA))),
                "more than gzip can produce"); // 100006 bytes cannot come from 67
        h.voxOffset = 10_000;
        assertRejected(
                write("far2.nii.gz", gzip(MetaImageReaderTest.concat(h.bytes(0), DATA))),
                "ends inside the header extensions, before vox_offset 10000");
        h.voxOffset = 348;
        assertRejected(write("near.nii", h.bytes(0), DATA), "vox_offset must be an integer from 352");
        h.voxOffset = 352.5f;
        assertRejected(write("frac.nii", h.bytes(0), DATA), "352.5");
        h.voxOffset = Float.NaN;
        assertRejected(write("nan.nii", h.bytes(0), DATA), "NaN");
    }

    @Test
    void truncatedAndOverlongData() throws IOException {
        Hdr h = new Hdr();
        assertRejected(write("t.nii", h.bytes(0), Arrays.copyOf(DATA, 5)), "357 bytes long", "needs 358");
        assertRejected(write("x.nii", h.bytes(0), Arrays.copyOf(DATA, 7)), "359 bytes long");
        assertRejected(
                write("t.nii.gz", gzip(MetaImageReaderTest.concat(h.bytes(0), Arrays.copyOf(DATA, 5)))),
                "decompresses to less than",
                "358");
        assertRejected(
                write("x.nii.gz", gzip(MetaImageReaderTest.concat(h.bytes(0), Arrays.copyOf(DATA, 7)))),
                "decompresses to more than",
                "358");
        byte[] gz = gzip(MetaImageReaderTest.concat(h.bytes(0), DATA));
        assertRejected(write("cut.nii.gz", Arrays.copyOf(gz, gz.length - 12)), "decompresses to less than");
        byte[] corrupt = gz.clone();
        corrupt[20] ^= 0x55;
        corrupt[21] ^= 0x55;
        assertThatThrownBy(() -> NiftiReader.read(write("corrupt.nii.gz", corrupt)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("corrupt.nii.gz", "is not a valid gzip stream: java.util.zip.ZipException");
    }

    @Test
    void bombLikeAndAbsurdDims() throws IOException {
        Hdr h = new Hdr();
        h.dim = new short[] {3, 1000, 1000, 600, 1, 1, 1, 1}; // 600 MB claimed by a ~100-byte gzip file
        Path bomb = write("bomb.nii.gz", gzip(MetaImageReaderTest.concat(h.bytes(0), DATA)));
        assertThat(PngGrayTest.allocatedBy(() -> assertRejected(bomb, "more than gzip can produce")))
                .as("heap allocated refusing the bomb")
                .isLessThan(16L << 20);
        h.dim = new short[] {3, 32767, 32767, 32767, 1, 1, 1, 1};
        assertRejected(write("huge.nii", h.bytes(0), DATA), "limit");
        h.dim = new short[] {2, -3, 2, 1, 1, 1, 1, 1};
        assertRejected(write("neg.nii", h.bytes(0), DATA), "dim[1] must be >= 1 but was -3");
        h.dim = new short[] {2, 3, 0, 1, 1, 1, 1, 1};
        assertRejected(write("zero.nii", h.bytes(0), DATA), "dim[2] must be >= 1");
        h.dim = new short[] {8, 3, 2, 1, 1, 1, 1, 1};
        assertRejected(write("d8.nii", h.bytes(0), DATA), "dim[0] must be 2 to 7");
        h.dim = new short[] {1, 6, 1, 1, 1, 1, 1, 1};
        assertRejected(write("d1.nii", h.bytes(0), DATA), "dim[0] must be 2 to 7");
        h.dim = new short[] {4, 3, 2, 2, 2, 1, 1, 1};
        assertRejected(write("two_axes.nii", h.bytes(0), DATA), "3x2x2x2", "one axis");
    }

    @Test
    void unknownDatatypeAndBitpixMismatch() throws IOException {
        Hdr h = new Hdr();
        h.datatype = 128; // RGB24
        h.bitpix = 24;
        assertRejected(write("rgb.nii", h.bytes(0), DATA), "datatype 128 is not supported");
        Hdr b = new Hdr();
        b.bitpix = 16;
        assertRejected(write("bitpix.nii", b.bytes(0), DATA), "bitpix 16 does not match datatype 2");
        Hdr p = new Hdr();
        p.pixdim[1] = Float.NaN;
        assertRejected(write("pixdim.nii", p.bytes(0), DATA), "pixdim[1]");
    }

    @Test
    void missingFile() {
        assertRejected(dir.resolve("none.nii.gz"), "not found");
    }

    // ---- the limits are inclusive, and the messages say which field ----

    private void assertRejectedWith(Path file, String message) {
        assertThatThrownBy(() -> NiftiReader.read(file))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": " + message)
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(file));
    }

    @Test
    void sevenDimsWithTheFramesInTheLast() throws IOException {
        Hdr h = new Hdr();
        h.dim = new short[] {7, 3, 2, 1, 1, 1, 1, 2};
        h.pixdim[7] = 0.04f;
        byte[] data = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
        ImageVolume v = NiftiReader.read(write("d7.nii", h.bytes(0), data));
        assertThat(v.depth()).isEqualTo(2);
        assertThat(v.spacing()[2]).isEqualTo(0.03999999910593033); // pixdim[7] as a float
        assertThat(slice(v, 1)).containsExactly(20, 21, 22, 30, 31, 32);
    }

    @Test
    void aZeroFrameSpacingIsKeptButAZeroOrInfinitePixdimIsRefusedNamingIt() throws IOException {
        byte[] frames = Arrays.copyOf(DATA, 12);
        Hdr h = new Hdr();
        h.dim = new short[] {3, 3, 2, 2, 1, 1, 1, 1};
        h.pixdim[3] = 0; // frames whose interval nobody wrote down
        assertThat(NiftiReader.read(write("t0.nii", h.bytes(0), frames)).spacing())
                .containsExactly(0.5, 0.25, 0.0);
        h.pixdim[3] = Float.NEGATIVE_INFINITY;
        assertRejectedWith(
                write("tinf.nii", h.bytes(0), frames), "pixdim[3] must be a finite number but was -Infinity");
        Hdr p = new Hdr();
        p.pixdim[2] = 0;
        assertRejectedWith(
                write("p0.nii", p.bytes(0), DATA), "pixdim[2] must be a finite number other than 0 but was 0.0");
    }

    @Test
    void aBitpixMismatchNamesTheBitsTheDatatypeHas() throws IOException {
        Hdr h = new Hdr().type(ElementType.INT16);
        h.bitpix = 8;
        assertRejectedWith(
                write("bitpix16.nii", h.bytes(0), DATA), "bitpix 8 does not match datatype 4 (INT16, 16 bits)");
    }

    @Test
    void aWrongSizeNamesVoxOffsetDimsAndTypeAndTheBytesNeeded() throws IOException {
        assertRejectedWith(
                write("t.nii", new Hdr().bytes(0), Arrays.copyOf(DATA, 5)),
                "is 357 bytes long but vox_offset 352 + dim 3x2 of UINT8 (6 bytes) needs 358");
    }

    @Test
    void voxOffsetMayBeAsLargeAsThePayloadLimit() throws IOException {
        Hdr h = new Hdr();
        h.voxOffset = Payload.MAX_BYTES; // a valid header value: this small file cannot hold it
        assertRejectedWith(
                write("max.nii", h.bytes(0), DATA),
                "is 358 bytes long but vox_offset 1073741824 + dim 3x2 of UINT8 (6 bytes) needs 1073741830");
        h.voxOffset = Math.nextUp((float) Payload.MAX_BYTES); // the next float: 2^30 + 128
        assertRejectedWith(
                write("over.nii", h.bytes(0), DATA),
                "vox_offset must be an integer from 352 to 1073741824 but was " + h.voxOffset);
    }

    /** Gzip with stored (uncompressed) deflate blocks: its size depends on the length of {@code data} only. */
    private static byte[] storedGzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            }
        }) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipFileMayClaimUpTo1032TimesItsSizePlus1024Bytes() throws IOException {
        Hdr h = new Hdr();
        int gzipBytes = storedGzip(MetaImageReaderTest.concat(h.bytes(0), DATA)).length;
        long bound = gzipBytes * Payload.MAX_DEFLATE_RATIO + 1024;
        // vox_offset + 6 data bytes = the bound: the claim passes, and the stream is then found to end early
        h.voxOffset = bound - DATA.length;
        Path atBound = write("bound.nii.gz", storedGzip(MetaImageReaderTest.concat(h.bytes(0), DATA)));
        assertThat(Files.size(atBound)).isEqualTo(gzipBytes);
        assertRejectedWith(atBound, "ends inside the header extensions, before vox_offset " + (bound - DATA.length));
        h.voxOffset = bound - DATA.length + 1; // one byte more than gzip can produce from this file
        assertRejectedWith(
                write("over.nii.gz", storedGzip(MetaImageReaderTest.concat(h.bytes(0), DATA))),
                "claims " + (bound + 1) + " bytes (vox_offset " + (bound - DATA.length + 1)
                        + " + dim 3x2 of UINT8 (6 bytes)) from " + gzipBytes
                        + " gzip bytes, more than gzip can produce");
    }

    @Test
    void aMagicWithSpaceOrDelIsShownByteForByte() throws IOException {
        Hdr h = new Hdr();
        h.magic = "n 1\u007f"; // space printable, DEL escaped
        assertRejectedWith(
                write("del.nii", h.bytes(0), DATA), "has the wrong magic 'n 1\\x7f' (NIfTI-1 single files have 'n+1')");
    }

    @Test
    void aChannelThatHandsOutFewBytesAtATimeStillShowsTheGzipMagic() throws IOException {
        Path gz = write("slow.nii.gz", gzip(MetaImageReaderTest.concat(new Hdr().bytes(0), DATA)));
        assertThat(slice(NiftiReader.read(gz, TrickleChannel.opener(0)), 0)).containsExactly(DATA);
    }
}
