package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDecoderTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 112x112, 150 frames, like EchoNet
    static Path mjpegOdd; // 100x60: not a multiple of 16, decoder linesize > width
    static Path mpeg4; // inter-coded with B-frames: the decode-in-order path
    static Path rawBgr; // not YUV: the swscale path

    VideoDecoder decoder = new VideoDecoder();

    @AfterEach
    void close() {
        decoder.close();
    }

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET); // the recorder is chatty
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 112, 112, 150);
        mjpegOdd = TestVideos.mjpegAvi(dir.resolve("odd.avi"), 100, 60, 40);
        mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 112, 112, 150);
        rawBgr = TestVideos.rawBgrAvi(dir.resolve("raw.avi"), 100, 60, 20);
    }

    /** What the sink saw: position, frame number read from the pixels, size, and a copy of the pixels. */
    record Got(int position, int frame, int width, int height, byte[] gray) {}

    List<Got> decode(Path file, int... frames) {
        return decode(decoder, file, frames).got;
    }

    record Result(List<Got> got, DecodeStats stats) {}

    static Result decode(VideoDecoder d, Path file, int... frames) {
        List<Got> got = new ArrayList<>();
        DecodeStats stats = d.decode(VideoInput.of(file), frames, (pos, gray, w, h) -> {
            assertThat(gray).hasSize(w * h);
            got.add(new Got(pos, TestVideos.frameNumber(gray, w, h), w, h, gray.clone()));
        });
        assertThat(stats.delivered()).isEqualTo(got.size());
        return new Result(got, stats);
    }

    static int[] everySecond(int start, int count) {
        return IntStream.range(0, count).map(i -> start + 2 * i).toArray();
    }

    // ---- intra-only path ----

    @Test
    void intraOnlyDeliversExactlyTheRequestedFramesAndDecodesNothingElse() {
        int[] frames = everySecond(10, 32); // 10, 12, ..., 72
        Result r = decode(decoder, mjpeg, frames);

        assertThat(r.got)
                .extracting(Got::position)
                .containsExactlyElementsOf(IntStream.range(0, 32).boxed().toList());
        assertThat(r.got)
                .extracting(Got::frame)
                .containsExactlyElementsOf(IntStream.of(frames).boxed().toList());
        assertThat(r.got).allSatisfy(g -> assertThat(g.width * 1000 + g.height).isEqualTo(112_112));
        assertThat(r.stats.framesDecoded()).isEqualTo(32);
        // 0..9 before the clip and the 31 odd frames inside it; nothing after 72 was even read
        assertThat(r.stats.packetsSkipped()).isEqualTo(10 + 31);
    }

    @Test
    void stopsReadingAfterTheLastNeededFrame() throws Exception {
        DecodeStats early = decode(decoder, mjpeg, 0, 1).stats;
        DecodeStats late = decode(decoder, mjpeg, 0, 149).stats;

        assertThat(early.packetsSkipped()).isZero();
        assertThat(late.packetsSkipped()).isEqualTo(148);
        assertThat(early.bytesRead()).isPositive().isLessThan(late.bytesRead() / 20);
        assertThat(late.bytesRead()).isLessThan(Files.size(mjpeg));
    }

    @Test
    void repeatsAreDeliveredPerPositionButDecodedOnce() {
        Result r = decode(decoder, mjpeg, 0, 0, 5, 5, 5, 9, 149);

        assertThat(r.got).extracting(Got::position).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(r.got).extracting(Got::frame).containsExactly(0, 0, 5, 5, 5, 9, 149);
        assertThat(r.stats.framesDecoded()).isEqualTo(4);
        assertThat(r.stats.packetsSkipped()).isEqualTo(150 - 4);
    }

    @Test
    void framesPastTheEndAreNotDeliveredAndFormASuffix() {
        Result r = decode(decoder, mjpeg, 140, 145, 149, 150, 150, 160);

        assertThat(r.got).extracting(Got::position).containsExactly(0, 1, 2);
        assertThat(r.got).extracting(Got::frame).containsExactly(140, 145, 149);
        assertThat(decode(mjpeg, 150, 300)).isEmpty();
    }

    @Test
    void emptyRequestDeliversNothingAndTouchesNoFile() {
        DecodeStats stats =
                decoder.decode(VideoInput.of(dir.resolve("does-not-exist.avi")), new int[0], (p, g, w, h) -> {
                    throw new AssertionError("no frame expected");
                });
        assertThat(stats).isEqualTo(new DecodeStats(0, 0, 0, 0));
    }

    @Test
    void lumaOfAnOddSizedVideoMatchesAReferenceDecodeByteForByte() throws Exception {
        List<byte[]> reference = TestVideos.grabAllGray(mjpegOdd);
        List<Got> got = decode(mjpegOdd, IntStream.range(0, 40).toArray());

        assertThat(reference).hasSize(40);
        assertThat(got).hasSize(40);
        for (Got g : got) {
            assertThat(g.width).isEqualTo(100);
            assertThat(g.height).isEqualTo(60);
            assertThat(g.frame).isEqualTo(g.position);
            assertThat(g.gray).as("frame %d", g.position).isEqualTo(reference.get(g.position));
        }
    }

    @Test
    void copyPlaneHonoursALinesizeLargerThanTheWidth() {
        int width = 100, height = 60, linesize = 128;
        byte[] padded = new byte[linesize * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < linesize; x++) {
                padded[y * linesize + x] = (byte) (x < width ? (y * 7 + x) : 0xEE); // padding must not leak
            }
        }
        byte[] packed = new byte[width * height];
        try (BytePointer plane = new BytePointer(padded)) {
            GrayConversion.copyPlane(plane, linesize, width, height, packed);
            // the pointer's position is left wherever the copy ended: a second copy must not depend on it
            byte[] again = new byte[width * height];
            GrayConversion.copyPlane(plane, linesize, width, height, again);
            assertThat(again).isEqualTo(packed);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertThat(packed[y * width + x]).as("(%d,%d)", x, y).isEqualTo((byte) (y * 7 + x));
            }
        }
    }

    @Test
    void nonYuvPixelFormatsAreConvertedToGray() throws Exception {
        assertThat(decoder.probe(VideoInput.of(rawBgr)).intraOnly()).isTrue();
        List<byte[]> reference = TestVideos.grabAllGray(rawBgr);
        Result r = decode(decoder, rawBgr, 0, 3, 3, 19);

        assertThat(r.got).extracting(Got::frame).containsExactly(0, 3, 3, 19);
        assertThat(r.stats.framesDecoded()).isEqualTo(3);
        for (Got g : r.got) {
            // bottom-up BGR rows: an upside-down copy would read a different frame number above
            assertThat(g.gray).as("frame %d", g.frame).isEqualTo(reference.get(g.frame));
        }
    }

    // ---- decode-in-order fallback ----

    @Test
    void interCodedVideosGiveTheSameFramesByDecodingInOrder() throws Exception {
        int[] frames = everySecond(37, 32); // 37..99, crosses GOPs and B-frames
        Result intra = decode(decoder, mjpeg, frames);
        Result inter = decode(decoder, mpeg4, frames);

        assertThat(inter.got)
                .extracting(Got::frame)
                .containsExactlyElementsOf(IntStream.of(frames).boxed().toList());
        assertThat(inter.got)
                .extracting(Got::frame)
                .isEqualTo(intra.got.stream().map(Got::frame).toList());
        assertThat(inter.stats.packetsSkipped()).isZero();
        // every picture up to the last needed one, nothing after it
        assertThat(inter.stats.framesDecoded()).isEqualTo(99 + 1);
    }

    @Test
    void interCodedPixelsMatchAReferenceDecode() throws Exception {
        List<byte[]> reference = TestVideos.grabAllGray(mpeg4);
        Result r = decode(decoder, mpeg4, 0, 0, 11, 12, 13, 149, 150);

        assertThat(r.got).extracting(Got::frame).containsExactly(0, 0, 11, 12, 13, 149);
        for (Got g : r.got) {
            // limited-range luma stretched to full range like swscale does, up to rounding
            assertThat(maxDifference(g.gray, reference.get(g.frame)))
                    .as("frame %d", g.frame)
                    .isLessThanOrEqualTo(1);
        }
        // dark cells are 30 in full range (42 in MPEG-4's limited range)
        assertThat(r.got.get(0).gray[0] & 0xff).isBetween(28, 32);
        assertThat(r.stats.framesDecoded()).isEqualTo(150);
    }

    static int maxDifference(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        int max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
        return max;
    }

    // ---- probe ----

    @Test
    void probeReadsTheHeader() {
        assertThat(decoder.probe(VideoInput.of(mjpeg))).satisfies(i -> {
            assertThat(i.width()).isEqualTo(112);
            assertThat(i.height()).isEqualTo(112);
            assertThat(i.fps()).isCloseTo(50.0, within(1e-9));
            assertThat(i.frameCount()).isEqualTo(150);
            assertThat(i.codec()).isEqualTo("mjpeg");
            assertThat(i.intraOnly()).isTrue();
        });
        assertThat(decoder.probe(VideoInput.of(mpeg4))).satisfies(i -> {
            assertThat(i.width()).isEqualTo(112);
            assertThat(i.fps()).isCloseTo(50.0, within(1e-6));
            assertThat(i.frameCount()).isEqualTo(150);
            assertThat(i.codec()).isEqualTo("mpeg4");
            assertThat(i.intraOnly()).isFalse();
        });
        assertThat(decoder.probe(VideoInput.of(mjpegOdd)))
                .extracting(VideoInfo::width, VideoInfo::height, VideoInfo::frameCount)
                .containsExactly(100, 60, 40);
    }
}
