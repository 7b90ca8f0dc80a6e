package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.etab.decode.DatasetException;
import org.etab.decode.DecodeTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opener that keeps a directory open: the same files, bytes and refusals as {@link DatasetFiles#open}, whatever
 * happens to a name after its directory was kept.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a FIFO opened by mistake would block
class DirectoryOpenerTest {
    @TempDir
    Path tmp;

    Path root;
    Path videos;
    Path outside;
    DatasetFiles files;

    @BeforeEach
    void layout() throws Exception {
        root = tmp.resolve("root");
        videos = Files.createDirectories(root.resolve("Videos"));
        outside = Files.createDirectories(tmp.resolve("elsewhere"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(videos.resolve(i + ".avi"), "video " + i);
        }
        Files.writeString(outside.resolve("secret"), "outside");
        files = DatasetFiles.under(root);
    }

    @Test
    void filesOfOneDirectoryAfterTheFirstOpenInTheKeptDirectoryWithTheirOwnBytes() throws Exception {
        try (DirectoryOpener opener = files.newDirectoryOpener()) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 5; i++) {
                    assertThat(read(opener.open(videos.resolve(i + ".avi"), Long.MAX_VALUE)))
                            .isEqualTo("video " + i);
                }
            }
            assertThat(opener.openedInKept()).isEqualTo(9);
        }
    }

    @Test
    void aNameMadeALinkOutsideAfterItsDirectoryWasKeptIsRefusedAsOpenRefusesIt() throws Exception {
        try (DirectoryOpener opener = files.newDirectoryOpener()) {
            read(opener.open(videos.resolve("0.avi"), Long.MAX_VALUE));
            Path one = videos.resolve("1.avi");
            Files.delete(one);
            Files.createSymbolicLink(one, outside.resolve("secret"));
            String expected = messageOf(() -> files.open(one, Long.MAX_VALUE));
            assertThat(expected).contains("outside the dataset root");
            assertThatThrownBy(() -> opener.open(one, Long.MAX_VALUE))
                    .isInstanceOf(DatasetException.class)
                    .hasMessage(expected);
            assertThat(opener.openedInKept()).isZero();
        }
    }

    @Test
    void aFifoMissingOrReplacedFileIsNeverOpenedInTheKeptDirectoryAndIsReportedAsOpenReportsIt() throws Exception {
        try (DirectoryOpener opener = files.newDirectoryOpener()) {
            read(opener.open(videos.resolve("0.avi"), Long.MAX_VALUE));
            Path fifo = videos.resolve("1.avi");
            Files.delete(fifo);
            assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                    .isZero();
            assertThatThrownBy(() -> opener.open(fifo, Long.MAX_VALUE))
                    .isInstanceOf(DatasetException.class)
                    .hasMessage(fifo + ": is a FIFO (named pipe), not a regular file: refused unopened");
            Path missing = videos.resolve("9.avi");
            assertThatThrownBy(() -> opener.open(missing, Long.MAX_VALUE))
                    .isInstanceOf(DatasetException.class)
                    .hasMessage(missing + ": not found");
            Path replaced = videos.resolve("2.avi");
            Files.delete(replaced);
            Files.writeString(replaced, "new video 2"); // another file under the same name: read as it is now
            assertThat(read(opener.open(replaced, Long.MAX_VALUE))).isEqualTo("new video 2");
            assertThat(opener.openedInKept()).isEqualTo(1);
        }
    }

    @Test
    void aListedLinkInsideTheRootIsReadButItsTargetsDirectoryIsNotKeptForItsNeighbours() throws Exception {
        Path other = Files.createDirectories(root.resolve("Other"));
        Files.writeString(other.resolve("0.avi"), "other 0");
        Path link = Files.createSymbolicLink(videos.resolve("linked.avi"), other.resolve("0.avi"));
        try (DirectoryOpener opener = files.newDirectoryOpener()) {
            assertThat(read(opener.open(link, Long.MAX_VALUE))).isEqualTo("other 0");
            assertThat(read(opener.open(videos.resolve("0.avi"), Long.MAX_VALUE)))
                    .isEqualTo("video 0"); // not Other/0.avi
            assertThat(read(opener.open(videos.resolve("1.avi"), Long.MAX_VALUE)))
                    .isEqualTo("video 1");
            assertThat(opener.openedInKept()).isEqualTo(1);
        }
    }

    @Test
    void aDirectoryListedThroughALinkInsideTheRootIsKeptAsWhereItLeads() throws Exception {
        Path alias = Files.createSymbolicLink(root.resolve("Alias"), videos);
        try (DirectoryOpener opener = files.newDirectoryOpener()) {
            for (int i = 0; i < 3; i++) {
                assertThat(read(opener.open(alias.resolve(i + ".avi"), Long.MAX_VALUE)))
                        .isEqualTo("video " + i);
            }
            assertThat(opener.openedInKept()).isEqualTo(2);
        }
    }

    @Test
    void theDeadlineIsCheckedBeforeEveryOpenAndBoundsTheReads() throws Exception {
        try (DirectoryOpener opener = files.newDirectoryOpener()) {
            read(opener.open(videos.resolve("0.avi"), Long.MAX_VALUE));
            Path one = videos.resolve("1.avi");
            assertThatThrownBy(() -> opener.open(one, System.nanoTime() - 1))
                    .isInstanceOf(DecodeTimeoutException.class)
                    .hasMessage(one + ": timed out before it was opened (the sample's deadline passed)");
            try (SeekableByteChannel ch = opener.open(one, System.nanoTime() + 60_000_000_000L)) {
                assertThat(ch).isInstanceOf(DeadlineChannel.class);
            }
        }
    }

    @Test
    void closingReleasesTheKeptDirectory() throws Exception {
        long before = openDescriptors();
        DirectoryOpener opener = files.newDirectoryOpener();
        read(opener.open(videos.resolve("0.avi"), Long.MAX_VALUE));
        assertThat(openDescriptors()).isGreaterThan(before); // the directory (the JDK holds two descriptors for it)
        opener.close();
        opener.close();
        assertThat(openDescriptors()).isEqualTo(before);
    }

    private static long openDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static String messageOf(Runnable open) {
        try {
            open.run();
        } catch (DatasetException e) {
            return e.getMessage();
        }
        throw new AssertionError("not refused");
    }

    private static String read(SeekableByteChannel ch) throws Exception {
        try (ch) {
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // to the end
            }
            return new String(buf.array(), StandardCharsets.UTF_8);
        }
    }
}
