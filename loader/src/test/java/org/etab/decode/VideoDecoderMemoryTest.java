package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Decoding from a {@code ByteBuffer} (custom AVIO) must be indistinguishable from decoding the file. */
class VideoDecoderMemoryTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 112x112, 150 frames: intra-only path
    static Path mpeg4; // 112x112, 150 frames with B-frames: decode-in-order path
    static byte[] mjpegBytes;
    static byte[] mpeg4Bytes;

    final VideoDecoder decoder = new VideoDecoder();
    static final GrayFrameSink IGNORE = (p, g, w, h) -> {};

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 112, 112, 150);
        mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 112, 112, 150);
        mjpegBytes = Files.readAllBytes(mjpeg);
        mpeg4Bytes = Files.readAllBytes(mpeg4);
    }

    @AfterEach
    void close() {
        decoder.close();
        assertThat(MemoryIO.openCount()).as("in-memory inputs still registered").isZero();
    }

    // ---- the ways a caller may hold the bytes ----

    enum Holder {
        HEAP(ByteBuffer::wrap),
        DIRECT(b -> ByteBuffer.allocateDirect(b.length).put(b).flip()),
        /** position > 0 and limit < capacity, junk either side: only position..limit is the file */
        HEAP_SLICE(b -> embed(b, ByteBuffer.wrap(new byte[b.length + 1500]))),
        DIRECT_SLICE(b -> embed(b, ByteBuffer.allocateDirect(b.length + 1500))),
        /** no accessible array: neither the array nor the memcpy path */
        READ_ONLY_HEAP(b -> ByteBuffer.wrap(b).asReadOnlyBuffer());

        final Function<byte[], ByteBuffer> wrap;

        Holder(Function<byte[], ByteBuffer> wrap) {
            this.wrap = wrap;
        }

        private static ByteBuffer embed(byte[] b, ByteBuffer big) {
            byte[] junk = new byte[big.capacity()];
            Arrays.fill(junk, (byte) 0x5a);
            big.put(junk).clear();
            big.position(1000).put(b);
            return big.limit(1000 + b.length).position(1000);
        }
    }

    static Stream<Arguments> holdersAndClips() {
        List<Arguments> out = new ArrayList<>();
        for (Holder h : Holder.values()) {
            out.add(Arguments.of(h, "mjpeg", everySecond(10, 32)));
            out.add(Arguments.of(h, "mjpeg", new int[] {0, 1}));
            out.add(Arguments.of(h, "mjpeg", new int[] {0, 149, 149, 150, 400})); // repeats, past the end
            out.add(Arguments.of(h, "mpeg4", everySecond(3, 32)));
            out.add(Arguments.of(h, "mpeg4", new int[] {1, 5, 20, 20, 149, 150}));
        }
        return out.stream();
    }

    static int[] everySecond(int start, int count) {
        return IntStream.range(0, count).map(i -> start + 2 * i).toArray();
    }

    /** Records what the sink saw, one line per call: position, frame number read from the pixels, size, CRC. */
    static GrayFrameSink recorder(List<String> into) {
        return (p, g, w, h) -> {
            assertThat(g).hasSize(w * h);
            CRC32 crc = new CRC32();
            crc.update(g, 0, w * h);
            into.add("pos " + p + " frame " + TestVideos.frameNumber(g, w, h) + " " + w + "x" + h + " crc "
                    + Long.toHexString(crc.getValue()));
        };
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("holdersAndClips")
    void memoryDecodeGivesTheSameFramesAndStatsAsFileDecode(Holder holder, String video, int[] frames) {
        Path file = video.equals("mjpeg") ? mjpeg : mpeg4;
        ByteBuffer data = holder.wrap.apply(video.equals("mjpeg") ? mjpegBytes : mpeg4Bytes);
        int position = data.position(), limit = data.limit();

        List<String> fromFile = new ArrayList<>();
        DecodeStats fileStats = decoder.decode(VideoInput.of(file), frames, recorder(fromFile));
        List<String> fromMemory = new ArrayList<>();
        DecodeStats memoryStats =
                decoder.decode(VideoInput.of(data, "https://store/" + video), frames, recorder(fromMemory));

        assertThat(fromMemory).isNotEmpty().containsExactlyElementsOf(fromFile);
        assertThat(memoryStats).isEqualTo(fileStats);
        // and the frames are the requested ones, not merely the same wrong ones
        long expected = IntStream.of(frames).filter(f -> f < 150).count();
        assertThat(fromMemory).hasSize((int) expected);
        for (int p = 0; p < expected; p++) {
            assertThat(fromMemory.get(p)).startsWith("pos " + p + " frame " + frames[p] + " 112x112");
        }
        assertThat(data.position()).as("caller's position").isEqualTo(position);
        assertThat(data.limit()).as("caller's limit").isEqualTo(limit);
    }

    @Test
    void probeFromMemoryEqualsProbeOfTheFile() {
        for (Holder h : Holder.values()) {
            assertThat(decoder.probe(VideoInput.of(h.wrap.apply(mjpegBytes), "a")))
                    .as(h.name())
                    .isEqualTo(decoder.probe(VideoInput.of(mjpeg)));
            assertThat(decoder.probe(VideoInput.of(h.wrap.apply(mpeg4Bytes), "b")))
                    .as(h.name())
                    .isEqualTo(decoder.probe(VideoInput.of(mpeg4)));
        }
        assertThat(decoder.probe(VideoInput.of(mjpeg)).frameCount()).isEqualTo(150);
    }

    @Test
    void aBufferSharedByTwoCallsIsReadFromItsPositionEachTime() {
        ByteBuffer data = Holder.DIRECT_SLICE.wrap.apply(mjpegBytes);
        List<Integer> got = new ArrayList<>();
        decoder.decode(
                VideoInput.of(data, "x"), new int[] {7}, (p, g, w, h) -> got.add(TestVideos.frameNumber(g, w, h)));
        decoder.decode(
                VideoInput.of(data, "x"), new int[] {8}, (p, g, w, h) -> got.add(TestVideos.frameNumber(g, w, h)));
        assertThat(got).containsExactly(7, 8);
    }

    // ---- bytes that cannot be decoded ----

    @Test
    void truncatedBytesFailLikeTheTruncatedFileButNameTheGivenName() throws Exception {
        byte[] cutAvi = Arrays.copyOf(mjpegBytes, mjpegBytes.length / 2);
        Path cutAviFile = Files.write(dir.resolve("cut.avi"), cutAvi);
        byte[] cutMp4 = Arrays.copyOf(mpeg4Bytes, mpeg4Bytes.length * 2 / 3); // loses the trailing moov
        Path cutMp4File = Files.write(dir.resolve("cut.mp4"), cutMp4);

        assertSameFailure(cutAviFile, cutAvi, new int[] {0, 100}, "truncated");
        assertSameFailure(cutMp4File, cutMp4, new int[] {0}, "cannot open");
        // frames before the cut are still fine, as with the file: reading stops before it
        List<String> got = new ArrayList<>();
        decoder.decode(VideoInput.of(ByteBuffer.wrap(cutAvi), "cut"), new int[] {0, 10}, recorder(got));
        assertThat(got).hasSize(2).satisfies(g -> assertThat(g.get(1)).startsWith("pos 1 frame 10 "));
    }

    private void assertSameFailure(Path file, byte[] bytes, int[] frames, String reason) {
        String name = "s3://bucket/" + file.getFileName();
        Throwable fromFile = catchDecode(() -> decoder.decode(VideoInput.of(file), frames, IGNORE));
        for (Holder h : Holder.values()) {
            Throwable fromMemory =
                    catchDecode(() -> decoder.decode(VideoInput.of(h.wrap.apply(bytes), name), frames, IGNORE));
            assertThat(fromMemory)
                    .as(h.name())
                    .isExactlyInstanceOf(DecodeException.class)
                    .hasMessageStartingWith(name + ": ")
                    .hasMessageContaining(reason);
            DecodeException e = (DecodeException) fromMemory;
            assertThat(e.source()).isEqualTo(name);
            assertThat(e.file()).isNull();
            // the same reason as for the file, only the name differs
            assertThat(e.getMessage().substring(name.length()))
                    .isEqualTo(fromFile.getMessage().substring(file.toString().length()));
        }
    }

    private static Throwable catchDecode(Runnable r) {
        try {
            r.run();
        } catch (DecodeException e) {
            return e;
        }
        throw new AssertionError("expected a DecodeException");
    }

    @Test
    void garbageTextAndEmptyBuffersAreNotVideos() {
        byte[] garbage = new byte[50_000];
        new Random(1).nextBytes(garbage);
        byte[] text = "frame,label\n1,2\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        ByteBuffer emptySlice = ByteBuffer.wrap(mjpegBytes, 500, 0); // position == limit inside a video
        for (ByteBuffer data : List.of(
                ByteBuffer.wrap(garbage),
                ByteBuffer.wrap(text),
                ByteBuffer.allocate(0),
                ByteBuffer.allocateDirect(0),
                emptySlice)) {
            String name = "https://store/bad-" + data.capacity() + ".avi";
            assertThatThrownBy(() -> decoder.decode(VideoInput.of(data, name), new int[] {0}, IGNORE))
                    .isExactlyInstanceOf(DecodeException.class)
                    .hasMessageStartingWith(name + ": ")
                    .satisfies(e -> assertThat(((DecodeException) e).source()).isEqualTo(name));
            assertThatThrownBy(() -> decoder.probe(VideoInput.of(data, name)))
                    .isExactlyInstanceOf(DecodeException.class)
                    .hasMessageStartingWith(name + ": ");
        }
        // and the decoder is still usable
        List<String> got = new ArrayList<>();
        decoder.decode(VideoInput.of(ByteBuffer.wrap(mjpegBytes), "ok"), new int[] {3}, recorder(got));
        assertThat(got).singleElement().asString().startsWith("pos 0 frame 3 ");
    }

    @Test
    void badArgumentsNameTheValue() {
        ByteBuffer data = ByteBuffer.wrap(mjpegBytes);
        assertThatThrownBy(() -> VideoInput.of((ByteBuffer) null, "n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data must not be null");
        assertThatThrownBy(() -> VideoInput.of(data, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be null");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(data, "n"), new int[] {3, 2}, IGNORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-decreasing");
        assertThat(VideoInput.of(data, "https://store/a.avi")).hasToString("https://store/a.avi");
        assertThat(decoder.decode(VideoInput.of(ByteBuffer.allocate(0), "empty request"), new int[0], IGNORE))
                .isEqualTo(new DecodeStats(0, 0, 0, 0));
    }

    @Test
    void aThrowingSinkReleasesTheInput() {
        assertThatThrownBy(() -> decoder.decode(
                        VideoInput.of(ByteBuffer.wrap(mjpegBytes), "n"), new int[] {0, 1}, (p, g, w, h) -> {
                            throw new IllegalStateException("sink failed");
                        }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(MemoryIO.openCount()).isZero();
    }

    // ---- deadline ----

    @Test
    void aPassedDeadlineTimesOutNamingTheName() {
        List<String> got = new ArrayList<>();
        assertThatThrownBy(() -> decoder.decode(
                        VideoInput.of(ByteBuffer.wrap(mjpegBytes), "late.avi"),
                        new int[] {0, 1},
                        recorder(got),
                        System.nanoTime() - 1))
                .isInstanceOf(DecodeTimeoutException.class)
                .hasMessageStartingWith("late.avi: ")
                .hasMessageContaining("timed out");
        assertThat(got).isEmpty();
    }

    @Test
    void aDeadlinePassingDuringTheDecodeStopsItBetweenPackets() {
        for (byte[] bytes : List.of(mjpegBytes, mpeg4Bytes)) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            List<Integer> positions = new ArrayList<>();
            assertThatThrownBy(() -> decoder.decode(
                            VideoInput.of(ByteBuffer.wrap(bytes), "slow"),
                            everySecond(0, 32),
                            (p, g, w, h) -> {
                                positions.add(p);
                                while (System.nanoTime() - deadline <= 0) sleepQuietly();
                            },
                            deadline))
                    .isInstanceOf(DecodeTimeoutException.class)
                    .hasMessageStartingWith("slow: ");
            assertThat(positions).containsExactly(0);
        }
        // a generous deadline changes nothing
        List<String> got = new ArrayList<>();
        decoder.decode(
                VideoInput.of(ByteBuffer.wrap(mjpegBytes), "n"),
                new int[] {4},
                recorder(got),
                System.nanoTime() + 60_000_000_000L);
        assertThat(got).hasSize(1);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- concurrency ----

    @Test
    void fourThreadsWithTheirOwnDecodersDecodeTheirOwnBytesAtOnce() throws Exception {
        // a different video per thread (size and length): an input read through another thread's callback
        // state would show up as wrong sizes, wrong frame numbers or decode errors
        int[][] shapes = {{112, 112, 150}, {96, 64, 120}, {128, 80, 100}, {100, 60, 90}};
        int threads = shapes.length;
        ByteBuffer[] data = new ByteBuffer[threads];
        for (int t = 0; t < threads; t++) {
            Path file = TestVideos.mjpegAvi(dir.resolve("t" + t + ".avi"), shapes[t][0], shapes[t][1], shapes[t][2]);
            byte[] bytes = Files.readAllBytes(file);
            data[t] = (t % 2 == 0 ? Holder.DIRECT_SLICE : Holder.HEAP_SLICE).wrap.apply(bytes);
        }
        ByteBuffer shared =
                ByteBuffer.allocateDirect(mpeg4Bytes.length).put(mpeg4Bytes).flip();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    int checked = 0;
                    Random random = new Random(id);
                    try (VideoDecoder d = new VideoDecoder()) {
                        start.await();
                        for (int i = 0; i < 150; i++) {
                            int length = shapes[id][2];
                            boolean inter = i % 10 == 9; // now and then the mpeg4 buffer all threads share
                            int[] frames = inter
                                    ? new int[] {random.nextInt(20), 30}
                                    : everySecond(random.nextInt(length - 62), 32);
                            int w = inter ? 112 : shapes[id][0];
                            int h = inter ? 112 : shapes[id][1];
                            List<Integer> got = new ArrayList<>();
                            d.decode(
                                    VideoInput.of(inter ? shared : data[id], "thread-" + id),
                                    frames,
                                    (p, g, gw, gh) -> {
                                        assertThat(gw * 1000 + gh).isEqualTo(w * 1000 + h);
                                        got.add(TestVideos.frameNumber(g, gw, gh));
                                    });
                            assertThat(got)
                                    .as("thread %d call %d", id, i)
                                    .containsExactlyElementsOf(
                                            IntStream.of(frames).boxed().toList());
                            checked += got.size();
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> r : results)
                assertThat(r.get(120, TimeUnit.SECONDS)).isGreaterThan(150 * 20);
        } finally {
            pool.shutdownNow();
        }
        assertThat(MemoryIO.openCount()).isZero();
    }
}
