package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clip decoded from only its frames' bytes (what a Range request fetches) must equal, byte for byte, the same
 * clip decoded from the whole file through the container.
 */
class VideoLayoutTest {

    @TempDir
    static Path dir;

    static List<byte[]> videos = new ArrayList<>();
    static byte[] mpeg4;

    final VideoDecoder decoder = new VideoDecoder();

    @BeforeAll
    static void writeVideos() throws Exception {
        // phantom EchoNet files, written by the same encoder settings as the dataset generator
        EchoNetPhantom.Summary s = new EchoNetPhantom(
                        EchoNetPhantom.Options.builder().videos(3).seed(7).build())
                .write(dir.resolve("echonet"));
        try (Stream<Path> files = Files.list(s.root().resolve("Videos"))) {
            for (Path f : files.sorted().toList()) {
                videos.add(Files.readAllBytes(f));
            }
        }
        videos.add(Files.readAllBytes(TestVideos.mjpegAvi(dir.resolve("plain.avi"), 96, 64, 60)));
        mpeg4 = Files.readAllBytes(TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 64, 64, 30));
    }

    @AfterEach
    void close() {
        decoder.close();
    }

    @Test
    void theLayoutListsEveryFrameInsideTheFile() {
        for (byte[] v : videos) {
            VideoLayout layout = decoder.layout(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
            VideoInfo info = decoder.probe(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
            assertThat(layout).isNotNull();
            assertThat(layout.frameCount()).isEqualTo(info.frameCount());
            assertThat(layout.fileSize()).isEqualTo(v.length);
            assertThat(layout.width()).isEqualTo(info.width());
            // each payload is a JPEG: starts with SOI
            for (long at : layout.offsets()) {
                assertThat(v[(int) at] & 0xff).isEqualTo(0xFF);
                assertThat(v[(int) at + 1] & 0xff).isEqualTo(0xD8);
            }
        }
    }

    private static VideoLayout layout(long fileSize, long[] offsets, int[] sizes) {
        return new VideoLayout(7, 0x47504a4d, 4, 2, new byte[0], offsets.length, fileSize, offsets, sizes);
    }

    /** Frames may touch each other and the file's end; they may not overlap, run past it or lie before its start. */
    @Test
    void framesLieInOrderInsideTheFileWithoutOverlapping() {
        VideoLayout tight = layout(30, new long[] {10, 20}, new int[] {10, 10});
        assertThat(tight.frameCount()).isEqualTo(2);
        assertThat(layout(30, new long[] {10, 21}, new int[] {0, 9}).frameCount())
                .isEqualTo(2); // an empty frame
        assertThatThrownBy(() -> layout(30, new long[] {10, 19}, new int[] {10, 10}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame 1 at 19 (+10 bytes) is not after the previous frame and inside the 30-byte file");
        assertThatThrownBy(() -> layout(29, new long[] {10, 20}, new int[] {10, 10}))
                .hasMessageStartingWith("frame 1 at 20 (+10 bytes)");
        assertThatThrownBy(() -> layout(30, new long[] {-1}, new int[] {5})).hasMessageStartingWith("frame 0 at -1");
        assertThatThrownBy(() -> layout(30, new long[] {0}, new int[] {-1}))
                .hasMessageStartingWith("frame 0 at 0 (+-1");
        assertThatThrownBy(() -> layout(30, new long[] {0, 5}, new int[] {5})).hasMessage("2 offsets but 1 sizes");
    }

    @Test
    void layoutsAreEqualByTheirValues() {
        VideoLayout a = layout(30, new long[] {10, 20}, new int[] {10, 10});
        assertThat(a)
                .isEqualTo(layout(30, new long[] {10, 20}, new int[] {10, 10}))
                .hasSameHashCodeAs(layout(30, new long[] {10, 20}, new int[] {10, 10}))
                .isNotEqualTo(layout(31, new long[] {10, 20}, new int[] {10, 10}))
                .isNotEqualTo(layout(30, new long[] {10, 21}, new int[] {10, 9}))
                .isNotEqualTo(layout(30, new long[] {10, 20}, new int[] {10, 9}))
                .isNotEqualTo(new VideoLayout(7, 0, 4, 2, new byte[0], 2, 30, new long[] {10, 20}, new int[] {10, 10}))
                .isNotEqualTo(new VideoLayout(
                        7, 0x47504a4d, 4, 2, new byte[] {1}, 2, 30, new long[] {10, 20}, new int[] {10, 10}));
        assertThat(a).hasToString("VideoLayout[2 frames of 4x2, 30 bytes]");
    }

    @Test
    void aCodecWithInterFramePredictionHasNoLayout() throws Exception {
        assertThat(decoder.layout(VideoInput.of(ByteBuffer.wrap(mpeg4), "inter.mp4")))
                .isNull();
        assertThat(decoder.layout(VideoInput.of(Files.write(dir.resolve("inter-copy.mp4"), mpeg4))))
                .isNull();
    }

    @Test
    void aFilesLayoutIsTheLayoutOfItsBytes() throws Exception {
        for (int i = 0; i < videos.size(); i++) {
            Path file = Files.write(dir.resolve("copy" + i + ".avi"), videos.get(i));
            assertThat(decoder.layout(VideoInput.of(file)))
                    .isEqualTo(decoder.layout(VideoInput.of(ByteBuffer.wrap(videos.get(i)), "v.avi")));
        }
        assertThatThrownBy(() -> decoder.layout(VideoInput.of(dir.resolve("missing.avi"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("missing.avi");
    }

    @Test
    void spanDecodingEqualsWholeFileDecoding() {
        Random random = new Random(3);
        for (byte[] v : videos) {
            VideoLayout layout = decoder.layout(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
            int n = layout.frameCount();
            List<int[]> requests = new ArrayList<>(List.of(
                    new int[] {0}, new int[] {n - 1}, new int[] {2, 2, 3, 9}, new int[] {n - 3, n - 1, n + 4, n + 9
                    })); // the last two are past the end: padding
            for (int r = 0; r < 5; r++) {
                int start = random.nextInt(n);
                int stride = 1 + random.nextInt(3);
                int[] clip = new int[32];
                for (int i = 0; i < clip.length; i++) {
                    clip[i] = start + i * stride;
                }
                requests.add(clip);
            }
            for (int[] frames : requests) {
                List<byte[]> whole = new ArrayList<>();
                DecodeStats w = decoder.decode(
                        VideoInput.of(ByteBuffer.wrap(v), "v.avi"), frames, (p, g, wd, h) -> whole.add(g.clone()));
                long[] span = layout.span(frames);
                // the span's bytes only, in a buffer of their own, as a Range response arrives
                ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOfRange(v, (int) span[0], (int) span[1]));
                List<byte[]> part = new ArrayList<>();
                DecodeStats s = decoder.decode(
                        layout, bytes, span[0], "v.avi", frames, (p, g, wd, h) -> part.add(g.clone()), Long.MAX_VALUE);
                assertThat(s.delivered()).as(Arrays.toString(frames)).isEqualTo(w.delivered());
                assertThat(part).hasSameSizeAs(whole);
                for (int i = 0; i < whole.size(); i++) {
                    assertThat(part.get(i))
                            .as("position " + i + " of " + Arrays.toString(frames))
                            .isEqualTo(whole.get(i));
                }
                assertThat(s.bytesRead()).isLessThanOrEqualTo(span[1] - span[0]);
            }
        }
    }

    @Test
    void aSpanThatMissesARequestedFrameIsRefused() {
        byte[] v = videos.get(0);
        VideoLayout layout = decoder.layout(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
        long[] span = layout.span(5, 9);
        ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOfRange(v, (int) span[0], (int) span[1]));
        assertThatThrownBy(() -> decoder.decode(
                        layout, bytes, span[0], "v.avi", new int[] {5, 10}, (p, g, w, h) -> {}, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame 10");
    }

    @Test
    void aCorruptFrameInTheSpanNamesTheVideo() {
        byte[] v = videos.get(0).clone();
        VideoLayout layout = decoder.layout(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
        long at = layout.offsets()[4];
        Arrays.fill(v, (int) at, (int) at + layout.sizes()[4], (byte) 0);
        long[] span = layout.span(4, 4);
        ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOfRange(v, (int) span[0], (int) span[1]));
        assertThatThrownBy(() -> decoder.decode(
                        layout, bytes, span[0], "https://h/v.avi", new int[] {4}, (p, g, w, h) -> {}, Long.MAX_VALUE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("https://h/v.avi")
                .hasMessageContaining("frame 4");
    }

    @Test
    void aSpanOfOtherBytesIsRefusedNotDecodedToGreyPictures() {
        // a server's 206 with the right Content-Range whose body starts 7 bytes later in the file
        byte[] v = videos.get(0);
        VideoLayout layout = decoder.layout(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
        long[] span = layout.span(4, 8);
        ByteBuffer shifted = ByteBuffer.wrap(Arrays.copyOfRange(v, (int) span[0] + 7, (int) span[1] + 7));
        assertThatThrownBy(() -> decoder.decode(
                        layout,
                        shifted,
                        span[0],
                        "https://h/v.avi",
                        new int[] {4, 6, 8},
                        (p, g, w, h) -> {},
                        Long.MAX_VALUE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("https://h/v.avi")
                .hasMessageContaining("frame 4 (bytes " + layout.offsets()[4])
                .hasMessageContaining("does not start with a JPEG start-of-image marker");
    }

    @Test
    void aTruncatedVideoIsReportedAsTheWholeFileWouldBe() {
        byte[] v = videos.get(0);
        VideoLayout full = decoder.layout(VideoInput.of(ByteBuffer.wrap(v), "v.avi"));
        // cut the file in the middle of its frames: the header still announces them all
        int cut = (int) full.offsets()[full.frameCount() / 2];
        byte[] truncated = Arrays.copyOf(v, cut);
        VideoLayout layout = decoder.layout(VideoInput.of(ByteBuffer.wrap(truncated), "cut.avi"));
        assertThat(layout.frameCount()).isLessThan(full.frameCount());
        int[] frames = {layout.frameCount() - 1, layout.frameCount() + 1};
        long[] span = layout.span(frames);
        ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOfRange(truncated, (int) span[0], (int) span[1]));
        assertThatThrownBy(() -> decoder.decode(
                        VideoInput.of(ByteBuffer.wrap(truncated), "cut.avi"), frames, (p, g, w, h) -> {}))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() ->
                        decoder.decode(layout, bytes, span[0], "cut.avi", frames, (p, g, w, h) -> {}, Long.MAX_VALUE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("truncated");
    }
}
