package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory must not grow with the number of decode calls: every format/codec context is freed on
 * every path. FFmpeg's own allocations are invisible to {@link Pointer#totalBytes()}, so the process'
 * physical memory is checked as well, with a bound well below what one leaked context per call costs
 * (one leaked format or codec context per call is ~25 KiB or more: ~70 MiB over the 2,750 calls here;
 * measured with deliberately removed frees).
 */
class VideoDecoderLeakTest {

    @TempDir
    Path dir;

    @Test
    void repeatedDecodesOnOneInstanceDoNotGrowNativeMemory() throws Exception {
        VideoDecoder.setLogLevel(avutil.AV_LOG_QUIET);
        Path mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 112, 112, 150);
        Path mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 112, 112, 40);
        Path raw = TestVideos.rawBgrAvi(dir.resolve("raw.avi"), 100, 60, 10);
        Path missing = dir.resolve("missing.avi");
        byte[] bytes = Files.readAllBytes(mjpeg);
        Path cut = Files.write(dir.resolve("cut.avi"), Arrays.copyOf(bytes, bytes.length / 2));

        int[] clip = new int[32];
        long[] sink = new long[1];
        GrayFrameSink count = (p, g, w, h) -> sink[0] += g[w * h / 2];
        try (VideoDecoder decoder = new VideoDecoder()) {
            Runnable round = () -> {
                for (int i = 0; i < 5; i++) {
                    int start = (int) (sink[0] & 63) + i;
                    for (int k = 0; k < clip.length; k++) clip[k] = start + 2 * k;
                    decoder.decode(VideoInput.of(mjpeg), clip, count); // intra-only path, early stop
                }
                decoder.decode(VideoInput.of(mpeg4), new int[] {1, 5, 20}, count); // decode-in-order path, early stop
                decoder.decode(VideoInput.of(raw), new int[] {0, 9}, count); // swscale path
                decoder.probe(VideoInput.of(mjpeg));
                assertThatThrownBy(() -> decoder.decode(VideoInput.of(missing), new int[] {0}, count))
                        .isInstanceOf(DecodeException.class);
                assertThatThrownBy(() -> decoder.decode(VideoInput.of(cut), new int[] {0, 120}, count))
                        .isInstanceOf(DecodeException.class);
                assertThatThrownBy(() -> decoder.decode(VideoInput.of(mjpeg), new int[] {0, 1}, (p, g, w, h) -> {
                            throw new IllegalStateException("sink failed");
                        }))
                        .isInstanceOf(IllegalStateException.class);
            };
            for (int i = 0; i < 30; i++) round.run(); // warm up: JIT, heap, swscale cache
            System.gc();
            long totalBefore = Pointer.totalBytes();
            long physicalBefore = Pointer.physicalBytes();

            int rounds = 250; // 1,250 clip decodes + 1,500 other calls
            for (int i = 0; i < rounds; i++) round.run();
            System.gc();
            long totalGrowth = Pointer.totalBytes() - totalBefore;
            long physicalGrowth = Pointer.physicalBytes() - physicalBefore;
            System.out.printf(
                    "native growth over %d rounds: JavaCPP %d B, physical %d KiB%n",
                    rounds, totalGrowth, physicalGrowth / 1024);

            assertThat(totalGrowth).as("JavaCPP-tracked bytes").isLessThanOrEqualTo(0);
            assertThat(physicalGrowth).as("physical bytes").isLessThan(16L << 20);
        }
    }

    /**
     * 2,000 calls alternating file and memory inputs, with errors: every in-memory call frees its AVIOContext
     * and its 64 KiB buffer (one leaked per memory call would be ~100 MiB here) and leaves the registry empty.
     */
    @Test
    void alternatingFileAndMemoryDecodesDoNotGrowNativeMemory() throws Exception {
        VideoDecoder.setLogLevel(avutil.AV_LOG_QUIET);
        Path mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 112, 112, 150);
        Path mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 112, 112, 40);
        byte[] bytes = Files.readAllBytes(mjpeg);
        ByteBuffer heap = ByteBuffer.wrap(bytes);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        ByteBuffer inter = ByteBuffer.wrap(Files.readAllBytes(mpeg4));
        ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length / 2));
        byte[] noise = new byte[20_000];
        new Random(3).nextBytes(noise);
        ByteBuffer garbage = ByteBuffer.wrap(noise);

        long[] sink = new long[1];
        GrayFrameSink count = (p, g, w, h) -> sink[0] += g[w * h / 2];
        int[] clip = new int[32];
        try (VideoDecoder decoder = new VideoDecoder()) {
            Runnable round = () -> { // 10 calls: 2 from files, 8 from memory (4 of them failing)
                int start = (int) (sink[0] & 63);
                for (int k = 0; k < clip.length; k++) clip[k] = start + 2 * k;
                decoder.decode(VideoInput.of(mjpeg), clip, count); // file
                decoder.decode(VideoInput.of(heap, "heap"), clip, count); // memory, intra-only
                decoder.decode(VideoInput.of(direct, "direct"), clip, count); // memory, direct buffer
                decoder.decode(VideoInput.of(mpeg4), new int[] {1, 5, 20}, count); // file, in order
                decoder.decode(VideoInput.of(inter, "inter"), new int[] {1, 5, 20}, count); // memory, in order
                decoder.probe(VideoInput.of(direct, "direct")); // memory probe
                assertThatThrownBy(() -> decoder.decode(VideoInput.of(cut, "cut"), new int[] {0, 120}, count))
                        .isInstanceOf(DecodeException.class);
                assertThatThrownBy(() -> decoder.decode(VideoInput.of(garbage, "garbage"), new int[] {0}, count))
                        .isInstanceOf(DecodeException.class);
                assertThatThrownBy(
                                () -> decoder.decode(VideoInput.of(heap, "late"), clip, count, System.nanoTime() - 1))
                        .isInstanceOf(DecodeTimeoutException.class);
                assertThatThrownBy(
                                () -> decoder.decode(VideoInput.of(direct, "sink"), new int[] {0, 1}, (p, g, w, h) -> {
                                    throw new IllegalStateException("sink failed");
                                }))
                        .isInstanceOf(IllegalStateException.class);
            };
            for (int i = 0; i < 30; i++) round.run(); // warm up: JIT, heap
            System.gc();
            long totalBefore = Pointer.totalBytes();
            long physicalBefore = Pointer.physicalBytes();

            int rounds = 200; // 2,000 calls, 1,600 of them from memory
            for (int i = 0; i < rounds; i++) round.run();
            System.gc();
            long totalGrowth = Pointer.totalBytes() - totalBefore;
            long physicalGrowth = Pointer.physicalBytes() - physicalBefore;
            System.out.printf(
                    "file+memory native growth over %d rounds: JavaCPP %d B, physical %d KiB%n",
                    rounds, totalGrowth, physicalGrowth / 1024);

            assertThat(MemoryIO.openCount()).as("registered in-memory inputs").isZero();
            assertThat(totalGrowth).as("JavaCPP-tracked bytes").isLessThanOrEqualTo(0);
            assertThat(physicalGrowth).as("physical bytes").isLessThan(16L << 20);
        }
    }
}
