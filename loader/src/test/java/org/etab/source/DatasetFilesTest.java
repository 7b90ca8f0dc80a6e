package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.decode.DatasetException;
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
                                options().allowLinksOutside(true).build())
                        .check(link))
                .isEqualTo(outside.resolve("secret").toRealPath());
        assertThat(DatasetFiles.of(
                                root.getParent(),
                                options().extraRoots(List.of(outside)).build())
                        .check(link))
                .isEqualTo(outside.resolve("secret").toRealPath());
    }

    @Test
    void specialFilesAreRefusedByTypeWhateverIsAllowed() throws Exception {
        DatasetFiles anywhere = DatasetFiles.of(
                root.getParent(), options().allowLinksOutside(true).build());
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
    void aMissingRootOrExtraRootIsNamed() {
        assertThatThrownBy(
                        () -> DatasetFiles.of(tmp.resolve("nowhere"), options().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessage(tmp.resolve("nowhere") + ": dataset root not found");
        assertThatThrownBy(() -> DatasetFiles.of(
                        root, options().extraRoots(List.of(tmp.resolve("gone"))).build()))
                .hasMessage(tmp.resolve("gone") + ": extra root not found");
    }
}
