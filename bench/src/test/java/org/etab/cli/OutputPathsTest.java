package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are checked as the file system will resolve them when they are written, links and {@code ..} included. */
class OutputPathsTest {
    @TempDir
    Path tmp;

    Path dataset;
    Path elsewhere;

    @BeforeEach
    void tree() throws IOException {
        dataset = Files.createDirectories(tmp.resolve("echonet"));
        Files.createDirectories(dataset.resolve("Videos"));
        Files.writeString(dataset.resolve("FileList.csv"), "FileName,EF\n");
        elsewhere = Files.createDirectories(tmp.resolve("runs"));
    }

    private static List<OutputPaths.Output> report(Path p) {
        return List.of(new OutputPaths.Output("--report", p));
    }

    @Test
    void anOutputElsewhereIsFine() {
        assertThatCode(() -> OutputPaths.check(dataset, elsewhere.resolve("out"), report(elsewhere.resolve("r.csv"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> OutputPaths.check(null, null, report(null))).doesNotThrowAnyException();
    }

    @Test
    void anOutputInsideTheDatasetIsRefusedHoweverItIsSpelled() throws IOException {
        Path viaLink = Files.createSymbolicLink(elsewhere.resolve("videos"), dataset.resolve("Videos"));
        Path dangling = Files.createSymbolicLink(elsewhere.resolve("later.csv"), dataset.resolve("new.csv"));
        List<Path> inside = List.of(
                dataset.resolve("FileList.csv"),
                dataset.resolve("Videos/new.csv"),
                viaLink.resolve("report.csv"),
                // the link first, then "..": the file system goes up from where the link points, into the dataset
                viaLink.resolve("../FileList.csv"),
                viaLink.resolve("../new/deeper/r.csv"),
                dangling,
                elsewhere.resolve("../echonet/x.csv"));
        for (Path p : inside) {
            assertThatThrownBy(() -> OutputPaths.check(dataset, null, report(p)))
                    .as(p.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--report " + p + " lies inside the dataset's directory " + dataset
                            + ", which a run only reads: write it elsewhere");
        }
        assertThatThrownBy(() -> OutputPaths.check(dataset, viaLink.resolve("../exported"), List.of()))
                .hasMessageStartingWith("--out ");
    }

    /**
     * The resume state is saved by a rename onto its path, which replaces a link there: a link in the dataset's folder
     * (an index file linked from elsewhere) is refused as an output even though it points outside.
     */
    @Test
    void aLinkInsideTheDatasetIsRefusedWhereverItPoints() throws IOException {
        Path list = Files.writeString(elsewhere.resolve("list.csv"), "FileName,EF\n");
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Path index = Files.createSymbolicLink(linked.resolve("FileList.csv"), list);
        for (String flag : List.of("--resume", "--report")) {
            assertThatThrownBy(() -> OutputPaths.check(linked, null, List.of(new OutputPaths.Output(flag, index))))
                    .as(flag)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(flag + " " + index + " lies inside the dataset's directory " + linked
                            + ", which a run only reads: write it elsewhere");
        }
        // a link elsewhere that points elsewhere is fine
        Path report = Files.createSymbolicLink(elsewhere.resolve("latest.csv"), elsewhere.resolve("run-7.csv"));
        assertThatCode(() -> OutputPaths.check(dataset, null, report(report))).doesNotThrowAnyException();
    }

    @Test
    void twoOutputsThatAreOneFileAreRefused() throws IOException {
        Path state = elsewhere.resolve("state.json");
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), elsewhere);
        assertThatThrownBy(() -> OutputPaths.check(
                        dataset,
                        null,
                        List.of(
                                new OutputPaths.Output("--report", state),
                                new OutputPaths.Output("--resume", alias.resolve("./state.json")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--resume and --report name the same file " + alias.resolve("./state.json")
                        + ": each would overwrite the other");
    }

    @Test
    void aFileExportWritesInItsOutIsRefusedAsAnotherOutput() {
        Path out = elsewhere.resolve("exported");
        for (String name : List.of("manifest.csv", "a.x.npy", "a.y.npy", "a.x.npy.tmp")) {
            assertThatThrownBy(() -> OutputPaths.check(dataset, out, report(out.resolve(name))))
                    .as(name)
                    .hasMessage("--report " + out.resolve(name)
                            + " is a file export writes in --out (manifest.csv, <id>.x.npy, <id>.y.npy): name another");
        }
        // beside --out, or a file of another name in it: fine
        assertThatCode(() -> OutputPaths.check(dataset, out, report(out.resolve("report.csv"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> OutputPaths.check(dataset, out, report(elsewhere.resolve("manifest.csv"))))
                .doesNotThrowAnyException();
    }

    @Test
    void aLoopOfLinksIsNamed() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        assertThatThrownBy(() -> OutputPaths.check(dataset, null, report(a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(a + ": too many levels of symbolic links");
    }

    @Test
    void realResolvesWhatExistsAndKeepsTheRest() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("l"), dataset.resolve("Videos"));
        assertThat(OutputPaths.real(link.resolve("a/b.csv")))
                .isEqualTo(dataset.toRealPath().resolve("Videos/a/b.csv"));
        assertThat(OutputPaths.real(link.resolve("../a/../b.csv")))
                .isEqualTo(dataset.toRealPath().resolve("b.csv"));
    }
}
