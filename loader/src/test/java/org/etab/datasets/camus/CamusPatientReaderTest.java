package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One patient directory at a time; image files are empty (the index never opens them). */
class CamusPatientReaderTest {
    @TempDir
    Path tmp;

    private final CamusProblems problems = new CamusProblems();

    private List<CamusRecord> read(CamusRelease release, Path dir, Split split, boolean gtExpected) {
        List<CamusRecord> records = new ArrayList<>();
        new CamusPatientReader(new CamusLayout(tmp, release), DatasetFiles.under(tmp), problems)
                .read(dir, split, gtExpected, records);
        return records;
    }

    @Test
    void imageNamesFollowTheRelease() {
        Set<String> names = Set.of("a_ED.mhd", "a_ED.nii", "a_ES.nii.gz", "a_ES.nii", "a_ES.mhd");
        List<String> missing = new ArrayList<>();
        assertThat(CamusPatientReader.image(names, "a_ED", CamusRelease.MHD, missing))
                .isEqualTo("a_ED.mhd");
        assertThat(CamusPatientReader.image(names, "a_ED", CamusRelease.NIFTI, missing))
                .isEqualTo("a_ED.nii");
        assertThat(CamusPatientReader.image(names, "a_ES", CamusRelease.NIFTI, missing))
                .isEqualTo("a_ES.nii.gz");
        assertThat(missing).isEmpty();
        assertThat(CamusPatientReader.image(names, "a_sequence", CamusRelease.MHD, missing))
                .isNull();
        assertThat(CamusPatientReader.image(names, "a_half_sequence", CamusRelease.NIFTI, missing))
                .isNull();
        assertThat(missing).containsExactly("a_sequence.mhd", "a_half_sequence.nii.gz");
    }

    @Test
    void uncompressedNiftiIsAccepted() throws IOException {
        Path p = CamusReaderTest.writeNiftiPatient(tmp, "patient0001");
        Files.move(p.resolve("patient0001_2CH_ED.nii.gz"), p.resolve("patient0001_2CH_ED.nii"));
        List<CamusRecord> records = read(CamusRelease.NIFTI, p, Split.VAL, true);
        assertThat(records).extracting(CamusRecord::id).containsExactly("patient0001_2CH", "patient0001_4CH");
        assertThat(records.get(0).ed().getFileName().toString()).isEqualTo("patient0001_2CH_ED.nii");
        assertThat(records.get(0).sequenceGt()).isEqualTo(p.resolve("patient0001_2CH_half_sequence_gt.nii.gz"));
        assertThat(records).allMatch(r -> r.split() == Split.VAL && r.release() == CamusRelease.NIFTI);
        assertThat(problems.all).isEmpty();
    }

    @Test
    void missingGroundTruthIsReportedOnlyWhereItIsExpected() throws IOException {
        Path p = CamusReaderTest.writeOriginalPatient(tmp, "testing", "patient0002", false);
        assertThat(read(CamusRelease.MHD, p, Split.TEST, false)).hasSize(2).allMatch(r -> !r.hasGt());
        assertThat(problems.all).isEmpty();

        assertThat(read(CamusRelease.MHD, p, Split.TEST, true)).hasSize(2);
        assertThat(problems.all)
                .containsExactly(
                        new IndexProblem(
                                "patient0002_2CH",
                                "testing/patient0002",
                                "missing ground truth patient0002_2CH_ED_gt.mhd, patient0002_2CH_ES_gt.mhd; kept, but"
                                        + " its segmentation targets cannot be made"),
                        new IndexProblem(
                                "patient0002_4CH",
                                "testing/patient0002",
                                "missing ground truth patient0002_4CH_ED_gt.mhd, patient0002_4CH_ES_gt.mhd; kept, but"
                                        + " its segmentation targets cannot be made"));
        assertThat(problems.rejected).isEmpty();
    }

    @Test
    void aCfgThatIsAFolderOrFifoIsNamedAsSuchNotJustMissing() throws Exception {
        Path p = CamusReaderTest.writeOriginalPatient(tmp, "training", "patient0001", true);
        Files.delete(p.resolve("Info_2CH.cfg"));
        Files.createDirectory(p.resolve("Info_2CH.cfg"));
        Files.delete(p.resolve("Info_4CH.cfg"));
        assertThat(new ProcessBuilder("mkfifo", p.resolve("Info_4CH.cfg").toString())
                        .start()
                        .waitFor())
                .isZero();
        assertThat(read(CamusRelease.MHD, p, Split.TRAIN, true)).isEmpty();
        assertThat(problems.all)
                .extracting(IndexProblem::reason)
                .containsExactly(
                        "missing Info_2CH.cfg (not a regular file: a folder, FIFO, device or broken link); view left out",
                        "missing Info_4CH.cfg (not a regular file: a folder, FIFO, device or broken link); view left out");
    }

    @Test
    void aViewWithoutItsFilesOrWithAnUnusableCfgIsLeftOutNamingTheFileOnce() throws IOException {
        Path p = CamusReaderTest.writeOriginalPatient(tmp, "training", "patient0001", true);
        Files.writeString(p.resolve("Info_2CH.cfg"), "ED 1\n");
        Files.delete(p.resolve("patient0001_4CH_sequence.mhd"));
        assertThat(read(CamusRelease.MHD, p, Split.TRAIN, true)).isEmpty();
        IndexProblem cfg = new IndexProblem(
                "patient0001_2CH",
                "training/patient0001/Info_2CH.cfg",
                "line 1 is not 'Key: value': 'ED 1'; view left out"); // the reason without the cfg's path
        IndexProblem files = new IndexProblem(
                "patient0001_4CH", "training/patient0001", "missing patient0001_4CH_sequence.mhd; view left out");
        assertThat(problems.all).containsExactly(cfg, files);
        assertThat(problems.rejected)
                .containsExactly(
                        new CamusIndex.Rejected(cfg, Split.TRAIN, CamusView.AP2CH),
                        new CamusIndex.Rejected(files, Split.TRAIN, CamusView.AP4CH));
    }

    @Test
    void cfgValuesThatCannotDescribeTheSequenceAreNamed() {
        OptionalDouble none = OptionalDouble.empty();
        assertThat(CamusPatientReader.invalid(10, 1, 10, OptionalDouble.of(55), OptionalDouble.of(30)))
                .isNull();
        assertThat(CamusPatientReader.invalid(0, 1, 1, OptionalDouble.of(55), none))
                .isEqualTo("NbFrame must be >= 1 but was 0");
        assertThat(CamusPatientReader.invalid(10, 11, 1, OptionalDouble.of(55), none))
                .isEqualTo("ED must be a frame number in 1..10 (NbFrame) but was 11");
        assertThat(CamusPatientReader.invalid(10, 1, 0, OptionalDouble.of(55), none))
                .isEqualTo("ES must be a frame number in 1..10 (NbFrame) but was 0");
        assertThat(CamusPatientReader.invalid(10, 1, 2, OptionalDouble.of(Double.NaN), none))
                .isEqualTo("EF must be 0 to 100 but was NaN");
        assertThat(CamusPatientReader.invalid(10, 1, 2, OptionalDouble.of(1e39), none))
                .isEqualTo("EF must be 0 to 100 but was 1.0E39");
        assertThat(CamusPatientReader.invalid(10, 1, 2, OptionalDouble.of(-5), none))
                .isEqualTo("EF must be 0 to 100 but was -5.0");
        assertThat(CamusPatientReader.invalid(10, 1, 2, OptionalDouble.of(55), OptionalDouble.of(-1)))
                .isEqualTo("FrameRate must be 1 to 1000 but was -1.0");
        assertThat(CamusPatientReader.invalid(10, 1, 2, OptionalDouble.of(55), OptionalDouble.of(0.001)))
                .isEqualTo("FrameRate must be 1 to 1000 but was 0.001");
        assertThat(CamusPatientReader.invalid(10, 1, 2, none, none)).isNull(); // no EF: only EF and CM need one
    }
}
