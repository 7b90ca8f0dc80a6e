package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.etab.decode.DatasetException;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamusSplitListsTest {
    @TempDir
    Path tmp;

    private Map<String, Split> read(CamusProblems problems) {
        return CamusSplitLists.read(tmp, DatasetFiles.under(tmp), problems);
    }

    @Test
    void namesGetTheSplitOfTheirListSkippingTheBomBlankLinesAndComments() throws IOException {
        CamusReaderTest.writeLists(
                tmp,
                "\uFEFFpatient0003\r\n# comment\r\n\r\n  patient0001  \r\n",
                "patient0002\n",
                "# none yet\npatient0004");
        CamusProblems problems = new CamusProblems();
        assertThat(read(problems))
                .containsExactly(
                        Map.entry("patient0001", Split.TRAIN),
                        Map.entry("patient0002", Split.VAL),
                        Map.entry("patient0003", Split.TRAIN),
                        Map.entry("patient0004", Split.TEST));
        assertThat(problems.all).isEmpty();
    }

    @Test
    void entriesThatAreNotNamesAndSecondListingsAreReportedAndTheFirstListingKept() throws IOException {
        CamusReaderTest.writeLists(
                tmp, "patient0001\n../patient0002\n", "patient0002\npatient0001\n", "patient0002\nPatient7\n");
        CamusProblems problems = new CamusProblems();
        assertThat(read(problems))
                .containsExactly(Map.entry("patient0001", Split.TRAIN), Map.entry("patient0002", Split.VAL));
        assertThat(problems.all)
                .containsExactly(
                        new IndexProblem(
                                "",
                                "database_split/subgroup_training.txt",
                                "line 2: '../patient0002' is not a patient name (patientNNNN); ignored"),
                        new IndexProblem(
                                "patient0001",
                                "database_split/subgroup_validation.txt",
                                "line 2: already listed at database_split/subgroup_training.txt:1; the first listing"
                                        + " is kept"),
                        new IndexProblem(
                                "patient0002",
                                "database_split/subgroup_testing.txt",
                                "line 1: already listed at database_split/subgroup_validation.txt:1; the first listing"
                                        + " is kept"),
                        new IndexProblem(
                                "",
                                "database_split/subgroup_testing.txt",
                                "line 2: 'Patient7' is not a patient name (patientNNNN); ignored"));
        assertThat(problems.rejected).isEmpty();
    }

    @Test
    void aMissingListIsReportedAndItsSplitIsEmpty() throws IOException {
        CamusReaderTest.writeLists(tmp, "patient0001", null, "");
        CamusProblems problems = new CamusProblems();
        assertThat(read(problems)).containsExactly(Map.entry("patient0001", Split.TRAIN));
        assertThat(problems.all)
                .containsExactly(new IndexProblem(
                        "", "database_split/subgroup_validation.txt", "not found; split val is empty"));
    }

    @Test
    void aListLinkedFromOutsideTheRootIsRefused() throws IOException {
        CamusReaderTest.writeLists(tmp, null, "", "");
        Path outside = Files.writeString(Files.createTempFile("subgroup", ".txt"), "patient0001\n");
        try {
            Files.createSymbolicLink(tmp.resolve("database_split/subgroup_training.txt"), outside);
            assertThatThrownBy(() -> read(new CamusProblems()))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("subgroup_training.txt")
                    .hasMessageContaining("outside the dataset root");
        } finally {
            Files.delete(outside);
        }
    }
}
