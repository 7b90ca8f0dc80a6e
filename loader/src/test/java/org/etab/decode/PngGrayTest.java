package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PngGray: each PNG flavour ImageIO can hand back becomes the right 8-bit gray. */
class PngGrayTest {
    @TempDir
    Path tmp;

    private PngGray.Image decode(BufferedImage img) throws IOException {
        Path file = tmp.resolve("img" + img.getType() + ".png");
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(file, out);
        }
        assertThat(out.bytesRead).isEqualTo(Files.size(file));
        return out;
    }

    @Test
    void eightBitGrayIsTakenAsIsWithItsSize() throws IOException {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                r.setSample(x, y, 0, y * 100 + x * 11);
            }
        }
        PngGray.Image out = decode(img);
        assertThat(out.width).isEqualTo(5);
        assertThat(out.height).isEqualTo(3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertThat(out.pixels[y * 5 + x] & 0xff).isEqualTo(y * 100 + x * 11);
            }
        }
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws IOException {
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 257 * 77, 32768, 65535};
        for (int x = 0; x < 4; x++) {
            img.getRaster().setSample(x, 0, 0, values[x]);
        }
        PngGray.Image out = decode(img);
        assertThat(new int[] {out.pixels[0] & 0xff, out.pixels[1] & 0xff, out.pixels[2] & 0xff, out.pixels[3] & 0xff})
                .containsExactly(0, 77, 128, 255);
    }

    @Test
    void colourImagesBecomeTheirLuma() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(0, 0, 0xC86432); // R 200, G 100, B 50: 0.299*200 + 0.587*100 + 0.114*50 = 124.2
        rgb.setRGB(1, 0, 0x808080);
        PngGray.Image out = decode(rgb);
        assertThat(out.pixels[0] & 0xff).isEqualTo(124);
        assertThat(out.pixels[1] & 0xff).isEqualTo(128);

        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x40C86432); // alpha ignored
        assertThat(decode(argb).pixels[0] & 0xff).isEqualTo(124);

        BufferedImage palette = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_INDEXED);
        palette.setRGB(0, 0, 0xFF3399CC);
        int c = palette.getRGB(0, 0); // the palette's nearest colour
        int want = (int) Math.round(0.299 * (c >> 16 & 0xff) + 0.587 * (c >> 8 & 0xff) + 0.114 * (c & 0xff));
        assertThat(decode(palette).pixels[0] & 0xff).isEqualTo(want);

        BufferedImage binary = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(1, 0, 0xFFFFFFFF);
        PngGray.Image bits = decode(binary);
        assertThat(bits.pixels[0] & 0xff).isZero();
        assertThat(bits.pixels[1] & 0xff).isEqualTo(255);
    }

    @Test
    void missingForeignAndCorruptFilesAreDecodeFailuresNamingTheFile() throws IOException {
        PngGray.Image out = new PngGray.Image();
        Path missing = tmp.resolve("missing.png");
        Path text = Files.writeString(tmp.resolve("text.png"), "hello");
        BufferedImage img = new BufferedImage(50, 50, BufferedImage.TYPE_BYTE_GRAY);
        Path cut = tmp.resolve("cut.png");
        ImageIO.write(img, "png", cut.toFile());
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        try (PngGray png = new PngGray()) {
            assertThatThrownBy(() -> png.decode(missing, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessage(missing + ": image not found")
                    .satisfies(e -> assertThat(((DecodeException) e).file()).isEqualTo(missing));
            assertThatThrownBy(() -> png.decode(text, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessage(text + ": not a PNG file (5 bytes, no PNG signature)");
            assertThatThrownBy(() -> png.decode(cut, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith(cut + ": corrupt PNG");
            // the reader is still usable after failures
            Path good = tmp.resolve("good.png");
            ImageIO.write(img, "png", good.toFile());
            png.decode(good, out);
            assertThat(out.width).isEqualTo(50);
        }
    }

    /** The byte offset of the first chunk of {@code type} in {@code png}. */
    private static int chunkAt(byte[] png, String type) {
        for (int at = 8; at + 8 <= png.length; ) {
            int length = ByteBuffer.wrap(png, at, 4).getInt();
            if (new String(png, at + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
                return at;
            }
            at += 12 + length;
        }
        throw new AssertionError("no " + type + " chunk");
    }

    @Test
    void aCriticalChunkWhoseCrcDoesNotMatchIsRefusedNamingChunkOffsetAndBothCrcs() throws IOException {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(3, 4, 0, 200);
        Path good = tmp.resolve("good.png");
        ImageIO.write(img, "png", good.toFile());
        byte[] bytes = Files.readAllBytes(good);
        int idat = chunkAt(bytes, "IDAT");
        int length = ByteBuffer.wrap(bytes, idat, 4).getInt();
        int crcAt = idat + 8 + length;
        long stored = ByteBuffer.wrap(bytes, crcAt, 4).getInt() & 0xffffffffL;
        bytes[crcAt + 3] ^= 0x01; // the pixels intact: only the checksum disagrees
        assertRefused(
                "badcrc.png",
                bytes,
                String.format(
                        "corrupt PNG: chunk 'IDAT' at byte %d has CRC %08x but its bytes give %08x",
                        idat, stored ^ 0x01, stored));

        bytes[crcAt + 3] ^= 0x01;
        bytes[idat + 8 + length - 1] ^= 0x40; // a flipped bit in the last byte of the pixel data
        assertRefused("flipped.png", bytes, "chunk 'IDAT'", "has CRC");
    }

    @Test
    void anAncillaryChunkWithABadCrcIsLetThroughAsLibpngDoes() throws IOException {
        byte[] raw = {0, 10, 20, 30}; // one row: filter 0, three gray pixels
        byte[] text = chunk("tEXt", "Comment\0phantom".getBytes(StandardCharsets.ISO_8859_1));
        text[text.length - 1] ^= 0x10;
        Path file = Files.write(tmp.resolve("badtext.png"), png(ihdr(3, 1, 8, 0), text, chunk("IDAT", deflated(raw))));
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(file, out);
        }
        assertThat(Arrays.copyOf(out.pixels, 3)).containsExactly(10, 20, 30);
    }

    // ---- hostile files: refused from the header, before anything large is allocated ----

    /** A chunk: length, type, data, CRC over type and data. */
    static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length).put(type.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 4, 4 + data.length);
        return b.putInt((int) crc.getValue()).array();
    }

    static byte[] ihdr(long width, long height, int depth, int colour) {
        return chunk(
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt((int) width)
                        .putInt((int) height)
                        .put((byte) depth)
                        .put((byte) colour)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
    }

    /** Signature, the chunks, IEND. */
    static byte[] png(byte[]... chunks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        for (byte[] c : chunks) {
            out.write(c);
        }
        out.write(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    private static byte[] deflated(byte[] raw) {
        Deflater d = new Deflater(9);
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    /** Heap bytes the calling thread allocates while {@code r} runs (HotSpot's per-thread counter). */
    static long allocatedBy(Runnable r) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        r.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    private void assertRefused(String name, byte[] bytes, String... message) throws IOException {
        Path file = Files.write(tmp.resolve(name), bytes);
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            long allocated = allocatedBy(() -> assertThatThrownBy(() -> png.decode(file, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith(file + ": ")
                    .hasMessageContainingAll(message));
            assertThat(allocated).as("heap allocated refusing %s", name).isLessThan(16L << 20);
            assertThat(out.pixels.length).isZero();
        }
    }

    @Test
    void aTinyPngDeclaring20000By20000Rgba16FailsFromItsHeaderNamingFieldAndValue() throws IOException {
        byte[] bomb = png(ihdr(20000, 20000, 16, 6), chunk("IDAT", deflated(new byte[8])));
        assertThat(bomb.length).isLessThan(80);
        assertRefused("bomb.png", bomb, "IHDR width 20000 is not in 1..8192");
        assertRefused(
                "tall.png",
                png(ihdr(16, 9000, 8, 0), chunk("IDAT", deflated(new byte[8]))),
                "IHDR height 9000 is not in 1..8192");
        assertRefused(
                "many.png",
                png(ihdr(8000, 8000, 8, 0), chunk("IDAT", deflated(new byte[8]))),
                "IHDR size 8000x8000 is 64000000 pixels, more than the 16777216");
        // within the side and pixel limits, but more pixel data than its IDAT can inflate to
        assertRefused(
                "ratio.png",
                png(ihdr(4000, 4000, 16, 6), chunk("IDAT", deflated(new byte[8]))),
                "IHDR size 4000x4000 (16-bit, colour type 6) needs 128004000 bytes of pixel data",
                "inflate to at most");
        assertRefused(
                "depth.png",
                png(ihdr(4, 4, 3, 2), chunk("IDAT", deflated(new byte[52]))),
                "IHDR bit depth 3 is not valid for colour type 2 (allowed: [8, 16])");
        assertRefused(
                "colour.png",
                png(ihdr(4, 4, 8, 5), chunk("IDAT", deflated(new byte[20]))),
                "IHDR colour type 5 is not a PNG colour type");
        assertRefused(
                "zero.png",
                png(ihdr(0, 4, 8, 0), chunk("IDAT", deflated(new byte[4]))),
                "IHDR width 0 is not in 1..8192");
        assertRefused(
                "noihdr.png",
                png(chunk("IDAT", deflated(new byte[4]))),
                "the first chunk must be a 13-byte IHDR but is 'IDAT'");
    }

    @Test
    void aChunkLengthBeyondTheFileIsRefusedBeforeImageIoReadsIt() throws IOException {
        byte[] good = png(ihdr(4, 4, 8, 0), chunk("IDAT", deflated(new byte[20])));
        byte[] hostile = good.clone();
        int idat = 8 + 25; // signature + IHDR chunk
        ByteBuffer.wrap(hostile).putInt(idat, 0x7fffffff);
        assertRefused("long.png", hostile, "chunk 'IDAT' at byte 33 declares length 2147483647 but only");
        byte[] iccp = png(ihdr(4, 4, 8, 0), chunk("iCCP", new byte[4]), chunk("IDAT", deflated(new byte[20])));
        ByteBuffer.wrap(iccp).putInt(idat, 0x7ffffff0);
        assertRefused("iccp.png", iccp, "chunk 'iCCP' at byte 33 declares length 2147483632");

        Path file = Files.write(tmp.resolve("good.png"), good);
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(file, out); // the hand-made file is a valid PNG
        }
        assertThat(out.width).isEqualTo(4);
    }

    @Test
    void aDecodePastItsDeadlineIsStoppedAndTheReaderStillDecodesTheNextImage() throws IOException {
        byte[] rows = new byte[(1 + 2048) * 2048]; // 2048x2048 8-bit gray, every row filter 0, all black
        Path file = Files.write(tmp.resolve("large.png"), png(ihdr(2048, 2048, 8, 0), chunk("IDAT", deflated(rows))));
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            // the file is read (no deadline on the opener); ImageIO's decode meets the passed deadline at its first row
            assertThatThrownBy(() -> png.decode(file, FileOpener.REGULAR, out, System.nanoTime() - 1))
                    .isInstanceOf(DecodeTimeoutException.class)
                    .hasMessage(file + ": timed out decoding the image (the sample's deadline passed)");
            png.decode(file, FileOpener.REGULAR, out, Long.MAX_VALUE);
            assertThat(out.width).isEqualTo(2048);
            assertThat(out.height).isEqualTo(2048);
        }
    }

    @Test
    void anOversizedFileADirectoryAndAFifoAreRefusedUnread() throws Exception {
        Path big = tmp.resolve("big.png");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(png(ihdr(4, 4, 8, 0)));
            f.setLength(PngGray.MAX_FILE_BYTES + 1); // sparse: nothing is written
        }
        PngGray.Image out = new PngGray.Image();
        Path dir = Files.createDirectory(tmp.resolve("dir.png"));
        Path fifo = tmp.resolve("fifo.png");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        try (PngGray png = new PngGray()) {
            long allocated = allocatedBy(() -> assertThatThrownBy(() -> png.decode(big, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessage(big + ": is " + (PngGray.MAX_FILE_BYTES + 1) + " bytes, more than the "
                            + PngGray.MAX_FILE_BYTES + " a PNG may have"));
            assertThat(allocated).isLessThan(1L << 20);
            assertThatThrownBy(() -> png.decode(dir, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("is not a regular file");
            // a FIFO would block the open until a writer came: refused by type instead
            assertThatThrownBy(() -> png.decode(fifo, out))
                    .isInstanceOf(DecodeException.class)
                    .hasMessage(fifo + ": is not a regular file (a directory, FIFO or device): refused unopened");
        }
    }

    // ---- the limits are inclusive, the chunk walk exact ----

    private PngGray.Image decodeBytes(String name, byte[] bytes) throws IOException {
        Path file = Files.write(tmp.resolve(name), bytes);
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(file, out);
        }
        return out;
    }

    /** {@code height} rows of {@code width} 8-bit gray pixels, all black but the last, which is white. */
    private static byte[] blackRowsWithAWhiteLastPixel(int width, int height) {
        byte[] rows = new byte[(1 + width) * height]; // every row: filter byte 0, then its pixels
        rows[rows.length - 1] = (byte) 255;
        return rows;
    }

    @Test
    void theWidestTallestAndLargestImagesAllowedAreDecoded() throws IOException {
        // 8192 x 2048 and 2048 x 8192: a side of MAX_SIDE, and MAX_PIXELS pixels each
        for (int[] size : new int[][] {{PngGray.MAX_SIDE, 2048}, {2048, PngGray.MAX_SIDE}}) {
            int w = size[0], h = size[1];
            assertThat((long) w * h).isEqualTo(PngGray.MAX_PIXELS);
            byte[] bytes = png(ihdr(w, h, 8, 0), chunk("IDAT", deflated(blackRowsWithAWhiteLastPixel(w, h))));
            PngGray.Image out = decodeBytes(w + "x" + h + ".png", bytes);
            assertThat(out.width).isEqualTo(w);
            assertThat(out.height).isEqualTo(h);
            assertThat(out.pixels[w * h - 1] & 0xff).isEqualTo(255);
            assertThat(out.pixels[w * h - 2]).isZero();
        }
    }

    @Test
    void idatChunksMayClaimUpTo1032TimesTheirSizePlus1024BytesOfPixelData() throws IOException {
        // two 1-byte IDAT chunks may inflate to at most 2 * 1032 bytes; the check allows 1024 more (zlib framing)
        byte[] idat = chunk("IDAT", new byte[1]);
        int widest = 2 * 1032 + 1024 - 1; // one row: 1 filter byte + this many 8-bit pixels = 3088 bytes
        PngGray.checkChunks(tmp.resolve("bound.png"), png(ihdr(widest, 1, 8, 0), idat, idat)); // not refused
        assertRefused(
                "over.png",
                png(ihdr(widest + 1, 1, 8, 0), idat, idat),
                "IHDR size 3088x1 (8-bit, colour type 0) needs 3089 bytes of pixel data but its IDAT chunks hold 2"
                        + " bytes, which inflate to at most 2064");
    }

    @Test
    void aFileCutInsideItsLastChunkSaysWhatIsMissingAndOneWithoutIendIsDecoded() throws IOException {
        byte[] whole = png(ihdr(3, 1, 8, 0), chunk("IDAT", deflated(new byte[] {0, 10, 20, 30})));
        int iend = whole.length - 12;
        assertRefused(
                "cut5.png",
                Arrays.copyOf(whole, iend + 5),
                "corrupt PNG: 5 stray bytes at byte " + iend + " where a chunk header (8 bytes) should be");
        assertRefused(
                "cut8.png", // IEND's length and type, without its CRC
                Arrays.copyOf(whole, iend + 8),
                "corrupt PNG: chunk 'IEND' at byte " + iend + " declares length 0 but only 0 bytes follow it");
        // without IEND the pixel data is still whole: decoded (ImageIO reads no further than the image data)
        PngGray.Image out = decodeBytes("noiend.png", Arrays.copyOf(whole, iend));
        assertThat(Arrays.copyOf(out.pixels, 3)).containsExactly(10, 20, 30);
    }

    @Test
    void bytesAfterIendAreNotReadAsChunksUpToTheFileSizeLimit() throws IOException {
        // a PNG padded with zeros after IEND (sparse) to exactly MAX_FILE_BYTES: read whole, the padding ignored
        Path padded = tmp.resolve("padded.png");
        try (RandomAccessFile f = new RandomAccessFile(padded.toFile(), "rw")) {
            f.write(png(ihdr(3, 1, 8, 0), chunk("IDAT", deflated(new byte[] {0, 10, 20, 30}))));
            f.setLength(PngGray.MAX_FILE_BYTES);
        }
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(padded, out);
        }
        assertThat(out.bytesRead).isEqualTo(PngGray.MAX_FILE_BYTES);
        assertThat(Arrays.copyOf(out.pixels, 3)).containsExactly(10, 20, 30);
    }

    @Test
    void aFileOfOnlyTheSignatureHasNoIhdrAndAJpegIsNotAPng() throws IOException {
        assertRefused("signature.png", Arrays.copyOf(png(), 8), "corrupt PNG: no IHDR chunk");
        Path jpeg = tmp.resolve("photo.png");
        assertThat(ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg", jpeg.toFile()))
                .isTrue();
        assertRefused(
                "photo.png",
                Files.readAllBytes(jpeg),
                "not a PNG file (" + Files.size(jpeg) + " bytes, no PNG signature)");
    }

    @Test
    void aChunkTypeIsQuotedWhenPrintableAsciiElseShownAsQuestionMark() throws IOException {
        // space (0x20) and '~' (0x7e) are printable; 0x1f and DEL (0x7f) are not
        for (String[] typeAndShown :
                new String[][] {{"I DR", "I DR"}, {"IHD~", "IHD~"}, {"IHD\u007f", "?"}, {"\u001fHDR", "?"}}) {
            assertRefused(
                    "type.png",
                    png(chunk(typeAndShown[0], new byte[13])),
                    "the first chunk must be a 13-byte IHDR but is '" + typeAndShown[1] + "' of 13 bytes");
        }
    }

    @Test
    void aPaletteImageKeepsEveryPixelInItsPlace() throws IOException {
        BufferedImage palette = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_INDEXED);
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0xFFFF00}; // all in the default palette
        for (int i = 0; i < colours.length; i++) {
            palette.setRGB(i % 3, i / 3, colours[i]);
        }
        PngGray.Image out = decode(palette);
        for (int i = 0; i < colours.length; i++) {
            int c = palette.getRGB(i % 3, i / 3);
            int want = (int) Math.round(0.299 * (c >> 16 & 0xff) + 0.587 * (c >> 8 & 0xff) + 0.114 * (c & 0xff));
            assertThat(out.pixels[i] & 0xff).as("pixel %d", i).isEqualTo(want);
        }
    }

    @Test
    void theCallersPixelArrayIsReplacedOnlyWhenTooSmall() throws IOException {
        byte[] small = png(ihdr(3, 1, 8, 0), chunk("IDAT", deflated(new byte[] {0, 10, 20, 30})));
        byte[] large = png(ihdr(4, 2, 8, 0), chunk("IDAT", deflated(new byte[10])));
        Path smallFile = Files.write(tmp.resolve("small.png"), small);
        Path largeFile = Files.write(tmp.resolve("large.png"), large);
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(largeFile, out);
            byte[] pixels = out.pixels;
            assertThat(pixels).hasSize(8);
            png.decode(largeFile, out); // the same size again
            assertThat(out.pixels).isSameAs(pixels);
            png.decode(smallFile, out); // smaller: its 3 pixels at the start of the same array
            assertThat(out.pixels).isSameAs(pixels);
            assertThat(Arrays.copyOf(out.pixels, 3)).containsExactly(10, 20, 30);
        }
    }

    @Test
    void aChannelThatHandsOutFewBytesAtATimeIsReadToItsEnd() throws IOException {
        Path file = Files.write(tmp.resolve("slow.png"), png(ihdr(3, 1, 8, 0), chunk("IDAT", deflated(new byte[] {
            0, 10, 20, 30
        }))));
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(file, TrickleChannel.opener(0), out);
            assertThat(Arrays.copyOf(out.pixels, 3)).containsExactly(10, 20, 30);
            assertThat(out.bytesRead).isEqualTo(Files.size(file));
            // a file cut after its size was taken (the size says 100 bytes more): what it holds is what was read
            png.decode(file, TrickleChannel.opener(100), out);
            assertThat(out.bytesRead).isEqualTo(Files.size(file));
        }
    }
}
