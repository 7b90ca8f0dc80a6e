package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InOrderDecodeTest {

    @TempDir
    static Path dir;

    static Path mpeg4; // 64x64, 40 frames, GOP of 12 with B-frames
    static Path mjpeg; // 64x64, 40 frames

    final StageFixture parts = new StageFixture();
    final InOrderDecode stage = new InOrderDecode(parts.packet, parts.frame, parts.gray);

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 64, 64, 40);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 64, 64, 40);
    }

    @AfterEach
    void close() {
        parts.close();
    }

    record Run(List<String> got, DecodeStats stats) {}

    /** Position, frame number read from the pixels and a CRC of them, per delivery. */
    static Run decode(ContainerInput in, InOrderDecode stage, int... frames) {
        List<String> got = new ArrayList<>();
        DecodeStats stats = stage.decode(in, frames, (p, g, w, h) -> {
            CRC32 crc = new CRC32();
            crc.update(g, 0, w * h);
            got.add(p + ":" + TestVideos.frameNumber(g, w, h) + ":" + Long.toHexString(crc.getValue()));
        });
        return new Run(got, stats);
    }

    Run decode(Path file, int... frames) {
        try (ContainerInput in = parts.open(file)) {
            return decode(in, stage, frames);
        }
    }

    static List<String> frameNumbers(Run r) {
        return r.got.stream().map(s -> s.substring(0, s.lastIndexOf(':'))).toList();
    }

    @Test
    void picturesAreCountedInDisplayOrderAndReadingStopsAfterTheLastNeeded() {
        Run r = decode(mpeg4, 0, 11, 12, 13, 13);
        assertThat(frameNumbers(r)).containsExactly("0:0", "1:11", "2:12", "3:13", "4:13");
        assertThat(r.stats)
                .extracting(DecodeStats::delivered, DecodeStats::framesDecoded, DecodeStats::packetsSkipped)
                .containsExactly(5, 14, 0);
        assertThat(parts.clean()).as("packet and frame unreferenced").isTrue();
    }

    @Test
    void theDelayedPicturesAreDrainedAtTheEnd() {
        Run r = decode(mpeg4, 37, 38, 39, 40, 41);
        assertThat(frameNumbers(r)).containsExactly("0:37", "1:38", "2:39");
        assertThat(r.stats.framesDecoded()).isEqualTo(40);
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void anIntraOnlyVideoDecodedInOrderGivesTheSamePixelsAsSkippingPackets() {
        int[] frames = {1, 4, 4, 30, 39};
        Run inOrder = decode(mjpeg, frames);
        List<String> skipping = new ArrayList<>();
        try (ContainerInput in = parts.open(mjpeg)) {
            new IntraOnlyDecode(parts.packet, parts.frame, parts.gray).decode(in, frames, (p, g, w, h) -> {
                CRC32 crc = new CRC32();
                crc.update(g, 0, w * h);
                skipping.add(p + ":" + TestVideos.frameNumber(g, w, h) + ":" + Long.toHexString(crc.getValue()));
            });
        }
        assertThat(inOrder.got).containsExactlyElementsOf(skipping);
        assertThat(inOrder.stats.framesDecoded())
                .as("every picture up to the last needed")
                .isEqualTo(40);
    }

    @Test
    void aThrowingSinkStopsTheCallAndTheNextCallStartsAfresh() {
        RuntimeException boom = new IllegalStateException("slot gone");
        assertThatThrownBy(() -> {
                    try (ContainerInput in = parts.open(mpeg4)) {
                        stage.decode(in, new int[] {3, 5}, (p, g, w, h) -> {
                            throw boom;
                        });
                    }
                })
                .isSameAs(boom);
        assertThat(frameNumbers(decode(mpeg4, 3, 5))).containsExactly("0:3", "1:5");
    }

    @Test
    void aPassedDeadlineStopsBeforeTheNextPacket() {
        try (ContainerInput in = parts.open(mpeg4)) {
            parts.deadline.put(System.nanoTime() - 1);
            assertThatThrownBy(() -> stage.decode(in, new int[] {0}, (p, g, w, h) -> {}))
                    .isExactlyInstanceOf(DecodeTimeoutException.class)
                    .hasMessage(mpeg4 + ": timed out after reading 0 frames");
        }
    }
}
