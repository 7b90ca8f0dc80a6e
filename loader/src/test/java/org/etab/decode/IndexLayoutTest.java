package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.etab.decode.VideoDecoderErrorsTest.ascii;
import static org.etab.decode.VideoDecoderErrorsTest.chunkOffset;
import static org.etab.decode.VideoDecoderErrorsTest.indexOf;
import static org.etab.decode.VideoDecoderErrorsTest.littleEndianInt;
import static org.etab.decode.VideoDecoderErrorsTest.putInt;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

/** A video's layout from its AVI index, in the open that decodes its first clip, against the layout its packets give. */
class IndexLayoutTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 64x48, 50 frames
    static Path withAudio; // 64x48, 30 frames, audio chunks between them
    static Path rawBgr; // uncompressed, intra-only, "00db" chunks
    static Path mpeg4;
    static byte[] bytes;

    final VideoDecoder decoder = new VideoDecoder();

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 64, 48, 50);
        withAudio = TestVideos.mjpegAviWithAudio(dir.resolve("with-audio.avi"), 64, 48, 30);
        rawBgr = TestVideos.rawBgrAvi(dir.resolve("raw.avi"), 32, 24, 12);
        mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 64, 64, 20);
        bytes = Files.readAllBytes(mjpeg);
    }

    @AfterEach
    void close() {
        decoder.close();
    }

    /** The layout the first decode learns from the index, or null when it gives none. */
    private VideoLayout fromIndex(Path file, int... frames) {
        VideoLayout[] learned = {null};
        decoder.decode(VideoInput.of(file), frames, VideoDecoderErrorsTest.IGNORE, Long.MAX_VALUE, l -> {
            assertThat(learned[0]).as("called once").isNull();
            learned[0] = l;
        });
        return learned[0];
    }

    @Test
    void ffmpegWrittenAvisGiveTheLayoutTheirPacketsGive() throws Exception {
        for (Path avi : List.of(mjpeg, withAudio, rawBgr)) {
            VideoLayout layout = fromIndex(avi, 3);
            assertThat(layout)
                    .as(avi.getFileName().toString())
                    .isNotNull()
                    .isEqualTo(decoder.layout(VideoInput.of(avi)));
            ByteBuffer whole = ByteBuffer.wrap(Files.readAllBytes(avi));
            VideoLayout[] inMemory = {null};
            decoder.decode(
                    VideoInput.of(whole, "v"),
                    new int[] {3},
                    VideoDecoderErrorsTest.IGNORE,
                    Long.MAX_VALUE,
                    l -> inMemory[0] = l);
            assertThat(inMemory[0]).isEqualTo(layout);
            assertThat(whole.position()).isZero();
        }
        assertThat(fromIndex(mjpeg, 0).frameCount()).isEqualTo(50);
        assertThat(fromIndex(withAudio, 29).frameCount()).isEqualTo(30);
    }

    @Test
    void everyPhantomVideoHasTheSameLayoutBothWaysAndTheSamePixels() throws Exception {
        List<Path> videos;
        try (Stream<Path> s = Files.list(PhantomDatasets.echonet().resolve("Videos"))) {
            videos = s.sorted().toList();
        }
        assertThat(videos).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        for (Path avi : videos) {
            VideoLayout layout = fromIndex(avi, 1, 7);
            assertThat(layout)
                    .as(avi.getFileName().toString())
                    .isNotNull()
                    .isEqualTo(decoder.layout(VideoInput.of(avi)));
            int[] frames = {0, 2, layout.frameCount() / 2, layout.frameCount() - 1};
            long[] span = layout.span(frames);
            ByteBuffer part = ByteBuffer.wrap(Files.readAllBytes(avi), (int) span[0], (int) (span[1] - span[0]))
                    .slice();
            assertThat(pixels(sink -> decoder.decode(layout, part, span[0], "v", frames, sink, Long.MAX_VALUE)))
                    .isEqualTo(pixels(sink -> decoder.decode(VideoInput.of(avi), frames, sink)));
        }
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

    @Test
    void noLayoutFromAnIndexWhereThereIsNone() throws Exception {
        assertThat(fromIndex(mpeg4, 0)).isNull(); // inter-frame prediction: no layout at all
        // an AVI cut before its idx1: the demuxer has no index, the packets still give a layout
        Path cut = Files.write(dir.resolve("cut.avi"), java.util.Arrays.copyOf(bytes, chunkOffset(bytes, 40)));
        assertThat(fromIndex(cut, 0)).isNull();
        assertThat(decoder.layout(VideoInput.of(cut)).frameCount()).isEqualTo(40);
        // an empty request opens nothing
        assertThat(fromIndex(mjpeg)).isNull();
    }

    @Test
    void anIndexThatDisagreesWithItsChunksIsNotTrusted() throws Exception {
        int idx1 = indexOf(bytes, ascii("idx1"), chunkOffset(bytes, 49));
        assertThat(idx1).isPositive();
        // entry 10's size one byte short: its chunk header says otherwise
        byte[] shortSize = bytes.clone();
        int entry10 = idx1 + 8 + 16 * 10;
        assertThat(new String(shortSize, entry10, 4, StandardCharsets.US_ASCII)).isEqualTo("00dc");
        putInt(shortSize, entry10 + 12, littleEndianInt(shortSize, entry10 + 12) - 1);
        assertFallsBackToTheScan(shortSize, "short.avi", 50);
        // entry 10 pointing at frame 11's chunk (both entries then name one chunk)
        byte[] moved = bytes.clone();
        putInt(moved, entry10 + 8, littleEndianInt(moved, entry10 + 8 + 16));
        putInt(moved, entry10 + 12, littleEndianInt(moved, entry10 + 12 + 16));
        // two entries naming one chunk make FFmpeg read through its index ("non-interleaved"): 49 packets
        assertFallsBackToTheScan(moved, "moved.avi", 49);
        // frame 10's chunk relabelled "00pc" (a palette change): the index entry no longer names a video chunk
        byte[] relabelled = bytes.clone();
        int chunk10 = chunkOffset(bytes, 10);
        relabelled[chunk10 + 2] = 'p';
        assertFallsBackToTheScan(relabelled, "relabelled.avi", 49); // not a frame for the demuxer either
    }

    @Test
    void anEmptyDroppedFrameChunkIsLeftToTheScan() throws Exception {
        // frame 10's chunk shrunk to 0 bytes and the rest of its payload turned into a JUNK chunk
        byte[] dropped = bytes.clone();
        int chunk10 = chunkOffset(bytes, 10);
        int size = littleEndianInt(bytes, chunk10 + 4);
        putInt(dropped, chunk10 + 4, 0);
        System.arraycopy(ascii("JUNK"), 0, dropped, chunk10 + 8, 4);
        putInt(dropped, chunk10 + 12, size - 8);
        int idx1 = indexOf(dropped, ascii("idx1"), chunkOffset(bytes, 49));
        putInt(dropped, idx1 + 8 + 16 * 10 + 12, 0);
        Path file = Files.write(dir.resolve("dropped.avi"), dropped);
        assertThat(fromIndex(file, 0)).isNull(); // FFmpeg lists no empty chunk: 49 entries for 50 frames
        assertThat(decoder.layout(VideoInput.of(file))).isNotNull();
    }

    @Test
    void aHeaderFrameCountTheFileCannotHoldAllocatesNothingFromIt() throws Exception {
        for (int count : new int[] {0x7fffffff, 0x10000000}) {
            byte[] lying = bytes.clone();
            int strh = indexOf(lying, ascii("strh"), 0);
            putInt(lying, strh + 8 + 32, count); // strh dwLength
            int avih = indexOf(lying, ascii("avih"), 0);
            putInt(lying, avih + 8 + 16, count); // avih dwTotalFrames
            Path file = Files.write(dir.resolve("lying-" + count + ".avi"), lying);
            long before = allocatedBytes();
            assertThat(fromIndex(file, 0, 49)).isNull(); // index and header disagree
            VideoLayout scanned = decoder.layout(VideoInput.of(file));
            long allocated = allocatedBytes() - before;
            assertThat(scanned.frameCount()).isEqualTo(50); // from the real packets
            assertThat(allocated)
                    .as("bytes allocated for a %d-byte file", lying.length)
                    .isLessThan(8L << 20);
            // a frame past the real end is a truncation named with the file, as for a cut file
            assertThatThrownBy(() -> decoder.decode(VideoInput.of(file), new int[] {60}, VideoDecoderErrorsTest.IGNORE))
                    .isInstanceOf(DecodeException.class)
                    .hasMessage(file + ": truncated: header says " + count + " frames but the file ends after 50");
        }
    }

    /**
     * Seeded random damage to the RIFF headers and the idx1 of a valid AVI: each read either succeeds or throws
     * {@link DecodeException}; no call allocates more than a bound; and a layout the index gives is the one the
     * packets give, its clips decoding to the same pixels from their bytes alone.
     */
    @Test
    void damagedHeadersAndIndexNeverEscapeNorMislead() throws Exception {
        int movi = indexOf(bytes, ascii("movi"), 0);
        int idx1 = indexOf(bytes, ascii("idx1"), chunkOffset(bytes, 49));
        int[] interesting = {0, 1, -1, 0x7fffffff, 0x10000000, 0x80000000, bytes.length, bytes.length + 1, 16, 8};
        Random random = new Random(20261203L);
        Path file = dir.resolve("fuzz.avi");
        List<String> escaped = new ArrayList<>();
        int fromIndex = 0;
        int rejected = 0;
        for (int c = 0; c < 400; c++) {
            byte[] b = bytes.clone();
            boolean header = random.nextBoolean();
            int from = header ? 0 : idx1;
            int to = header ? movi + 4 : b.length;
            for (int e = 1 + random.nextInt(4); e > 0; e--) {
                int at = from + random.nextInt(to - from);
                switch (random.nextInt(3)) {
                    case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                    case 1 -> b[at] = (byte) random.nextInt(256);
                    default -> putInt(b, Math.min(at & ~3, to - 4), interesting[random.nextInt(interesting.length)]);
                }
            }
            Files.write(file, b);
            int[] frames = {0, 5, 20};
            long before = allocatedBytes();
            try {
                VideoLayout layout = fromIndex(file, frames);
                VideoLayout scanned = decoder.layout(VideoInput.of(file));
                if (layout != null) {
                    fromIndex++;
                    assertThat(layout).as("case %d", c).isEqualTo(scanned);
                    long[] span = layout.span(frames);
                    ByteBuffer part = ByteBuffer.wrap(b, (int) span[0], (int) (span[1] - span[0]))
                            .slice();
                    assertThat(pixels(s -> decoder.decode(layout, part, span[0], "v", frames, s, Long.MAX_VALUE)))
                            .as("case %d", c)
                            .isEqualTo(pixels(s -> decoder.decode(VideoInput.of(file), frames, s)));
                }
            } catch (DecodeException e) {
                assertThat(e.getMessage()).startsWith(file.toString());
                rejected++;
            } catch (Throwable t) {
                escaped.add("case " + c + ": " + t);
            }
            assertThat(allocatedBytes() - before).as("case %d allocated", c).isLessThan(16L << 20);
        }
        assertThat(escaped).isEmpty();
        assertThat(fromIndex).as("undamaged index entries still give layouts").isPositive();
        assertThat(rejected).as("some damage is refused").isPositive();
    }

    private void assertFallsBackToTheScan(byte[] avi, String name, int packets) throws Exception {
        Path file = Files.write(dir.resolve(name), avi);
        assertThat(fromIndex(file, 0, 20)).as(name).isNull();
        assertThat(decoder.layout(VideoInput.of(file)).frameCount()).as(name).isEqualTo(packets);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
