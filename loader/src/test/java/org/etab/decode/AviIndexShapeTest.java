package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.decode.VideoDecoderErrorsTest.ascii;
import static org.etab.decode.VideoDecoderErrorsTest.chunkOffset;
import static org.etab.decode.VideoDecoderErrorsTest.indexOf;
import static org.etab.decode.VideoDecoderErrorsTest.littleEndianInt;
import static org.etab.decode.VideoDecoderErrorsTest.putInt;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of the plain AVI shape {@link AviIndex} reads, on an MJPEG AVI written by FFmpeg and edited: chunks of
 * odd and zero size, lists filled to their last byte, and the limits on header lists, top-level chunks and index
 * blocks. Edits that keep the file plain give the same layout (shifted where bytes were inserted before the frames);
 * the others give null.
 */
class AviIndexShapeTest {

    @TempDir
    static Path dir;

    static byte[] bytes; // 64x48, 50 frames
    static VideoLayout original;

    final AviIndex index = new AviIndex();

    @BeforeAll
    static void writeVideo() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        bytes = Files.readAllBytes(TestVideos.mjpegAvi(dir.resolve("echo.avi"), 64, 48, 50));
        original = new AviIndex().read(ByteBuffer.wrap(bytes));
        assertThat(original).isNotNull();
    }

    private VideoLayout read(byte[] b) {
        return index.read(ByteBuffer.wrap(b));
    }

    @Test
    void oddSizedAndEmptyChunksAtTheEndOfTheHeaderListAreWalkedOver() {
        // a 3-byte chunk with its pad byte, then an empty one whose header is the list's last 8 bytes
        byte[] add = concat(chunk("JUNK", 3), chunk("JUNK", 0));
        byte[] b = insert(bytes, listEnd(bytes, "hdrl"), add, 4, sizeField(bytes, "hdrl"));
        assertShifted(read(b), add.length);
    }

    @Test
    void oddSizedAndEmptyChunksAtTheEndOfTheStreamListAreWalkedOver() {
        byte[] add = concat(chunk("JUNK", 3), chunk("JUNK", 0));
        byte[] b = insert(bytes, listEnd(bytes, "strl"), add, 4, sizeField(bytes, "hdrl"), sizeField(bytes, "strl"));
        assertShifted(read(b), add.length);
    }

    @Test
    void oddSizedChunksAndEmptyListsAtTheTopLevelAreWalkedOver() {
        // between movi and idx1: the frames do not move
        byte[] add = concat(chunk("JUNK", 3), list("INFO"));
        byte[] b = insert(bytes, idx1(bytes), add, 4);
        assertShifted(read(b), 0);
    }

    @Test
    void aChunkDeclaringMoreBytesThanItsListHoldsIsRefused() {
        // an 8-byte header at a list's end that declares a 4-byte payload the list does not hold
        byte[] add = header("JUNK", 4);
        byte[] inHdrl = insert(bytes, listEnd(bytes, "hdrl"), add, 4, sizeField(bytes, "hdrl"));
        assertThat(read(inHdrl)).isNull();
        byte[] inStrl =
                insert(bytes, listEnd(bytes, "strl"), add, 4, sizeField(bytes, "hdrl"), sizeField(bytes, "strl"));
        assertThat(read(inStrl)).isNull();
    }

    @Test
    void anEmptySecondStreamListIsASecondStream() {
        byte[] b = insert(bytes, listEnd(bytes, "hdrl"), list("strl"), 4, sizeField(bytes, "hdrl"));
        assertThat(read(b)).isNull();
    }

    @Test
    void aStreamHeaderOfJustTheFieldsReadIsEnough() {
        // strh cut to its first 36 bytes (up to dwLength), the rest of it turned into a JUNK chunk
        byte[] b = bytes.clone();
        int strh = indexOf(b, ascii("strh"), 0);
        int rest = littleEndianInt(b, strh + 4) - 36;
        assertThat(rest).isGreaterThanOrEqualTo(8).isEven();
        putInt(b, strh + 4, 36);
        putHeader(b, strh + 8 + 36, "JUNK", rest - 8);
        assertThat(read(b)).isEqualTo(original);
    }

    @Test
    void aZeroTimeBaseOrFrameSizeIsRefused() {
        int strh = indexOf(bytes, ascii("strh"), 0) + 8;
        int strf = indexOf(bytes, ascii("strf"), 0) + 8;
        assertThat(littleEndianInt(bytes, strh + 20)).isPositive(); // dwScale
        assertThat(littleEndianInt(bytes, strh + 24)).isPositive(); // dwRate
        for (int field : new int[] {strh + 20, strh + 24, strf + 4, strf + 8}) { // dwScale, dwRate, width, height
            byte[] b = bytes.clone();
            putInt(b, field, 0);
            assertThat(read(b)).as("field at %d", field).isNull();
        }
    }

    @Test
    void indexEntriesTaggedAsUncompressedFramesAreFramesToo() {
        byte[] b = bytes.clone();
        int entries = idx1(b) + 8;
        for (int i = 0; i < 50; i++) {
            b[entries + 16 * i + 3] = 'b'; // 00dc -> 00db
        }
        assertThat(read(b)).isEqualTo(original);
    }

    @Test
    void aLastFrameEndingOnTheLastByteOfMoviIsTaken() {
        byte[] b = bytes.clone();
        int movi = indexOf(b, ascii("movi"), 0);
        int moviEnd = movi + littleEndianInt(b, movi - 4);
        int last = chunkOffset(b, 49);
        int size = littleEndianInt(b, last + 4);
        if ((size & 1) == 1) { // its pad byte made part of the frame, in its chunk header and its index entry
            size++;
            putInt(b, last + 4, size);
            putInt(b, idx1(b) + 8 + 16 * 49 + 12, size);
        }
        assertThat(last + 8 + size).isEqualTo(moviEnd);
        VideoLayout layout = read(b);
        assertThat(layout).isNotNull();
        assertThat(layout.offsets()).isEqualTo(original.offsets());
        assertThat(layout.sizes()[49]).isEqualTo(size);
    }

    @Test
    void atMost64TopLevelChunksAreWalked() {
        int top = topLevelChunks(bytes);
        assertThat(top).isLessThan(64);
        byte[] b = insert(bytes, idx1(bytes), repeat(chunk("JUNK", 0), 64 - top), 4);
        assertThat(topLevelChunks(b)).isEqualTo(64);
        assertShifted(read(b), 0);
        byte[] tooMany = insert(bytes, idx1(bytes), repeat(chunk("JUNK", 0), 65 - top), 4);
        assertThat(read(tooMany)).isNull();
    }

    @Test
    void aHeaderListOfExactly64KiBIsReadAndALargerOneIsNot() {
        int hdrlSize = littleEndianInt(bytes, sizeField(bytes, "hdrl")) - 4; // without the "hdrl" fourcc
        int pad = (64 << 10) - hdrlSize;
        byte[] b = insert(bytes, listEnd(bytes, "hdrl"), chunk("JUNK", pad - 8), 4, sizeField(bytes, "hdrl"));
        assertShifted(read(b), pad);
        byte[] larger = insert(bytes, listEnd(bytes, "hdrl"), chunk("JUNK", pad - 8 + 2), 4, sizeField(bytes, "hdrl"));
        assertThat(read(larger)).isNull();
    }

    @Test
    void anIndexOfMoreThanOneBlockOfEntriesIsReadWhole() throws Exception {
        // entries are read 4096 (64 KiB) at a time: 4100 frames take a second, partial block
        Path file = TestVideos.mjpegAvi(dir.resolve("long.avi"), 16, 16, 4100);
        byte[] b = Files.readAllBytes(file);
        VideoLayout layout;
        try (FileChannel ch = FileChannel.open(file)) {
            layout = index.read(ch);
        }
        assertThat(layout).isNotNull();
        assertThat(layout.frameCount()).isEqualTo(4100);
        for (int frame : new int[] {0, 4095, 4096, 4099}) {
            assertThat(layout.offsets()[frame]).as("frame %d", frame).isEqualTo(chunkOffset(b, frame) + 8L);
        }
        assertThat(index.read(ByteBuffer.wrap(b))).isEqualTo(layout);
    }

    private static void assertShifted(VideoLayout layout, int shift) {
        assertThat(layout).isNotNull();
        assertThat(layout.frameCount()).isEqualTo(original.frameCount());
        assertThat(layout.width()).isEqualTo(original.width());
        assertThat(layout.height()).isEqualTo(original.height());
        assertThat(layout.sizes()).isEqualTo(original.sizes());
        assertThat(layout.offsets())
                .isEqualTo(Arrays.stream(original.offsets()).map(o -> o + shift).toArray());
    }

    private static int topLevelChunks(byte[] b) {
        int n = 0;
        for (long at = 12; at < b.length; n++) {
            long size = littleEndianInt(b, (int) at + 4) & 0xffffffffL;
            at += 8 + size + (size & 1);
        }
        return n;
    }

    /** Where the idx1 chunk starts. */
    private static int idx1(byte[] b) {
        return indexOf(b, ascii("idx1"), chunkOffset(b, 49));
    }

    /** Where the size of the list of type {@code type} lies. */
    private static int sizeField(byte[] b, String type) {
        return indexOf(b, ascii(type), 0) - 4;
    }

    /** Where the list of type {@code type} ends. */
    private static int listEnd(byte[] b, String type) {
        int size = littleEndianInt(b, sizeField(b, type));
        assertThat(size).isEven();
        return sizeField(b, type) + 4 + size;
    }

    /** {@code b} with {@code add} inserted at {@code at}, and the sizes at {@code sizeFields} (before it) grown. */
    private static byte[] insert(byte[] b, int at, byte[] add, int... sizeFields) {
        byte[] out = new byte[b.length + add.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(add, 0, out, at, add.length);
        System.arraycopy(b, at, out, at + add.length, b.length - at);
        for (int field : sizeFields) {
            putInt(out, field, littleEndianInt(out, field) + add.length);
        }
        return out;
    }

    /** A chunk of {@code size} zero bytes, with its pad byte when odd. */
    private static byte[] chunk(String fourcc, int size) {
        return concat(header(fourcc, size), new byte[size + (size & 1)]);
    }

    /** An empty list. */
    private static byte[] list(String type) {
        return concat(header("LIST", 4), ascii(type));
    }

    private static byte[] header(String fourcc, int size) {
        byte[] h = new byte[8];
        putHeader(h, 0, fourcc, size);
        return h;
    }

    private static void putHeader(byte[] b, int at, String fourcc, int size) {
        System.arraycopy(ascii(fourcc), 0, b, at, 4);
        putInt(b, at + 4, size);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] repeat(byte[] a, int times) {
        byte[] out = new byte[0];
        for (int i = 0; i < times; i++) {
            out = concat(out, a);
        }
        return out;
    }
}
