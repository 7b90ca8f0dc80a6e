package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerInputTest {

    @TempDir
    static Path dir;

    static Path mjpeg;
    static Path withAudio;
    static Path mpeg4;
    static Path audioOnly;

    final StageFixture parts = new StageFixture();

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        mjpeg = TestVideos.mjpegAvi(dir.resolve("echo.avi"), 112, 112, 30);
        withAudio = TestVideos.mjpegAviWithAudio(dir.resolve("with-audio.avi"), 96, 64, 20);
        mpeg4 = TestVideos.mpeg4Mp4(dir.resolve("inter.mp4"), 64, 64, 24);
        audioOnly = TestVideos.audioOnlyWav(dir.resolve("heart-sounds.wav"));
    }

    @AfterEach
    void close() {
        parts.close();
        assertThat(MemoryIO.openCount()).as("in-memory inputs still registered").isZero();
    }

    ContainerInput open(Path file, boolean withDecoder) {
        return ContainerInput.open(file, null, null, withDecoder, parts.deadline, parts.ioCell);
    }

    ContainerInput open(ByteBuffer data, String name, boolean withDecoder) {
        return ContainerInput.open(null, data, name, withDecoder, parts.deadline, parts.ioCell);
    }

    @Test
    void aFileOpensWithItsHeaderAndOnRequestItsDecoder() {
        try (ContainerInput in = open(mjpeg, false)) {
            assertThat(in.info()).isEqualTo(new VideoInfo(112, 112, 50.0, 30, "mjpeg", true));
            assertThat(in.format()).isNotNull();
            assertThat(in.stream()).isZero();
            assertThat(in.codec()).as("no decoder asked for").isNull();
        }
        try (ContainerInput in = open(mpeg4, true)) {
            assertThat(in.info().intraOnly()).isFalse();
            assertThat(in.codec()).isNotNull();
            assertThat(in.codec().thread_count()).as("one decoder per core").isEqualTo(1);
        }
    }

    @Test
    void theVideoStreamIsFoundAndEveryOtherStreamDiscarded() {
        try (ContainerInput in = open(withAudio, true)) {
            assertThat(in.format().nb_streams()).isEqualTo(2);
            assertThat(in.info().width()).isEqualTo(96);
            assertThat(in.info().frameCount()).isEqualTo(20);
            for (int i = 0; i < in.format().nb_streams(); i++) {
                assertThat(in.format().streams(i).discard())
                        .as("stream %d", i)
                        .isEqualTo(i == in.stream() ? 0 : org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL);
            }
        }
    }

    @Test
    void anInMemoryVideoReadsThroughItsOwnIoContextUntilClosed() throws Exception {
        VideoInfo fromFile;
        try (ContainerInput file = open(mjpeg, false)) {
            fromFile = file.info();
        }
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(mjpeg));
        ContainerInput in = open(data, "https://h/echo.avi", true);
        assertThat(MemoryIO.openCount()).isEqualTo(1);
        assertThat(in.info()).isEqualTo(fromFile);
        assertThat(in.codec()).isNotNull();
        in.close();
        assertThat(MemoryIO.openCount()).isZero();
        assertThat(in.format()).isNull();
        assertThat(in.codec()).isNull();
        assertThatCode(in::close).as("idempotent").doesNotThrowAnyException();
        assertThat(data.position()).isZero();
        assertThat(data.limit()).isEqualTo(data.capacity());
    }

    @Test
    void everyFailureToOpenFreesWhatWasOpenedAndNamesTheVideo() throws Exception {
        Path missing = dir.resolve("missing.avi");
        assertThatThrownBy(() -> open(missing, true))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith(missing + ": cannot open: No such file or directory");
        assertThatThrownBy(() -> open(audioOnly, true))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(audioOnly + ": no video stream (1 streams)");

        byte[] noise = new byte[20_000];
        new Random(1).nextBytes(noise);
        byte[] mp4 = Files.readAllBytes(mpeg4);
        for (byte[] bad :
                List.of(noise, new byte[0], Arrays.copyOf(mp4, mp4.length * 2 / 3), Files.readAllBytes(audioOnly))) {
            assertThatThrownBy(() -> open(ByteBuffer.wrap(bad), "s3://b/bad.avi", true))
                    .isExactlyInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("s3://b/bad.avi: ");
            assertThat(MemoryIO.openCount()).isZero();
        }
    }

    @Test
    void aPassedDeadlineStopsTheOpening() throws Exception {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(mjpeg));
        parts.deadline.put(System.nanoTime() - 1);
        assertThatThrownBy(() -> open(mjpeg, true))
                .isExactlyInstanceOf(DecodeTimeoutException.class)
                .hasMessage(mjpeg + ": timed out after reading 0 frames");
        assertThatThrownBy(() -> open(data, "late", true))
                .isExactlyInstanceOf(DecodeTimeoutException.class)
                .hasMessageStartingWith("late: timed out");
        assertThat(MemoryIO.openCount()).isZero();
    }

    /**
     * The deadline reaches inside {@code avformat_open_input}: a FIFO fed a few bytes at a time (as a stalled
     * network file would be) keeps FFmpeg probing for as long as the writer lives, and FFmpeg's interrupt callback
     * ends the open once the deadline passes. (A FIFO nobody writes to blocks in the operating system's open(2),
     * where no callback runs: datasets refuse FIFOs by type before this; see DatasetFiles.)
     */
    @Test
    void aDeadlineEndsAnOpenThatIsStillReadingATrickle() throws Exception {
        Path fifo = dir.resolve("trickle.avi");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(
                () -> {
                    try (OutputStream out = Files.newOutputStream(fifo)) { // opens once FFmpeg opens the other end
                        byte[] chunk = "RIFF\0\0\0\0AVI LIST".getBytes(StandardCharsets.ISO_8859_1);
                        while (!stop.get()) {
                            out.write(chunk, 0, 4);
                            out.flush();
                            written.addAndGet(4);
                            Thread.sleep(20);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the reader closed its end (broken pipe), or the test is over
                    }
                },
                "fifo-writer");
        writer.setDaemon(true);
        writer.start();
        try {
            parts.deadline.put(System.nanoTime() + 1_000_000_000L);
            assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () -> assertThatThrownBy(() -> open(fifo, true))
                            .isExactlyInstanceOf(DecodeTimeoutException.class)
                            .hasMessage(fifo + ": timed out after reading 0 frames"));
            assertThat(written.get())
                    .as("the open read from the writer before it timed out")
                    .isPositive();
        } finally {
            stop.set(true);
            writer.interrupt();
        }
    }

    @Test
    void theHeadersFrameCountJudgesAnEarlyEnd() {
        try (ContainerInput in = open(mjpeg, false)) {
            assertThatCode(() -> in.checkComplete(30)).doesNotThrowAnyException();
            assertThatThrownBy(() -> in.checkComplete(12))
                    .isExactlyInstanceOf(DecodeException.class)
                    .hasMessage(mjpeg + ": truncated: header says 30 frames but the file ends after 12");
        }
    }
}
