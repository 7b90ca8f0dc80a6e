package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.etab.decode.DatasetException;
import org.etab.source.IndexProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamusLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void theReleaseIsFoundInTheRootOrInTheOneSubdirectoryHoldingIt() throws IOException {
        Files.createDirectories(tmp.resolve("here/testing"));
        assertThat(CamusLayout.locate(tmp.resolve("here")))
                .isEqualTo(new CamusLayout(tmp.resolve("here"), CamusRelease.MHD));

        Files.createDirectories(tmp.resolve("above/CAMUS_public/database_nifti"));
        Files.createDirectories(tmp.resolve("above/CAMUS_public/database_split"));
        Files.createDirectories(tmp.resolve("above/.snapshot/training")); // hidden: not a second copy
        Files.createDirectories(tmp.resolve("above/notes"));
        assertThat(CamusLayout.locate(tmp.resolve("above")))
                .isEqualTo(new CamusLayout(tmp.resolve("above/CAMUS_public"), CamusRelease.NIFTI));
    }

    @Test
    void layoutsThatAreNotCamusAreErrorsSayingWhatWasExpected() throws IOException {
        refused("absent", "not found");
        Files.createDirectories(tmp.resolve("empty"));
        refused("empty", "training/", "database_nifti/");
        Files.createDirectories(tmp.resolve("nosplit/database_nifti"));
        refused("nosplit", "database_split");
        for (String dir : new String[] {"training", "database_nifti", "database_split"}) {
            Files.createDirectories(tmp.resolve("both").resolve(dir));
        }
        refused("both", "both CAMUS releases");
        Files.createDirectories(tmp.resolve("two/a/training"));
        Files.createDirectories(tmp.resolve("two/b/testing"));
        refused("two", "several", "[a (MHD), b (MHD)]");
    }

    private void refused(String dir, String... messageParts) {
        assertThatThrownBy(() -> CamusLayout.locate(tmp.resolve(dir)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void patientDirectoriesComeByNameAndOtherDirectoriesAreReportedOnce() throws IOException {
        for (String dir : new String[] {"patient0010", "patient0002", "notes", ".thumbnails"}) {
            Files.createDirectories(tmp.resolve("training").resolve(dir));
        }
        Files.writeString(tmp.resolve("training/README.txt"), "stray file");
        CamusProblems problems = new CamusProblems();
        CamusLayout layout = CamusLayout.locate(tmp);
        assertThat(layout.patientDirs("training", problems))
                .containsExactly(tmp.resolve("training/patient0002"), tmp.resolve("training/patient0010"));
        assertThat(problems.all)
                .containsExactly(new IndexProblem("", "training/notes", "not a patientNNNN directory; ignored"));
        assertThat(problems.rejected).isEmpty();
        assertThatThrownBy(() -> layout.patientDirs("testing", problems))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("testing")
                .hasMessageContaining("cannot be listed");
    }
}
