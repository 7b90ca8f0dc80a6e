package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDecoderErrorsTest {

    @TempDir
    static Path dir;

    static Path good; // 112x112 MJPEG AVI, 150 frames
    static Path goodMp4;

    final VideoDecoder decoder = new VideoDecoder();
    static final GrayFrameSink IGNORE = (p, g, w, h) -> {};

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(avutil.AV_LOG_QUIET);
        good = TestVideos.mjpegAvi(dir.resolve("good.avi"), 112, 112, 150);
        goodMp4 = TestVideos.mpeg4Mp4(dir.resolve("good.mp4"), 112, 112, 60);
    }

    @AfterEach
    void close() {
        decoder.close();
    }

    List<Integer> frameNumbers(Path file, int... frames) {
        List<Integer> got = new ArrayList<>();
        decoder.decode(VideoInput.of(file), frames, (p, g, w, h) -> got.add(TestVideos.frameNumber(g, w, h)));
        return got;
    }

    // ---- files that cannot be decoded ----

    @Test
    void missingFile() {
        Path missing = dir.resolve("missing.avi");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(missing), new int[] {0}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("No such file or directory")
                .satisfies(e -> assertThat(((DecodeException) e).file()).isEqualTo(missing));
        assertThatThrownBy(() -> decoder.probe(VideoInput.of(missing)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void emptyFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.avi"));
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(empty), new int[] {0}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("cannot open");
    }

    @Test
    void textFileIsNotAVideo() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.avi"), "EF 55%, ESV 40 ml\n".repeat(50));
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(text), new int[] {0}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(text.toString())
                .hasMessageContaining("Invalid data");
    }

    @Test
    void audioOnlyFileHasNoVideoStream() throws Exception {
        Path wav = TestVideos.audioOnlyWav(dir.resolve("heart-sounds.wav"));
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(wav), new int[] {0}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(wav.toString())
                .hasMessageContaining("no video stream");
        assertThatThrownBy(() -> decoder.probe(VideoInput.of(wav))).hasMessageContaining("no video stream");
    }

    @Test
    void truncatedAviFailsOnlyWhenAMissingFrameIsNeeded() throws Exception {
        Path cut = dir.resolve("cut.avi");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // cuts through a frame

        assertThat(decoder.probe(VideoInput.of(cut)).frameCount()).isEqualTo(150); // the header still promises 150
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(cut), new int[] {0, 100}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated");
        // frames before the cut are still fine: reading stops before it
        assertThat(frameNumbers(cut, 0, 10)).containsExactly(0, 10);
    }

    @Test
    void truncatedAviWithoutAPartialFrameIsStillReportedTruncated() throws Exception {
        // cut exactly after frame 59's chunk: no corrupt packet, just fewer frames than the header says
        byte[] bytes = Files.readAllBytes(good);
        int end = chunkOffset(bytes, 60);
        Path cut = dir.resolve("cut-clean.avi");
        Files.write(cut, java.util.Arrays.copyOf(bytes, end));

        assertThat(frameNumbers(cut, 58, 59)).containsExactly(58, 59);
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(cut), new int[] {59, 60}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("header says 150 frames but the file ends after 60");
    }

    @Test
    void truncatedMp4CannotBeOpened() throws Exception {
        Path cut = dir.resolve("cut.mp4");
        byte[] bytes = Files.readAllBytes(goodMp4);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3)); // loses the trailing moov
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(cut), new int[] {0}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(cut.toString());
    }

    @Test
    void corruptFrameFailsWhenNeededAndIsNeverDecodedOtherwise() throws Exception {
        byte[] bytes = Files.readAllBytes(good);
        int chunk = chunkOffset(bytes, 20);
        int size = littleEndianInt(bytes, chunk + 4);
        Path bad = dir.resolve("corrupt.avi");
        Files.write(bad, bytes);
        try (RandomAccessFile raf = new RandomAccessFile(bad.toFile(), "rw")) {
            raf.seek(chunk + 8);
            raf.write(new byte[size]); // frame 20's JPEG replaced by zeros, same size
        }

        assertThat(frameNumbers(bad, 19, 21)).containsExactly(19, 21);
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(bad), new int[] {19, 20, 21}, IGNORE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("frame 20");
    }

    /** Offset of the {@code n}-th {@code 00dc} (video) chunk inside the AVI's movi list. */
    static int chunkOffset(byte[] avi, int n) {
        byte[] tag = "00dc".getBytes(StandardCharsets.US_ASCII);
        int movi = indexOf(avi, "movi".getBytes(StandardCharsets.US_ASCII), 0);
        int at = movi;
        for (int i = 0; i <= n; i++) {
            at = indexOf(avi, tag, at + 1);
            assertThat(at).as("chunk %d", i).isPositive();
            if (i < n) at += 8 + littleEndianInt(avi, at + 4) - 1; // jump over the payload
        }
        return at;
    }

    static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- arguments and lifecycle ----

    @Test
    void badArgumentsNameTheValue() {
        assertThatThrownBy(() -> decoder.decode(null, new int[] {0}, IGNORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input must not be null");
        assertThatThrownBy(() -> VideoInput.of((Path) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file must not be null");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(good), null, IGNORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frames");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(good), new int[] {0}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sink");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(good), new int[] {0, 4, -3}, IGNORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frames[2] >= 0 required but was -3");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(good), new int[] {0, 9, 7}, IGNORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frames must be non-decreasing but frames[2] = 7 < frames[1] = 9");
        assertThatThrownBy(() -> decoder.probe(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder.layout(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aThrowingSinkLeavesTheDecoderUsable() {
        RuntimeException boom = new IllegalStateException("batch slot gone");
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(good), new int[] {3, 5, 7}, (p, g, w, h) -> {
                    if (p == 1) throw boom;
                }))
                .isSameAs(boom);
        assertThat(frameNumbers(good, 3, 5, 7)).containsExactly(3, 5, 7);
        assertThat(frameNumbers(goodMp4, 3, 5, 7)).containsExactly(3, 5, 7);
    }

    @Test
    void anErrorLeavesTheDecoderUsable() {
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(dir.resolve("nope.avi")), new int[] {0}, IGNORE))
                .isInstanceOf(DecodeException.class);
        assertThat(frameNumbers(good, 1, 2)).containsExactly(1, 2);
    }

    @Test
    void closeIsIdempotentAndFinal() {
        decoder.close();
        decoder.close();
        assertThatThrownBy(() -> decoder.decode(VideoInput.of(good), new int[] {0}, IGNORE))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> decoder.probe(VideoInput.of(good))).isInstanceOf(IllegalStateException.class);
    }
}
