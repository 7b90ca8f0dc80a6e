package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutScanTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 64x48, 50 frames
    static Path withAudio; // 64x48, 30 frames with audio chunks between them
    static Path mpeg4;
    static byte[] bytes;

    final StageFixture parts = new StageFixture();
    final LayoutScan scan = new LayoutScan(parts.packet, parts.deadline, parts.ioCell);

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 64, 48, 50);
        withAudio = TestVideos.mjpegAviWithAudio(dir.resolve("with-audio.avi"), 64, 48, 30);
        mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 64, 64, 20);
        bytes = Files.readAllBytes(mjpeg);
    }

    @AfterEach
    void close() {
        parts.close();
        assertThat(MemoryIO.openCount()).isZero();
    }

    @Test
    void everyVideoPacketIsListedWhereItsBytesAre() {
        VideoLayout layout = scan.of(mjpeg, Deadline.NONE);
        assertThat(layout.frameCount()).isEqualTo(50);
        assertThat(layout.headerFrames()).isEqualTo(50);
        assertThat(layout.fileSize()).isEqualTo(bytes.length);
        assertThat(layout.width() * 1000 + layout.height()).isEqualTo(64_048);
        // the AVI chunk header (tag, size) sits right before each payload
        for (int i = 0; i < layout.frameCount(); i++) {
            int chunk = VideoDecoderErrorsTest.chunkOffset(bytes, i);
            assertThat(layout.offset(i)).as("frame %d", i).isEqualTo(chunk + 8);
            assertThat(layout.size(i)).isEqualTo(VideoDecoderErrorsTest.littleEndianInt(bytes, chunk + 4));
        }
        assertThat(parts.clean()).as("packet unreferenced").isTrue();
    }

    @Test
    void aFileAndItsBytesAnywhereInABufferHaveOneLayout() {
        VideoLayout fromFile = scan.of(mjpeg, Deadline.NONE);
        ByteBuffer heap = ByteBuffer.wrap(bytes);
        assertThat(scan.of(heap, "v", Deadline.NONE)).isEqualTo(fromFile);
        assertThat(heap.position()).isZero();
        // offsets count from the buffer's position, not from its start
        ByteBuffer big = ByteBuffer.allocateDirect(bytes.length + 900);
        big.position(500).put(bytes).flip().position(500);
        assertThat(scan.of(big, "v", Deadline.NONE)).isEqualTo(fromFile);
        assertThat(big.position()).isEqualTo(500);
        assertThat(big.limit()).isEqualTo(500 + bytes.length);
    }

    @Test
    void otherStreamsPacketsAreLeftOut() {
        VideoLayout layout = scan.of(withAudio, Deadline.NONE);
        assertThat(layout.frameCount()).isEqualTo(30);
        long[] offsets = layout.offsets();
        int[] sizes = layout.sizes();
        // the muxer groups audio chunks between some frames: those frames' payloads are far apart
        long gaps = java.util.stream.IntStream.range(1, offsets.length)
                .filter(i -> offsets[i] - (offsets[i - 1] + sizes[i - 1]) > 100)
                .count();
        assertThat(gaps).isPositive();
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void aCodecWithInterFramePredictionHasNoLayout() throws Exception {
        assertThat(scan.of(mpeg4, Deadline.NONE)).isNull();
        assertThat(scan.of(ByteBuffer.wrap(Files.readAllBytes(mpeg4)), "inter.mp4", Deadline.NONE))
                .isNull();
    }

    @Test
    void aCutFileHasTheFramesItHoldsAndItsHeadersCount() throws Exception {
        byte[] cut = Arrays.copyOf(bytes, VideoDecoderErrorsTest.chunkOffset(bytes, 20) + 100); // into frame 20
        VideoLayout layout = scan.of(ByteBuffer.wrap(cut), "cut.avi", Deadline.NONE);
        assertThat(layout.frameCount()).isBetween(20, 21);
        assertThat(layout.headerFrames()).isEqualTo(50);
        assertThat(layout.fileSize()).isEqualTo(cut.length);
    }

    @Test
    void whatCannotBeOpenedIsAnErrorNamingTheVideo() throws Exception {
        Path missing = dir.resolve("missing.avi");
        assertThatThrownBy(() -> scan.of(missing, Deadline.NONE))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(missing + ": cannot read: java.nio.file.NoSuchFileException: " + missing);
        byte[] noise = new byte[10_000];
        new Random(2).nextBytes(noise);
        assertThatThrownBy(() -> scan.of(ByteBuffer.wrap(noise), "https://h/noise.avi", Deadline.NONE))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith("https://h/noise.avi: cannot open: ");
        Path text = Files.writeString(dir.resolve("notes.avi"), "EF 55%\n".repeat(100));
        assertThatThrownBy(() -> scan.of(text, Deadline.NONE))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith(text + ": cannot open: ");
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void aScanIsNeverTimedOutByAnEarlierCallsDeadline() {
        parts.deadline.put(System.nanoTime() - 1);
        assertThat(scan.of(ByteBuffer.wrap(bytes), "v", Deadline.NONE).frameCount())
                .isEqualTo(50);
        assertThat(parts.deadline.get()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aContainerOfMoreFramesThanAVideoMayHaveIsNotScannedToItsEnd() throws Exception {
        Path tiny = tinyChunks(dir.resolve("tiny-chunks.avi"), LayoutScan.MAX_PACKETS + 5_000);
        assertThat(scan.of(tiny, Deadline.NONE)).isNull();
        assertThat(scan.of(ByteBuffer.wrap(Files.readAllBytes(tiny)), "tiny.avi", Deadline.NONE))
                .isNull();
        assertThat(parts.clean()).as("packet unreferenced").isTrue();
        // a few tiny chunks fewer than the bound: scanned to the end, every packet listed
        Path fewer = tinyChunks(dir.resolve("fewer-chunks.avi"), LayoutScan.MAX_PACKETS - 50 - 10);
        assertThat(scan.of(fewer, Deadline.NONE).frameCount()).isEqualTo(LayoutScan.MAX_PACKETS - 10);
    }

    @Test
    void aScanGivesUpAtTheDeadlineNamingTheVideo() throws Exception {
        Path tiny = tinyChunks(dir.resolve("deadline.avi"), 5_000);
        long passed = System.nanoTime() - 1;
        assertThatThrownBy(() -> scan.of(tiny, passed))
                .isInstanceOf(DecodeTimeoutException.class)
                .hasMessageContaining(tiny.toString());
        assertThatThrownBy(() -> scan.of(ByteBuffer.wrap(Files.readAllBytes(tiny)), "https://h/d.avi", passed))
                .isInstanceOf(DecodeTimeoutException.class)
                .hasMessageContaining("https://h/d.avi");
        assertThat(parts.clean()).as("packet unreferenced").isTrue();
        assertThat(scan.of(tiny, Deadline.after(System.nanoTime(), 60_000_000_000L))
                        .frameCount())
                .isEqualTo(50 + 5_000);
    }

    /**
     * The 50-frame MJPEG AVI's header and frames, then {@code extra} two-byte video chunks, and no index: the shape of
     * a crafted file whose packets only a full demuxing pass can count.
     */
    private static Path tinyChunks(Path file, int extra) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] hdrl = null;
        java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
        for (int at = 12; at + 8 <= bytes.length; ) {
            String id = new String(bytes, at, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = in.getInt(at + 4);
            String list = new String(bytes, at + 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (id.equals("LIST") && list.equals("hdrl")) {
                hdrl = Arrays.copyOfRange(bytes, at, at + 8 + size + (size & 1));
            } else if (id.equals("LIST") && list.equals("movi")) {
                for (int p = at + 12; p < at + 8 + size; ) {
                    int s = in.getInt(p + 4);
                    if (bytes[p + 2] == 'd') { // 00dc / 00db: the video stream's chunks
                        frames.write(bytes, p, 8 + s + (s & 1));
                    }
                    p += 8 + s + (s & 1);
                }
            }
            at += 8 + size + (size & 1);
        }
        byte[] chunk = {'0', '0', 'd', 'c', 2, 0, 0, 0, (byte) 0xFF, (byte) 0xD8};
        int movi = 4 + frames.size() + chunk.length * extra;
        ByteBuffer out = ByteBuffer.allocate(12 + hdrl.length + 8 + movi).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(out.capacity() - 8)
                .put("AVI ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put(hdrl)
                .put("LIST".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(movi)
                .put("movi".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put(frames.toByteArray());
        for (int i = 0; i < extra; i++) {
            out.put(chunk);
        }
        return Files.write(file, out.array());
    }
}
