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
        VideoLayout layout = scan.of(mjpeg);
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
        VideoLayout fromFile = scan.of(mjpeg);
        ByteBuffer heap = ByteBuffer.wrap(bytes);
        assertThat(scan.of(heap, "v")).isEqualTo(fromFile);
        assertThat(heap.position()).isZero();
        // offsets count from the buffer's position, not from its start
        ByteBuffer big = ByteBuffer.allocateDirect(bytes.length + 900);
        big.position(500).put(bytes).flip().position(500);
        assertThat(scan.of(big, "v")).isEqualTo(fromFile);
        assertThat(big.position()).isEqualTo(500);
        assertThat(big.limit()).isEqualTo(500 + bytes.length);
    }

    @Test
    void otherStreamsPacketsAreLeftOut() {
        VideoLayout layout = scan.of(withAudio);
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
        assertThat(scan.of(mpeg4)).isNull();
        assertThat(scan.of(ByteBuffer.wrap(Files.readAllBytes(mpeg4)), "inter.mp4"))
                .isNull();
    }

    @Test
    void aCutFileHasTheFramesItHoldsAndItsHeadersCount() throws Exception {
        byte[] cut = Arrays.copyOf(bytes, VideoDecoderErrorsTest.chunkOffset(bytes, 20) + 100); // into frame 20
        VideoLayout layout = scan.of(ByteBuffer.wrap(cut), "cut.avi");
        assertThat(layout.frameCount()).isBetween(20, 21);
        assertThat(layout.headerFrames()).isEqualTo(50);
        assertThat(layout.fileSize()).isEqualTo(cut.length);
    }

    @Test
    void whatCannotBeOpenedIsAnErrorNamingTheVideo() throws Exception {
        Path missing = dir.resolve("missing.avi");
        assertThatThrownBy(() -> scan.of(missing))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(missing + ": cannot read: java.nio.file.NoSuchFileException: " + missing);
        byte[] noise = new byte[10_000];
        new Random(2).nextBytes(noise);
        assertThatThrownBy(() -> scan.of(ByteBuffer.wrap(noise), "https://h/noise.avi"))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith("https://h/noise.avi: cannot open: ");
        Path text = Files.writeString(dir.resolve("notes.avi"), "EF 55%\n".repeat(100));
        assertThatThrownBy(() -> scan.of(text))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith(text + ": cannot open: ");
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void aScanIsNeverTimedOutByAnEarlierCallsDeadline() {
        parts.deadline.put(System.nanoTime() - 1);
        assertThat(scan.of(ByteBuffer.wrap(bytes), "v").frameCount()).isEqualTo(50);
        assertThat(parts.deadline.get()).isEqualTo(Long.MAX_VALUE);
    }
}
