package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.decode.VideoDecoderErrorsTest.ascii;
import static org.etab.decode.VideoDecoderErrorsTest.chunkOffset;
import static org.etab.decode.VideoDecoderErrorsTest.indexOf;
import static org.etab.decode.VideoDecoderErrorsTest.littleEndianInt;
import static org.etab.decode.VideoDecoderErrorsTest.putInt;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MJPEG AVI's layout read from its own headers and index, without FFmpeg's container: exactly the layout FFmpeg's
 * demuxer gives where the file is of the plain shape, null (decode through the container) where it is not.
 */
class AviIndexTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 64x48, 50 frames
    static byte[] bytes;

    final VideoDecoder decoder = new VideoDecoder();
    final AviIndex index = new AviIndex();

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 64, 48, 50);
        bytes = Files.readAllBytes(mjpeg);
    }

    @AfterEach
    void close() {
        decoder.close();
    }

    private VideoLayout read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            return index.read(ch);
        }
    }

    /** The layout FFmpeg's demuxer gives: from its index in the open that decodes a clip, or from the packets. */
    private VideoLayout ffmpeg(Path file) {
        VideoLayout[] learned = {null};
        decoder.decode(
                VideoInput.of(file), new int[] {0}, VideoDecoderErrorsTest.IGNORE, Long.MAX_VALUE, l -> learned[0] = l);
        return learned[0] != null ? learned[0] : decoder.layout(VideoInput.of(file));
    }

    @Test
    void everyPhantomVideoGivesFfmpegsLayoutAndItsClipsDecodeToTheContainersPixels() throws Exception {
        List<Path> videos;
        try (Stream<Path> s = Files.list(PhantomDatasets.echonet().resolve("Videos"))) {
            videos = s.sorted().toList();
        }
        assertThat(videos).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        for (Path avi : videos) {
            VideoLayout layout = read(avi);
            assertThat(layout).as(avi.getFileName().toString()).isNotNull().isEqualTo(ffmpeg(avi));
            // the same from memory, also from a buffer whose position is not 0 (offsets count from it)
            byte[] contents = Files.readAllBytes(avi);
            byte[] shifted = new byte[contents.length + 100];
            System.arraycopy(contents, 0, shifted, 7, contents.length);
            ByteBuffer inMemory = ByteBuffer.wrap(shifted, 7, contents.length);
            assertThat(index.read(inMemory)).isEqualTo(layout);
            assertThat(inMemory.position()).isEqualTo(7);
            assertThat(inMemory.limit()).isEqualTo(7 + contents.length);
            int[] frames = {0, 1, layout.frameCount() / 2, layout.frameCount() - 1};
            assertSamePixels(avi, Files.readAllBytes(avi), layout, frames);
        }
        VideoLayout small = read(mjpeg);
        assertThat(small).isEqualTo(ffmpeg(mjpeg));
        assertThat(small.frameCount()).isEqualTo(50);
        assertThat(small.width()).isEqualTo(64);
        assertThat(small.height()).isEqualTo(48);
    }

    /**
     * EchoNet-Dynamic's videos were written with OpenCV's {@code VideoWriter} and fourcc MJPG: files from both of its
     * AVI writers (through FFmpeg, and its own, which adds an OpenDML {@code odml}/{@code dmlh} header), written once
     * by {@code opencv/make_avis.py} with OpenCV 4.6.0.
     */
    @Test
    void openCvWrittenAvisGiveFfmpegsLayoutAndItsPixels() throws Exception {
        for (String name : List.of("opencv-ffmpeg.avi", "opencv-mjpeg.avi")) {
            Path avi = dir.resolve(name);
            try (var in = AviIndexTest.class.getResourceAsStream("opencv/" + name)) {
                Files.copy(in, avi);
            }
            VideoLayout layout = read(avi);
            assertThat(layout).as(name).isNotNull().isEqualTo(ffmpeg(avi));
            assertThat(layout.frameCount()).isEqualTo(12);
            assertThat(layout.width()).isEqualTo(48);
            assertThat(layout.height()).isEqualTo(32);
            assertSamePixels(avi, Files.readAllBytes(avi), layout, new int[] {0, 3, 4, 11});
        }
    }

    @Test
    void filesOfAnotherShapeAreLeftToTheContainer() throws Exception {
        List<Path> others = List.of(
                TestVideos.mjpegAviWithAudio(dir.resolve("with-audio.avi"), 64, 48, 30), // two streams
                TestVideos.rawBgrAvi(dir.resolve("raw.avi"), 32, 24, 12), // not MJPEG
                TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 64, 64, 20), // not RIFF
                Files.write(dir.resolve("cut.avi"), java.util.Arrays.copyOf(bytes, chunkOffset(bytes, 40))),
                Files.write(dir.resolve("empty.avi"), new byte[0]),
                Files.write(dir.resolve("riff-only.avi"), java.util.Arrays.copyOf(bytes, 12)));
        for (Path file : others) {
            assertThat(read(file)).as(file.getFileName().toString()).isNull();
        }
    }

    @Test
    void anIndexThatDisagreesWithTheFileIsNotTrusted() throws Exception {
        int idx1 = indexOf(bytes, ascii("idx1"), chunkOffset(bytes, 49));
        int entry10 = idx1 + 8 + 16 * 10;
        // entry 10's size one byte short: its chunk header says otherwise
        byte[] shortSize = bytes.clone();
        putInt(shortSize, entry10 + 12, littleEndianInt(shortSize, entry10 + 12) - 1);
        // entry 10 naming frame 11's chunk
        byte[] moved = bytes.clone();
        putInt(moved, entry10 + 8, littleEndianInt(moved, entry10 + 8 + 16));
        putInt(moved, entry10 + 12, littleEndianInt(moved, entry10 + 12 + 16));
        // frame 10's chunk relabelled "00pc": not a frame
        byte[] relabelled = bytes.clone();
        relabelled[chunkOffset(bytes, 10) + 2] = 'p';
        // the last entry dropped (the idx1 one entry shorter, its bytes turned into a JUNK chunk): frame 49 unlisted
        byte[] unlisted = bytes.clone();
        putInt(unlisted, idx1 + 4, 16 * 49);
        System.arraycopy(ascii("JUNK"), 0, unlisted, idx1 + 8 + 16 * 49, 4);
        putInt(unlisted, idx1 + 8 + 16 * 49 + 4, 8);
        // a header that announces one frame more than the index lists
        byte[] announced = bytes.clone();
        int strh = indexOf(announced, ascii("strh"), 0);
        putInt(announced, strh + 8 + 32, 51);
        for (byte[] b : List.of(shortSize, moved, relabelled, unlisted, announced)) {
            Path file = Files.write(dir.resolve("bad.avi"), b);
            assertThat(read(file)).isNull();
        }
    }

    @Test
    void aVideoOfMoreFramesThanALayoutHoldsIsLeftToTheContainer() throws Exception {
        Path most = TestVideos.mjpegAvi(dir.resolve("most.avi"), 16, 16, VideoLayout.MAX_FRAMES);
        Path more = TestVideos.mjpegAvi(dir.resolve("more.avi"), 16, 16, VideoLayout.MAX_FRAMES + 1);
        VideoLayout layout = read(most);
        assertThat(layout).isNotNull();
        assertThat(layout.offsets()).hasSize(VideoLayout.MAX_FRAMES);
        assertThat(read(more)).isNull();
    }

    @Test
    void aHeaderFrameCountTheFileCannotHoldAllocatesNothingFromIt() throws Exception {
        assertThat(read(mjpeg)).isNotNull(); // what a first read loads (classes, channels) is not counted below
        for (int count : new int[] {0x7fffffff, 0x10000000, -1}) {
            byte[] lying = bytes.clone();
            putInt(lying, indexOf(lying, ascii("strh"), 0) + 8 + 32, count); // strh dwLength
            Path file = Files.write(dir.resolve("lying.avi"), lying);
            long before = allocatedBytes();
            assertThat(read(file)).isNull();
            assertThat(allocatedBytes() - before).as("count %d", count).isLessThan(1L << 20);
        }
    }

    /**
     * Seeded random damage to the RIFF headers, the idx1 and the frames' chunk headers of a valid AVI: each read
     * gives null or exactly the layout FFmpeg's demuxer gives for the damaged file, whose clips then decode to the
     * container's pixels; no read throws or allocates beyond a bound.
     */
    @Test
    void damagedHeadersAndIndexNeverMislead() throws Exception {
        assertThat(read(mjpeg)).isNotNull(); // what a first read loads (classes, channels) is not counted below
        int movi = indexOf(bytes, ascii("movi"), 0);
        int idx1 = indexOf(bytes, ascii("idx1"), chunkOffset(bytes, 49));
        int[] interesting = {0, 1, -1, 0x7fffffff, 0x10000000, 0x80000000, bytes.length, bytes.length + 1, 16, 8};
        Random random = new Random(20261203L);
        Path file = dir.resolve("fuzz.avi");
        int layouts = 0;
        int refused = 0;
        for (int c = 0; c < 600; c++) {
            byte[] b = bytes.clone();
            int region = random.nextInt(3); // the RIFF headers, the idx1, or the frames' chunk headers in movi
            int from = region == 0 ? 0 : idx1;
            int to = region == 0 ? movi + 4 : b.length;
            for (int e = 1 + random.nextInt(4); e > 0; e--) {
                int at = from + random.nextInt(to - from);
                if (region == 2) {
                    from = chunkOffset(bytes, random.nextInt(50));
                    to = from + 8;
                    at = from + random.nextInt(8);
                }
                switch (random.nextInt(3)) {
                    case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                    case 1 -> b[at] = (byte) random.nextInt(256);
                    default -> putInt(b, Math.min(at & ~3, to - 4), interesting[random.nextInt(interesting.length)]);
                }
            }
            Files.write(file, b);
            long before = allocatedBytes();
            VideoLayout layout = read(file);
            assertThat(allocatedBytes() - before).as("case %d allocated", c).isLessThan(1L << 20);
            if (layout == null) {
                refused++;
                continue;
            }
            layouts++;
            assertThat(layout).as("case %d", c).isEqualTo(ffmpeg(file));
            assertSamePixels(file, b, layout, new int[] {0, 5, 20});
        }
        assertThat(layouts).as("undamaged parts still give layouts").isPositive();
        assertThat(refused).as("some damage is refused").isPositive();
    }

    private void assertSamePixels(Path file, byte[] contents, VideoLayout layout, int[] frames) {
        long[] span = layout.span(frames);
        ByteBuffer part = ByteBuffer.wrap(contents, (int) span[0], (int) (span[1] - span[0]))
                .slice();
        assertThat(pixels(sink -> decoder.decode(layout, part, span[0], "v", frames, sink, Long.MAX_VALUE)))
                .as(file.getFileName().toString())
                .isEqualTo(pixels(sink -> decoder.decode(VideoInput.of(file), frames, sink)));
    }

    private static List<String> pixels(java.util.function.Consumer<GrayFrameSink> decode) {
        List<String> out = new ArrayList<>();
        decode.accept((p, gray, w, h) -> {
            CRC32 crc = new CRC32();
            crc.update(gray, 0, w * h);
            out.add(p + ":" + w + "x" + h + ":" + crc.getValue());
        });
        return out;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
