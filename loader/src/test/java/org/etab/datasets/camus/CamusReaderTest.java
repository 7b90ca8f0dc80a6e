package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.decode.DatasetException;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.etab.testing.CamusPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamusReaderTest {
    @TempDir
    Path tmp;

    // ------------------------------------------------------------------------------------------------
    // phantoms

    @Test
    void originalPhantomHasTrainingWithGtAndTestingWithout() {
        Path root = CamusPhantoms.camus(CamusRelease.MHD);
        CamusIndex index = CamusReader.read(root);
        assertThat(index.release()).isEqualTo(CamusRelease.MHD);
        assertThat(index.root()).isEqualTo(root);
        assertThat(index.problems()).isEmpty();
        assertThat(index.records()).hasSize(2 * CamusPhantoms.PATIENTS);
        List<CamusRecord> train = index.select("train", "both");
        List<CamusRecord> test = index.select("TEST", "all");
        assertThat(train).hasSize(12).allSatisfy(r -> {
            assertThat(r.hasGt()).isTrue();
            assertThat(r.esGt()).isNotNull();
            assertThat(r.split()).isEqualTo(Split.TRAIN);
            assertThat(r.ed().toString()).startsWith(root.resolve("training").toString());
        });
        assertThat(test).hasSize(4).allSatisfy(r -> {
            assertThat(r.hasGt()).isFalse();
            assertThat(r.split()).isEqualTo(Split.TEST);
        });
        for (CamusRecord r : index.records()) {
            assertThat(r.id()).isEqualTo(r.patient() + "_" + r.view().tag());
            assertThat(r.sequence().getFileName().toString()).isEqualTo(r.id() + "_sequence.mhd");
            assertThat(r.sequenceGt()).isNull();
            assertThat(r.frameRate()).isEmpty();
            assertThat(r.edFrame()).isBetween(1, r.frames());
            assertThat(r.esFrame()).isBetween(1, r.frames());
            assertThat(r.ef().orElseThrow()).isBetween(5.0, 95.0);
            assertThat(r.imageQuality()).isIn("Good", "Medium", "Poor");
            assertThat(r.release()).isEqualTo(CamusRelease.MHD);
        }
        assertThat(index.records()).anyMatch(r -> r.edFrame() > r.esFrame());
        assertThat(index.records()).anyMatch(r -> r.edFrame() < r.esFrame());
        assertThatThrownBy(() -> index.select("val", "both"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("original CAMUS release")
                .hasMessageContaining("train, test, all");
    }

    @Test
    void niftiPhantomTakesSplitsFromTheLists() {
        Path root = CamusPhantoms.camus(CamusRelease.NIFTI);
        CamusIndex index = CamusReader.read(root);
        assertThat(index.release()).isEqualTo(CamusRelease.NIFTI);
        assertThat(index.problems()).isEmpty();
        assertThat(index.select("train", "both")).hasSize(12);
        assertThat(index.select("val", "both")).hasSize(2);
        assertThat(index.select("test", "both")).hasSize(2);
        assertThat(index.select("all", "AP2CH")).hasSize(8).allMatch(r -> r.view() == CamusView.AP2CH);
        assertThat(index.select("all", "ap4ch")).hasSize(8).allMatch(r -> r.id().endsWith("_4CH"));
        for (CamusRecord r : index.records()) {
            assertThat(r.hasGt()).isTrue();
            assertThat(r.sequence().getFileName().toString()).isEqualTo(r.id() + "_half_sequence.nii.gz");
            assertThat(r.sequenceGt().getFileName().toString()).isEqualTo(r.id() + "_half_sequence_gt.nii.gz");
            assertThat(r.frameRate()).isPresent();
            // the half sequence runs from ED to ES
            assertThat(List.of(r.edFrame(), r.esFrame())).containsExactlyInAnyOrder(1, r.frames());
        }
        // a validation patient appears with both views, in patient order
        List<CamusRecord> val = index.select("val", "both");
        assertThat(val.get(0).patient()).isEqualTo(val.get(1).patient());
        assertThat(val.get(0).view()).isEqualTo(CamusView.AP2CH);
    }

    @Test
    void anInterruptedReadSaysSoRatherThanLeavingEveryViewOutAsUnreadable() {
        // the original release has no split lists: its first reads are the patients' Info_*.cfg files
        Path root = CamusPhantoms.camus(CamusRelease.MHD);
        Thread.currentThread().interrupt(); // an interrupted file channel closes itself on its next read
        try {
            assertThatThrownBy(() -> CamusReader.read(root))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("Info_2CH.cfg")
                    .hasMessageContaining(
                            "cannot be read: the reading thread was interrupted (ClosedByInterruptException)");
        } finally {
            Thread.interrupted(); // the test's thread goes on without it
        }
        assertThat(CamusReader.read(root).problems()).isEmpty(); // the files themselves were fine
    }

    @Test
    void aReleaseOneLevelBelowTheRootIsFound() throws IOException {
        Path inner = tmp.resolve("CAMUS_public");
        writeNiftiPatient(inner, "patient0001");
        writeLists(inner, "patient0001", "", "");
        CamusIndex index = CamusReader.read(tmp);
        assertThat(index.root()).isEqualTo(inner);
        assertThat(index.records()).hasSize(2);
    }

    @Test
    void unknownSplitsAndViewsAreRejectedNamingTheValidOnes() {
        CamusIndex index = CamusReader.read(CamusPhantoms.camus(CamusRelease.NIFTI));
        assertThatThrownBy(() -> index.select("holdout", "both"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'holdout'")
                .hasMessageContaining("train, val, test, all");
        assertThatThrownBy(() -> index.select("train", "PLAX"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'PLAX'")
                .hasMessageContaining("AP2CH, AP4CH");
    }

    // ------------------------------------------------------------------------------------------------
    // hand-made layouts (image files are empty: the index never opens them)

    @Test
    void missingFilesLeaveTheViewOutAndAreReported() throws IOException {
        Path p = writeOriginalPatient(tmp, "training", "patient0001", true);
        Files.delete(p.resolve("patient0001_4CH_ES.mhd"));
        Files.delete(p.resolve("Info_4CH.cfg"));
        CamusIndex index = CamusReader.read(tmp);
        assertThat(index.records()).extracting(CamusRecord::id).containsExactly("patient0001_2CH");
        assertThat(problemOf(index, "patient0001_4CH").reason())
                .contains("Info_4CH.cfg")
                .contains("patient0001_4CH_ES.mhd")
                .contains("left out");
        // testing/ is absent: reported, split test empty
        assertThat(index.problems())
                .anyMatch(q -> q.file().equals("testing/") && q.reason().contains("test is empty"));
    }

    @Test
    void trainingViewsWithoutGtAreKeptAndReported() throws IOException {
        Path p = writeOriginalPatient(tmp, "training", "patient0001", true);
        Files.delete(p.resolve("patient0001_2CH_ED_gt.mhd"));
        writeOriginalPatient(tmp, "testing", "patient0002", false);
        CamusIndex index = CamusReader.read(tmp);
        assertThat(index.records()).hasSize(4);
        CamusRecord r = index.records().get(0);
        assertThat(r.id()).isEqualTo("patient0001_2CH");
        assertThat(r.hasGt()).isFalse();
        assertThat(r.esGt()).isNotNull();
        assertThat(problemOf(index, "patient0001_2CH").reason())
                .contains("_ED_gt")
                .contains("segmentation");
        // testing patients are not expected to have gt: no problem for them
        assertThat(index.problems()).noneMatch(q -> q.id().startsWith("patient0002"));
    }

    @Test
    void badCfgsAreReportedWithTheReason() throws IOException {
        Path p1 = writeOriginalPatient(tmp, "training", "patient0001", true);
        Files.writeString(p1.resolve("Info_2CH.cfg"), "ED: 0\nES: 3\nNbFrame: 10\nLVef: 50\n");
        Files.writeString(p1.resolve("Info_4CH.cfg"), "ED: 1\nES: 11\nNbFrame: 10\nLVef: 50\n");
        Path p2 = writeOriginalPatient(tmp, "training", "patient0002", true);
        // no EF (as, it seems, the original release's testing cfgs), and an odd value in a key no target uses: kept
        Files.writeString(p2.resolve("Info_2CH.cfg"), "ED: 1\nES: 3\nNbFrame: 10\nAge: \nLVedv: n/a\n");
        Files.writeString(p2.resolve("Info_4CH.cfg"), "ED: one\nES: 3\nNbFrame: 10\nLVef: 50\n");
        Path p3 = writeOriginalPatient(tmp, "training", "patient0003", true);
        Files.writeString(p3.resolve("Info_2CH.cfg"), "ED: 1\nES: 3\nNbFrame: 10\nEF: 50\nFrameRate: 0\n");
        Files.writeString(p3.resolve("Info_4CH.cfg"), "ED: 1\nES: 3\nNbFrame: 10\nLVef: nan\n"); // kept, no EF
        CamusIndex index = CamusReader.read(tmp);
        assertThat(index.records()).extracting(CamusRecord::id).containsExactly("patient0002_2CH", "patient0003_4CH");
        assertThat(index.records().get(0).ef()).isEmpty();
        assertThat(index.records().get(1).ef()).isEmpty();
        assertThat(problemOf(index, "patient0003_4CH").reason())
                .isEqualTo("LVef 'nan' is not a finite number; kept, but its EF and CM samples cannot be made");
        assertThat(problemOf(index, "patient0001_2CH").reason()).contains("ED").contains("left out");
        assertThat(problemOf(index, "patient0001_4CH").reason()).contains("ES").contains("11");
        assertThat(index.problems()).noneMatch(q -> q.id().equals("patient0002_2CH"));
        assertThat(problemOf(index, "patient0002_4CH").reason()).contains("left out");
        assertThat(problemOf(index, "patient0003_2CH").reason()).contains("FrameRate");
        // every view left out is a rejected row of its selection; testing/ is absent, so test has none
        assertThat(index.rejected("train", "both"))
                .extracting(IndexProblem::id)
                .containsExactly("patient0001_2CH", "patient0001_4CH", "patient0002_4CH", "patient0003_2CH");
        assertThat(index.rejected("train", "AP2CH")).hasSize(2);
        assertThat(index.rejected("test", "both")).isEmpty();
        assertThat(index.select("train", "both").size()
                        + index.rejected("train", "both").size())
                .isEqualTo(6);
    }

    @Test
    void splitListQuirksAreReportedAndNeverResolvedAsPaths() throws IOException {
        writeNiftiPatient(tmp, "patient0001");
        writeNiftiPatient(tmp, "patient0002");
        writeNiftiPatient(tmp, "patient0003"); // in no list
        Files.createDirectories(tmp.resolve("database_nifti/notes"));
        writeLists(tmp, "patient0001\n../patient0002\n\npatient0009\n", "patient0002\npatient0001\n", null);
        CamusIndex index = CamusReader.read(tmp);
        assertThat(index.records())
                .extracting(CamusRecord::id)
                .containsExactly("patient0001_2CH", "patient0001_4CH", "patient0002_2CH", "patient0002_4CH");
        assertThat(index.select("train", "both"))
                .extracting(CamusRecord::patient)
                .containsOnly("patient0001");
        assertThat(index.select("val", "both")).extracting(CamusRecord::patient).containsOnly("patient0002");
        assertThat(index.select("test", "both")).isEmpty();
        assertThat(index.problems())
                .extracting(IndexProblem::toString)
                .anySatisfy(s -> assertThat(s)
                        .contains("subgroup_training.txt")
                        .contains("'../patient0002'")
                        .contains("ignored"));
        assertThat(problemOf(index, "patient0009").reason()).contains("no such patient directory");
        assertThat(problemOf(index, "patient0003").reason()).contains("in no");
        assertThat(index.problems())
                .anyMatch(q -> q.id().equals("patient0001") && q.reason().contains("already listed"));
        assertThat(index.problems())
                .anyMatch(q -> q.file().equals("database_split/subgroup_testing.txt")
                        && q.reason().contains("not found"));
        assertThat(index.problems()).anyMatch(q -> q.file().equals("database_nifti/notes"));

        // the selection's rejected views: patient0009 (listed for train, no directory) in train, patient0003 (in no
        // list) in every split, one row per view with the id its samples would have had
        assertThat(index.rejected("train", "both"))
                .extracting(IndexProblem::id)
                .containsExactly("patient0003_2CH", "patient0003_4CH", "patient0009_2CH", "patient0009_4CH");
        assertThat(index.rejected("val", "AP4CH")).extracting(IndexProblem::id).containsExactly("patient0003_4CH");
        assertThat(index.rejected("test", "both"))
                .extracting(IndexProblem::id)
                .containsExactly("patient0003_2CH", "patient0003_4CH");
    }

    @Test
    void bothEntryPointsReportLayoutErrors() { // the layouts themselves: CamusLayoutTest
        assertThatThrownBy(() -> CamusReader.read(tmp.resolve("absent")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("CAMUS directory not found");
        assertThatThrownBy(() -> CamusReader.read(tmp, DatasetFiles.under(tmp)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no CAMUS layout found");
    }

    // ------------------------------------------------------------------------------------------------

    private static IndexProblem problemOf(CamusIndex index, String id) {
        return index.problems().stream()
                .filter(q -> q.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no problem for " + id + " in " + index.problems()));
    }

    static Path writeOriginalPatient(Path root, String folder, String name, boolean gt) throws IOException {
        Path dir = Files.createDirectories(root.resolve(folder).resolve(name));
        for (String view : new String[] {"2CH", "4CH"}) {
            String stem = name + "_" + view;
            for (String part : gt
                    ? new String[] {"_ED", "_ES", "_ED_gt", "_ES_gt", "_sequence"}
                    : new String[] {"_ED", "_ES", "_sequence"}) {
                Files.createFile(dir.resolve(stem + part + ".mhd"));
                Files.createFile(dir.resolve(stem + part + ".raw"));
            }
            Files.writeString(
                    dir.resolve("Info_" + view + ".cfg"),
                    "ED: 1\nES: 12\nNbFrame: 15\nSex: F\nAge: 60\nImageQuality: Good\nLVedv: 90\nLVesv: 40\nLVef: 55.5\n");
        }
        return dir;
    }

    static Path writeNiftiPatient(Path root, String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve("database_nifti").resolve(name));
        for (String view : new String[] {"2CH", "4CH"}) {
            String stem = name + "_" + view;
            for (String part : new String[] {"_ED", "_ES", "_ED_gt", "_ES_gt", "_half_sequence", "_half_sequence_gt"}) {
                Files.createFile(dir.resolve(stem + part + ".nii.gz"));
            }
            Files.writeString(
                    dir.resolve("Info_" + view + ".cfg"),
                    "ED: 1\nES: 14\nNbFrame: 14\nSex: M\nAge: 70\nImageQuality: Poor\nEF: 42\nFrameRate: 30\n");
        }
        return dir;
    }

    /** Writes the split lists; null leaves a list out. */
    static void writeLists(Path root, String training, String validation, String testing) throws IOException {
        Path dir = Files.createDirectories(root.resolve("database_split"));
        String[] names = {"subgroup_training.txt", "subgroup_validation.txt", "subgroup_testing.txt"};
        String[] texts = {training, validation, testing};
        for (int i = 0; i < 3; i++) {
            if (texts[i] != null) {
                Files.writeString(dir.resolve(names[i]), texts[i]);
            }
        }
    }
}
