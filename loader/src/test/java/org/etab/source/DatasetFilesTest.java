package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.decode.DatasetException;
import org.etab.decode.DecodeTimeoutException;
import org.etab.testing.ChildJvm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dataset may open: regular files whose real path lies under the root or an allowed root. */
class DatasetFilesTest {
    @TempDir
    Path tmp;

    Path root;
    Path outside;

    @BeforeEach
    void layout() throws Exception {
        root = Files.createDirectories(tmp.resolve("root/Videos"));
        outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(root.resolve("a.avi"), "inside");
        Files.writeString(outside.resolve("secret"), "outside");
    }

    private static SampleOptions.Builder options() {
        return SampleOptions.builder().target(Target.EF);
    }

    @Test
    void aRegularFileInsideIsItsRealPathAndALinkInsideTheRootToo() throws Exception {
        DatasetFiles files = DatasetFiles.of(root.getParent(), options().build());
        Path link = Files.createSymbolicLink(root.resolve("b.avi"), root.resolve("a.avi"));
        assertThat(files.check(root.resolve("a.avi")))
                .isEqualTo(root.resolve("a.avi").toRealPath());
        assertThat(files.check(link)).isEqualTo(root.resolve("a.avi").toRealPath());
        // a root reached through a link is its target: files under it are inside
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("linked-root"), root.getParent());
        assertThat(DatasetFiles.under(linkedRoot).check(linkedRoot.resolve("Videos/a.avi")))
                .isEqualTo(root.resolve("a.avi").toRealPath());
    }

    @Test
    void aLinkLeadingOutsideIsRefusedUnlessAllowedOrUnderAnExtraRoot() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("x.avi"), outside.resolve("secret"));
        assertThatThrownBy(() ->
                        DatasetFiles.of(root.getParent(), options().build()).check(link))
                .isInstanceOf(DatasetException.class)
                .hasMessage(link + ": resolves to " + outside.resolve("secret").toRealPath()
                        + ", outside the dataset root " + root.getParent()
                        + ": refused (--allow-links-outside, or the config's extra_roots, allows it)");
        Path dotDot = root.resolve("../../elsewhere/secret"); // no link at all: the real path decides
        assertThatThrownBy(() -> DatasetFiles.under(root.getParent()).check(dotDot))
                .hasMessageContaining("outside the dataset root");
        assertThat(DatasetFiles.of(
                                root.getParent(),
                                options().fileAccess(FileAccess.anywhere()).build())
                        .check(link))
                .isEqualTo(outside.resolve("secret").toRealPath());
        assertThat(DatasetFiles.of(
                                root.getParent(),
                                options()
                                        .fileAccess(FileAccess.underRootOr(List.of(outside)))
                                        .build())
                        .check(link))
                .isEqualTo(outside.resolve("secret").toRealPath());
    }

    @Test
    void specialFilesAreRefusedByTypeWhateverIsAllowed() throws Exception {
        DatasetFiles anywhere = DatasetFiles.of(
                root.getParent(), options().fileAccess(FileAccess.anywhere()).build());
        Path fifo = root.resolve("pipe.avi");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        assertThatThrownBy(() -> anywhere.check(fifo))
                .isInstanceOf(DatasetException.class)
                .hasMessage(fifo + ": is a FIFO (named pipe), not a regular file: refused unopened");
        Path zero = Files.createSymbolicLink(root.resolve("zero.png"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> anywhere.check(zero))
                .hasMessage(zero + ": is a character device, not a regular file: refused unopened");
        assertThatThrownBy(() -> anywhere.check(root))
                .hasMessage(root + ": is a directory, not a regular file: refused unopened");
        Path dangling = Files.createSymbolicLink(root.resolve("gone.avi"), outside.resolve("nothing"));
        assertThatThrownBy(() -> anywhere.check(dangling))
                .hasMessage(dangling + ": is a link to a file that does not exist");
        assertThatThrownBy(() -> anywhere.check(root.resolve("none.avi")))
                .hasMessage(root.resolve("none.avi") + ": not found");
    }

    @Test
    void fileAccessRefusesExtraRootsWithAnyLocationAndCopiesItsList() {
        assertThatThrownBy(() -> new FileAccess(true, List.of(outside)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extra roots [" + outside + "] mean nothing when any location is allowed; give one or"
                        + " the other");
        List<Path> dirs = new java.util.ArrayList<>(List.of(outside));
        FileAccess access = FileAccess.underRootOr(dirs);
        dirs.clear();
        assertThat(access.extraRoots()).containsExactly(outside);
        assertThat(options().build().fileAccess()).isEqualTo(FileAccess.underRoot());
    }

    @Test
    void aMissingRootOrExtraRootIsNamed() {
        assertThatThrownBy(
                        () -> DatasetFiles.of(tmp.resolve("nowhere"), options().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessage(tmp.resolve("nowhere") + ": dataset root not found");
        assertThatThrownBy(() -> DatasetFiles.of(
                        root,
                        options()
                                .fileAccess(FileAccess.underRootOr(List.of(tmp.resolve("gone"))))
                                .build()))
                .hasMessage(tmp.resolve("gone") + ": extra root not found");
    }

    @Test
    void openReadsTheCheckedFileAndRefusesWhatTheCheckRefuses() throws Exception {
        DatasetFiles files = DatasetFiles.of(root.getParent(), options().build());
        Path link = Files.createSymbolicLink(root.resolve("b.avi"), root.resolve("a.avi"));
        assertThat(readAll(files.open(link, Long.MAX_VALUE))).isEqualTo("inside");
        Path out = Files.createSymbolicLink(root.resolve("x.avi"), outside.resolve("secret"));
        assertThatThrownBy(() -> files.open(out, Long.MAX_VALUE))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(
                        out + ": resolves to " + outside.resolve("secret").toRealPath());
        assertThat(readAll(DatasetFiles.anywhere().open(out, Long.MAX_VALUE))).isEqualTo("outside");
    }

    @Test
    void aDirectoryMadeALinkBetweenTheCheckAndTheOpenIsRefused() throws Exception {
        DatasetFiles files = DatasetFiles.of(root.getParent(), options().build());
        Path file = root.resolve("a.avi");
        DatasetFiles.Checked checked = files.checked(file);
        // the race, made on purpose between the two steps: Videos/ becomes a link to a directory outside
        Files.move(root, root.resolveSibling("Videos.old"));
        Files.writeString(outside.resolve("a.avi"), "outside");
        Files.createSymbolicLink(root, outside);
        assertThat(Files.readString(file)).isEqualTo("outside"); // what a plain open by path would now read
        assertThatThrownBy(() -> files.openChecked(file, checked, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": changed between its check and its open");
    }

    @Test
    void aFileReplacedBetweenTheCheckAndTheOpenIsRefused() throws Exception {
        DatasetFiles files = DatasetFiles.of(root.getParent(), options().build());
        Path file = root.resolve("a.avi");
        DatasetFiles.Checked checked = files.checked(file);
        Files.writeString(root.resolve("other.avi"), "another file");
        Files.move(root.resolve("other.avi"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> files.openChecked(file, checked, null))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": changed between its check and its open: refused");
        Files.delete(file);
        Files.createSymbolicLink(file, outside.resolve("secret")); // the last name made a link
        assertThatThrownBy(() -> files.openChecked(file, checked, null))
                .hasMessageStartingWith(file + ": changed between its check and its open");
    }

    @Test
    void readsGiveUpOnceTheDeadlinePassesNamingTheFileAndHowFarTheyGot() throws Exception {
        Path big = root.resolve("big.png");
        Files.write(big, new byte[3 * DeadlineChannel.MAX_READ]);
        DatasetFiles files = DatasetFiles.under(root.getParent());
        long deadline = System.nanoTime() + 1_000_000_000L;
        try (SeekableByteChannel ch = files.open(big, deadline)) {
            ByteBuffer all = ByteBuffer.allocate(3 * DeadlineChannel.MAX_READ);
            assertThat(ch.read(all)).isEqualTo(DeadlineChannel.MAX_READ); // one bounded read at a time
            while (System.nanoTime() - deadline <= 0) {
                Thread.sleep(50); // a slow reader: the deadline passes between two reads
            }
            assertThatThrownBy(() -> ch.read(all))
                    .isInstanceOf(DecodeTimeoutException.class)
                    .hasMessage(big + ": timed out after reading 1048576 bytes (the sample's deadline passed)");
        }
        assertThatThrownBy(() -> files.open(big, System.nanoTime() - 1))
                .isInstanceOf(DecodeTimeoutException.class)
                .hasMessage(big + ": timed out before it was opened (the sample's deadline passed)");
    }

    private static String readAll(SeekableByteChannel ch) throws Exception {
        try (ch) {
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // to the end
            }
            return new String(buf.array(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void anOpenThatFindsNoDescriptorLeftSaysSoRatherThanThatTheFileChanged(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Path file = Files.writeString(root.resolve("a.csv"), "x\n");
        ChildJvm.Result r = ChildJvm.run(List.of(), NoDescriptorLeft.class, root.toString(), file.toString());
        // before: '...a.csv: changed between its check and its open (...: Too many open files): refused', for a
        // file no one touched (a run with more decode threads than its ulimit -n allows)
        assertThat(r.output().strip())
                .as("exit " + r.exit())
                .startsWith(file + ": cannot be opened: ")
                .endsWith("Too many open files")
                .doesNotContain("changed");
    }

    /** Takes every file descriptor but two (a directory stream's), then opens a file of {@code args[0]}: prints the error. */
    static final class NoDescriptorLeft {
        public static void main(String[] args) throws Exception {
            DatasetFiles files = DatasetFiles.under(Path.of(args[0]));
            Path file = Path.of(args[1]);
            files.open(file, Long.MAX_VALUE).close(); // classes loaded, the root resolved
            List<java.nio.channels.FileChannel> held = new java.util.ArrayList<>();
            try {
                while (true) {
                    held.add(java.nio.channels.FileChannel.open(Path.of("/dev/null")));
                }
            } catch (java.io.IOException full) {
                // two left: the root directory's stream takes both (its descriptor and the dup it reads), none is left
                // for the file
                held.remove(held.size() - 1).close();
                held.remove(held.size() - 1).close();
            }
            try {
                files.open(file, Long.MAX_VALUE).close();
                System.out.println("opened");
            } catch (DatasetException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
