package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntraOnlyDecodeTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 64x48, 60 frames
    static Path withAudio; // 64x48, 40 frames, audio chunks between them

    final StageFixture parts = new StageFixture();
    final IntraOnlyDecode stage = new IntraOnlyDecode(parts.packet, parts.frame, parts.gray);

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 64, 48, 60);
        withAudio = TestVideos.mjpegAviWithAudio(dir.resolve("with-audio.avi"), 64, 48, 40);
    }

    @AfterEach
    void close() {
        parts.close();
    }

    record Run(List<String> got, DecodeStats stats) {}

    /** Position and frame number read from the pixels, per delivery. */
    Run decode(Path file, int... frames) {
        List<String> got = new ArrayList<>();
        try (ContainerInput in = parts.open(file)) {
            DecodeStats stats =
                    stage.decode(in, frames, (p, g, w, h) -> got.add(p + ":" + TestVideos.frameNumber(g, w, h)));
            return new Run(got, stats);
        }
    }

    @Test
    void onlyThePacketsOfRequestedFramesAreDecoded() throws Exception {
        Run r = decode(mjpeg, 10, 12, 12, 40);
        assertThat(r.got).containsExactly("0:10", "1:12", "2:12", "3:40");
        // 0..9, 11 and 13..39 read and dropped; reading stopped at 40
        assertThat(r.stats)
                .extracting(DecodeStats::delivered, DecodeStats::framesDecoded, DecodeStats::packetsSkipped)
                .containsExactly(4, 3, 10 + 1 + 27);
        assertThat(r.stats.bytesRead()).isPositive().isLessThan(Files.size(mjpeg) * 45 / 60);
        assertThat(parts.clean()).as("packet and frame unreferenced").isTrue();
    }

    @Test
    void framesPastTheEndAreLeftUndeliveredWhenTheHeaderAgrees() {
        Run r = decode(mjpeg, 58, 59, 60, 99);
        assertThat(r.got).containsExactly("0:58", "1:59");
        assertThat(r.stats.delivered()).isEqualTo(2);
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void packetsOfOtherStreamsAreNeitherCountedNorDecoded() {
        Run r = decode(withAudio, 0, 7, 39);
        assertThat(r.got).containsExactly("0:0", "1:7", "2:39");
        assertThat(r.stats.framesDecoded()).isEqualTo(3);
        assertThat(r.stats.packetsSkipped()).isEqualTo(40 - 3);
    }

    @Test
    void aCutFileIsTruncatedOnlyWhenAMissingFrameIsAskedFor() throws Exception {
        byte[] bytes = Files.readAllBytes(mjpeg);
        Path cut = Files.write(
                dir.resolve("cut.avi"), Arrays.copyOf(bytes, VideoDecoderErrorsTest.chunkOffset(bytes, 30)));
        assertThat(decode(cut, 5, 29).got).containsExactly("0:5", "1:29");
        assertThatThrownBy(() -> decode(cut, 29, 30))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(cut + ": truncated: header says 60 frames but the file ends after 30");
    }

    @Test
    void aFrameThatFailsToDecodeIsNamedAndItsNeighboursStillDecode() throws Exception {
        byte[] bytes = Files.readAllBytes(mjpeg);
        int chunk = VideoDecoderErrorsTest.chunkOffset(bytes, 20);
        int size = VideoDecoderErrorsTest.littleEndianInt(bytes, chunk + 4);
        Path bad = Files.write(dir.resolve("zeros.avi"), bytes);
        try (RandomAccessFile raf = new RandomAccessFile(bad.toFile(), "rw")) {
            raf.seek(chunk + 8);
            raf.write(new byte[size]);
        }
        assertThat(decode(bad, 19, 21).got).containsExactly("0:19", "1:21");
        assertThatThrownBy(() -> decode(bad, 19, 20))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith(bad + ": ")
                .hasMessageContaining("frame 20");
    }

    @Test
    void aThrowingSinkStopsTheCallAndTheNextCallStartsAfresh() {
        RuntimeException boom = new IllegalStateException("slot gone");
        assertThatThrownBy(() -> {
                    try (ContainerInput in = parts.open(mjpeg)) {
                        stage.decode(in, new int[] {3, 4}, (p, g, w, h) -> {
                            throw boom;
                        });
                    }
                })
                .isSameAs(boom);
        assertThat(decode(mjpeg, 3, 4).got).containsExactly("0:3", "1:4");
    }

    @Test
    void aPassedDeadlineStopsBeforeTheNextPacket() {
        try (ContainerInput in = parts.open(mjpeg)) {
            parts.deadline.put(System.nanoTime() - 1);
            assertThatThrownBy(() -> stage.decode(in, new int[] {0}, (p, g, w, h) -> {}))
                    .isExactlyInstanceOf(DecodeTimeoutException.class)
                    .hasMessage(mjpeg + ": timed out after reading 0 frames");
        }
    }
}
