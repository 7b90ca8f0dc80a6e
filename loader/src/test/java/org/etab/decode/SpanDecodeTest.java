package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpanDecodeTest {

    @TempDir
    static Path dir;

    static Path mjpeg; // 80x48, 60 frames
    static byte[] bytes;
    static VideoLayout layout;
    static final GrayFrameSink IGNORE = (p, g, w, h) -> {};

    final StageFixture parts = new StageFixture();
    final SpanDecode stage = new SpanDecode(parts.packet, parts.frame, parts.gray);

    @BeforeAll
    static void writeVideo() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 80, 48, 60);
        bytes = Files.readAllBytes(mjpeg);
        try (StageFixture p = new StageFixture()) {
            layout = new LayoutScan(p.packet, p.deadline, p.ioCell).of(mjpeg, Deadline.NONE);
        }
    }

    @AfterEach
    void close() {
        stage.close();
        parts.close();
    }

    static GrayFrameSink recorder(List<String> into) {
        return (p, g, w, h) -> {
            CRC32 crc = new CRC32();
            crc.update(g, 0, w * h);
            into.add(p + ":" + TestVideos.frameNumber(g, w, h) + ":" + w + "x" + h + ":"
                    + Long.toHexString(crc.getValue()));
        };
    }

    /** What skipping packets through the container delivers: the reference a span decode must equal. */
    List<String> throughTheContainer(int... frames) {
        List<String> got = new ArrayList<>();
        try (ContainerInput in = parts.open(mjpeg)) {
            new IntraOnlyDecode(parts.packet, parts.frame, parts.gray).decode(in, frames, recorder(got));
        }
        return got;
    }

    /** The span's bytes only, embedded in a bigger buffer at a position > 0 with junk either side. */
    static ByteBuffer embedded(long[] span, Function<Integer, ByteBuffer> allocate) {
        int length = (int) (span[1] - span[0]);
        ByteBuffer big = allocate.apply(length + 300);
        while (big.hasRemaining()) {
            big.put((byte) 0x5a);
        }
        big.position(100).put(bytes, (int) span[0], length);
        return big.limit(100 + length).position(100);
    }

    @Test
    void aSpanDecodesToTheSamePixelsAsTheWholeFileWhateverHoldsIt() {
        int[] frames = {7, 9, 9, 11, 25, 59, 60, 70};
        List<String> reference = throughTheContainer(frames);
        assertThat(reference).hasSize(6);
        long[] span = layout.span(frames);
        List<ByteBuffer> holders = List.of(
                embedded(span, ByteBuffer::allocate),
                embedded(span, ByteBuffer::allocateDirect),
                embedded(span, ByteBuffer::allocate).asReadOnlyBuffer());
        for (ByteBuffer data : holders) {
            List<String> got = new ArrayList<>();
            DecodeStats stats = stage.decode(layout, data, span[0], "v", frames, recorder(got), parts.deadline);
            assertThat(got).as(data.toString()).containsExactlyElementsOf(reference);
            assertThat(stats)
                    .isEqualTo(new DecodeStats(
                            6,
                            5,
                            0,
                            Arrays.stream(new int[] {7, 9, 11, 25, 59})
                                    .mapToLong(layout::size)
                                    .sum()));
            assertThat(data.position()).isEqualTo(100);
            assertThat(data.limit()).isEqualTo(100 + (int) (span[1] - span[0]));
            assertThat(parts.clean()).as("packet reset, frame unreferenced").isTrue();
        }
    }

    @Test
    void aRequestedFrameOutsideTheSpanIsRefusedNamingTheBytes() {
        long[] span = layout.span(5, 9);
        ByteBuffer data = ByteBuffer.wrap(Arrays.copyOfRange(bytes, (int) span[0], (int) span[1]));
        long at = layout.offset(10);
        assertThatThrownBy(() -> stage.decode(
                        layout, data, span[0], "https://h/v.avi", new int[] {5, 10}, IGNORE, parts.deadline))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame 10 (bytes " + at + ".." + (at + layout.size(10)) + ") is not inside the span "
                        + span[0] + ".." + span[1] + " of https://h/v.avi");
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void anEmptyOrUndecodablePacketIsNamed() {
        int[] sizes = layout.sizes();
        sizes[3] = 0;
        VideoLayout dropped = new VideoLayout(
                layout.codecId(),
                layout.codecTag(),
                80,
                48,
                layout.extradata(),
                layout.headerFrames(),
                layout.fileSize(),
                layout.offsets(),
                sizes);
        ByteBuffer whole = ByteBuffer.wrap(bytes);
        assertThatThrownBy(() -> stage.decode(dropped, whole, 0, "v", new int[] {3}, IGNORE, parts.deadline))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage("v: frame 3 is an empty packet");

        byte[] zeros = bytes.clone();
        Arrays.fill(zeros, (int) layout.offset(4), (int) layout.offset(4) + layout.size(4), (byte) 0);
        assertThatThrownBy(() ->
                        stage.decode(layout, ByteBuffer.wrap(zeros), 0, "v", new int[] {4}, IGNORE, parts.deadline))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith("v: ")
                .hasMessageContaining("frame 4");
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void aCodecWithoutADecoderIsNamed() {
        VideoLayout unknown =
                new VideoLayout(0, 0, 80, 48, new byte[0], 60, layout.fileSize(), layout.offsets(), layout.sizes());
        assertThatThrownBy(() ->
                        stage.decode(unknown, ByteBuffer.wrap(bytes), 0, "v", new int[] {0}, IGNORE, parts.deadline))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage("v: no decoder for codec none");
    }

    @Test
    void framesMissingFromALayoutShorterThanItsHeaderAreTruncation() {
        VideoLayout shorter = new VideoLayout(
                layout.codecId(),
                layout.codecTag(),
                80,
                48,
                layout.extradata(),
                layout.headerFrames(),
                layout.fileSize(),
                Arrays.copyOf(layout.offsets(), 30),
                Arrays.copyOf(layout.sizes(), 30));
        List<String> got = new ArrayList<>();
        assertThatThrownBy(() -> stage.decode(
                        shorter, ByteBuffer.wrap(bytes), 0, "v", new int[] {29, 30}, recorder(got), parts.deadline))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage("v: truncated: header says 60 frames but the file ends after 30");
        assertThat(got).hasSize(1);
    }

    @Test
    void aPassedDeadlineStopsBeforeTheFirstPacket() {
        parts.deadline.put(System.nanoTime() - 1);
        assertThatThrownBy(() ->
                        stage.decode(layout, ByteBuffer.wrap(bytes), 0, "v", new int[] {0}, IGNORE, parts.deadline))
                .isExactlyInstanceOf(DecodeTimeoutException.class)
                .hasMessage("v: timed out after reading 0 frames");
    }

    @Test
    void aThrowingSinkLeavesThePacketResetAndTheStageUsable() {
        RuntimeException boom = new IllegalStateException("slot gone");
        assertThatThrownBy(() -> stage.decode(
                        layout,
                        ByteBuffer.wrap(bytes),
                        0,
                        "v",
                        new int[] {1, 2},
                        (p, g, w, h) -> {
                            throw boom;
                        },
                        parts.deadline))
                .isSameAs(boom);
        assertThat(parts.clean()).isTrue();
        List<String> got = new ArrayList<>();
        stage.decode(layout, ByteBuffer.wrap(bytes), 0, "v", new int[] {1, 2}, recorder(got), parts.deadline);
        assertThat(got).containsExactlyElementsOf(throughTheContainer(1, 2));
    }

    /**
     * Each call's codec context is freed, on success and on error: FFmpeg's allocations are invisible to JavaCPP's
     * count, so the process' physical memory is bounded too (one leaked MJPEG decoder context per call is ~25 KiB:
     * ~73 MiB across 3,000 calls, measured with the free removed). The process' physical memory also moves with what
     * other tests left running in this JVM (up to ~17 MiB seen over 3,000 calls in the full suite, none in this class
     * alone), so the measured window is 9,000 calls against a 32 MiB bound: about 3.6 KiB a call, stricter per call
     * than a leaked context and than the 5.5 KiB a call of the former 3,000-call, 16 MiB window.
     */
    @Test
    void repeatedCallsDoNotGrowNativeMemory() {
        ByteBuffer whole = ByteBuffer.wrap(bytes);
        int[] clip = {10, 12, 14};
        byte[] zeros = bytes.clone();
        Arrays.fill(zeros, (int) layout.offset(4), (int) layout.offset(4) + layout.size(4), (byte) 0);
        ByteBuffer bad = ByteBuffer.wrap(zeros);
        Runnable round = () -> {
            stage.decode(layout, whole, 0, "v", clip, IGNORE, parts.deadline);
            assertThatThrownBy(() -> stage.decode(layout, bad, 0, "v", new int[] {4}, IGNORE, parts.deadline))
                    .isInstanceOf(DecodeException.class);
            assertThatThrownBy(() -> stage.decode(
                            layout,
                            whole,
                            0,
                            "v",
                            new int[] {1},
                            (p, g, w, h) -> {
                                throw new IllegalStateException();
                            },
                            parts.deadline))
                    .isInstanceOf(IllegalStateException.class);
        };
        // long enough a warm-up that the JIT's own memory (compiled code, its arenas) has settled on a loaded machine
        for (int i = 0; i < 400; i++) {
            round.run();
        }
        System.gc();
        long totalBefore = Pointer.totalBytes();
        long physicalBefore = Pointer.physicalBytes();
        for (int i = 0; i < 3000; i++) {
            round.run();
        }
        System.gc();
        long physicalGrowth = Pointer.physicalBytes() - physicalBefore;
        System.out.printf(
                "span decode native growth over 9,000 calls: JavaCPP %d B, physical %d KiB%n",
                Pointer.totalBytes() - totalBefore, physicalGrowth / 1024);
        assertThat(Pointer.totalBytes() - totalBefore)
                .as("JavaCPP-tracked bytes")
                .isLessThanOrEqualTo(0);
        assertThat(physicalGrowth).as("physical bytes").isLessThan(32L << 20);
    }

    @Test
    void closeIsIdempotent() {
        stage.decode(layout, ByteBuffer.wrap(bytes), 0, "v", new int[] {0}, IGNORE, parts.deadline);
        stage.close();
        assertThatCode(stage::close).doesNotThrowAnyException();
    }
}
