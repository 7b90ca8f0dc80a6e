package org.etab.cli;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.concat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.copyOfEchonet;
import static org.etab.cli.EtabCliTest.etab;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.etab.cli.EtabCliTest.Run;
import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.testing.CamusPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming and sharding at their edges, run in-process on phantom data: a run whose last batch failed whole, a
 * report continued across resumes, a state from other epochs or another schedule, failures under {@code --on-error
 * fail}, a failed sharding repeat, and CAMUS exported at its native sizes (one size group per sequence).
 */
class ResumeCliTest {
    /** An EchoNet copy whose first record (in index order) is broken and whose second row the index rejects. */
    private static Path brokenEchonet(Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        Files.write(records.get(0).video(), new byte[] {1, 2, 3});
        List<String> list = new ArrayList<>(Files.readAllLines(root.resolve("FileList.csv")));
        String[] row = list.get(2).split(",", -1);
        row[1] = "notanumber"; // EF
        list.set(2, String.join(",", row));
        Files.write(root.resolve("FileList.csv"), list);
        return root;
    }

    private static String[] benchOn(Path root, Path state, Path report, String... more) {
        return concat(
                line(
                        "bench --root %s --split all --clip-length 4 --frame-size 32x32 --resume %s --report %s"
                                + " --quiet",
                        root, state, report),
                more);
    }

    /** One sample per batch on one thread: what each test changes is all that varies. */
    private static String[] bench(Path root, Path state, Path report, String... more) {
        return benchOn(root, state, report, concat(new String[] {"--batch", "1", "--threads", "1"}, more));
    }

    @Test
    void aRunWhoseLastBatchFailedWholeIsNotTriedAgainOnResume(@TempDir Path tmp) throws Exception {
        Path root = brokenEchonet(tmp);
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        Run first = etab(bench(root, state, report, "--limit", "1"));
        assertThat(first.lastLine()).startsWith("RESULT planned=1 delivered=0 failed=1 ");
        assertThat(Files.readString(state)).contains("\"position\":1");
        Run again = etab(bench(root, state, report, "--limit", "1"));
        assertThat(again.lastLine()).as(again.err()).startsWith("RESULT planned=0 delivered=0 failed=0 ");
        assertThat(reportRows(report, "failed")).hasSize(1);
    }

    /** The command line without its {@code --quiet}: what the run says on stderr is then all there. */
    private static String[] withoutQuiet(String[] args) {
        List<String> loud = new ArrayList<>(List.of(args));
        loud.remove("--quiet");
        return loud.toArray(String[]::new);
    }

    @Test
    void aStateAtTheEndOfTheRunSaysThereIsNothingLeftUnlessQuiet(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(bench(root, state, report, "--limit", "3", "--epochs", "2"))
                        .code())
                .isZero();
        List<String> rows = Files.readAllLines(report);
        String line = "etab bench: " + state + " is at the end of this run (epoch 1 finished, position 3): nothing "
                + "left to do; to stream further epochs, pass --start-epoch 2";

        Run again = etab(withoutQuiet(bench(root, state, report, "--limit", "3", "--epochs", "2")));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.lastLine()).startsWith("RESULT planned=0 delivered=0 failed=0 ");
        assertThat(again.err().lines()).contains(line).noneMatch(l -> l.contains("resuming at"));
        Run quiet = etab(bench(root, state, report, "--limit", "3", "--epochs", "2"));
        assertThat(quiet.err().lines()).containsExactly(line); // a RESULT of zeros is explained also when quiet
        assertThat(quiet.lastLine()).startsWith("RESULT planned=0 ");
        assertThat(Files.readAllLines(report)).isEqualTo(rows);

        // a state inside the run is resumed as before, and the start the line names goes on
        Run more = etab(withoutQuiet(bench(root, state, report, "--limit", "3", "--epochs", "3")));
        assertThat(more.err())
                .contains("etab bench: resuming at epoch 1, position 3")
                .doesNotContain("nothing left");
        assertThat(more.lastLine()).startsWith("RESULT planned=3 delivered=3 ");
        Run after = etab(concat(withoutQuiet(bench(root, state, report, "--limit", "3")), "--start-epoch", "3"));
        assertThat(after.err()).contains("etab bench: resuming at epoch 3, position 0");
        assertThat(after.lastLine()).startsWith("RESULT planned=3 delivered=3 ");
    }

    @Test
    void aResumedBenchContinuesItsReportWithEveryRowOnceAndTheRejectedFirst(@TempDir Path tmp) throws Exception {
        Path root = brokenEchonet(tmp);
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(bench(root, state, report, "--limit", "4")).code()).isZero();
        // a run stopped between writing a batch's rows and saving its position wrote them once too often
        List<String> rows = new ArrayList<>(Files.readAllLines(report));
        rows.add(rows.get(rows.size() - 1));
        Files.write(report, rows);
        Run rest = etab(bench(root, state, report));
        assertThat(rest.code()).as(rest.err()).isZero();

        Path whole = tmp.resolve("whole.csv");
        assertThat(etab(bench(root, tmp.resolve("whole.json"), whole)).code()).isZero();
        assertThat(Files.readAllLines(report)).isEqualTo(Files.readAllLines(whole));
        assertThat(Files.readAllLines(report).get(1)).contains(",rejected,index,");
    }

    @Test
    void theReportGoesOnAcrossRunsWhateverEpochsTheyTakeAndWhenItWasFirstAskedFor(@TempDir Path tmp) throws Exception {
        Path root = brokenEchonet(tmp);
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        // two epochs of 4 samples, then the rest of epoch 1 by a run that names only epoch 1
        assertThat(etab(bench(root, state, report, "--epochs", "2", "--limit", "4"))
                        .code())
                .isZero();
        Run rest = etab(bench(root, state, report, "--start-epoch", "1"));
        assertThat(rest.code()).as(rest.err()).isZero();
        Path first = tmp.resolve("first.csv");
        Path second = tmp.resolve("second.csv");
        assertThat(etab(bench(root, tmp.resolve("a.json"), first, "--limit", "4"))
                        .code())
                .isZero();
        assertThat(etab(bench(root, tmp.resolve("b.json"), second, "--start-epoch", "1"))
                        .code())
                .isZero();
        List<String> expected = new ArrayList<>(Files.readAllLines(first));
        expected.addAll(sampleRows(Files.readAllLines(second)));
        assertThat(Files.readAllLines(report)).isEqualTo(expected);

        // a report first asked for by a resumed run holds the samples from there on, once each
        Path late = tmp.resolve("late.json");
        Path lateReport = tmp.resolve("late.csv");
        assertThat(etab(bench(root, late, tmp.resolve("none.csv"), "--limit", "4"))
                        .code())
                .isZero();
        Files.delete(tmp.resolve("none.csv"));
        assertThat(etab(bench(root, late, lateReport, "--limit", "8")).code()).isZero();
        List<String> rows = new ArrayList<>(Files.readAllLines(lateReport));
        rows.add(rows.get(rows.size() - 1)); // stopped between writing a batch's rows and saving the state
        Files.write(lateReport, rows);
        assertThat(etab(bench(root, late, lateReport)).code()).isZero();
        List<String> whole = Files.readAllLines(wholeEpoch0(root, tmp));
        List<String> from4 = new ArrayList<>(whole.subList(0, 2)); // header, rejected row
        from4.addAll(sampleRows(whole).subList(4, sampleRows(whole).size()));
        assertThat(Files.readAllLines(lateReport)).isEqualTo(from4);
    }

    private static Path wholeEpoch0(Path root, Path tmp) {
        Path whole = tmp.resolve("whole-epoch0.csv");
        assertThat(etab(bench(root, tmp.resolve("whole-epoch0.json"), whole)).code())
                .isZero();
        return whole;
    }

    /** The delivered and failed rows of a report, in order. */
    private static List<String> sampleRows(List<String> report) {
        return report.stream()
                .filter(row -> row.contains(",delivered,") || row.contains(",failed,"))
                .toList();
    }

    @Test
    void batchesOfSeveralSamplesOnSeveralThreadsResumeToTheWholeRunsReportRowForRow(@TempDir Path tmp)
            throws Exception {
        Path root = brokenEchonet(tmp);
        // the broken record is the first in index order: shuffled, it falls inside a batch of 3
        String[] many = {"--batch", "3", "--threads", "2", "--shuffle", "true", "--epochs", "2"};
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(concat(benchOn(root, state, report), concat(many, "--limit", "7")))
                        .code())
                .isZero();
        List<String> rows = new ArrayList<>(Files.readAllLines(report));
        rows.add(rows.get(rows.size() - 2)); // stopped after writing rows past the state
        Files.write(report, rows);
        Run rest = etab(concat(benchOn(root, state, report), many));
        assertThat(rest.code()).as(rest.err()).isZero();
        Path whole = tmp.resolve("whole.csv");
        Path first = tmp.resolve("first.csv");
        assertThat(etab(concat(benchOn(root, tmp.resolve("f.json"), first), concat(many, "--limit", "7")))
                        .code())
                .isZero();
        // the whole of epoch 0, then the rest of epoch 1 from where the limited run left it
        assertThat(etab(concat(benchOn(root, tmp.resolve("w.json"), whole), many))
                        .code())
                .isZero();
        List<String> wholeRows = sampleRows(Files.readAllLines(whole));
        List<String> firstRows = sampleRows(Files.readAllLines(first));
        int epochLength = wholeRows.size() / 2;
        List<String> expected = new ArrayList<>(Files.readAllLines(first));
        // the resumed run finishes epoch 1 (the limited one's epoch 1 ended at 7): its rows from 7 on
        expected.addAll(wholeRows.subList(epochLength + 7, wholeRows.size()));
        assertThat(firstRows).hasSize(14);
        assertThat(Files.readAllLines(report)).isEqualTo(expected);
    }

    @Test
    void aStateThatDoesNotCountItsReportRowsDoesNotTouchAnExistingReport(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(bench(root, state, report, "--limit", "4")).code()).isZero();
        // as an older etab saved it: no order, no count
        Files.writeString(state, "{\"seed\":42,\"epoch\":0,\"position\":4,\"rank\":0,\"world\":1}");
        String before = Files.readString(report);
        Run r = etab(bench(root, state, report));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("cannot continue " + report).contains("name another --report file");
        assertThat(Files.readString(report)).isEqualTo(before);
        Run elsewhere = etab(bench(root, state, tmp.resolve("new.csv")));
        assertThat(elsewhere.lastLine()).as(elsewhere.err()).startsWith("RESULT planned=8 delivered=8 ");
    }

    @Test
    void aStateFromOtherEpochsIsRefusedAndTheReportLeftAsItWas(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(bench(root, state, report, "--limit", "5")).code()).isZero();
        // the interrupted run's epoch 0 is not finished: a run of epoch 3 would stream epochs 0..3
        String before = Files.readString(report);
        Run other = etab(bench(root, state, report, "--limit", "6", "--start-epoch", "3"));
        assertThat(other.code()).isNotZero();
        assertThat(other.err()).contains("is at epoch 0, position 5").contains("--start-epoch 3");
        assertThat(Files.readString(report)).isEqualTo(before);
        // once epoch 0 is finished, the next run may start at epoch 1
        assertThat(etab(bench(root, state, report, "--limit", "6")).lastLine()).startsWith("RESULT planned=1 ");
        Run next = etab(bench(root, state, report, "--limit", "6", "--start-epoch", "1"));
        assertThat(next.lastLine()).as(next.err()).startsWith("RESULT planned=6 delivered=6 ");
        assertThat(Files.readString(state)).contains("\"epoch\":1").contains("\"position\":6");
    }

    @Test
    void anExportResumedAtItsEndSaysThereIsNothingLeftUnlessQuiet(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path state = tmp.resolve("state.json");
        String[] export = resumableExport(root, out, state, "--limit", "3");
        Run first = etab(export);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).doesNotContain("resuming").doesNotContain("nothing left");
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));

        Run again = etab(export);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err().lines())
                .contains("etab export: " + state + " is at the end of this export (3 samples): nothing left to do");
        assertThat(again.lastLine()).startsWith("RESULT planned=0 delivered=0 failed=0 ");
        assertThat(etab(concat(export, "--quiet")).err().lines())
                .containsExactly(
                        "etab export: " + state + " is at the end of this export (3 samples): nothing left to do");
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).isEqualTo(manifest);

        Run more = etab(resumableExport(root, out, state, "--limit", "5"));
        assertThat(more.err()).contains("etab export: resuming at position 3 of 5 (" + state + ")");
        assertThat(more.lastLine()).startsWith("RESULT planned=2 delivered=2 ");
    }

    @Test
    void aResumedExportWhoseManifestOrReportCannotBeReadSaysSoInOneLine(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(exportOf(root, out, state, report, 2)).code()).isZero();
        String[] more = exportOf(root, out, state, report, 4); // resumes at 2
        Path manifest = out.resolve("manifest.csv");

        // an edited manifest with a quote never closed: FastCSV's field limit (16 MiB) is met
        String kept = Files.readString(manifest);
        Files.writeString(manifest, kept + "\"" + "x".repeat(17 << 20));
        Run unclosed = etab(more);
        assertThat(unclosed.code()).as(unclosed.err()).isEqualTo(2);
        assertThat(unclosed.err().strip().lines())
                .singleElement(as(InstanceOfAssertFactories.STRING))
                .startsWith("etab: " + manifest + ": cannot read it to resume: ");

        // a FIFO (or a device) in the manifest's or the report's place is refused unopened, not waited on
        Files.delete(manifest);
        Process mkfifo = new ProcessBuilder("mkfifo", manifest.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        Run fifo = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> etab(more));
        assertThat(fifo.code()).isEqualTo(2);
        assertThat(fifo.err().strip())
                .isEqualTo("etab: " + manifest + ": not a regular file (a directory, FIFO or device): refused unread;"
                        + " cannot resume from it");
        Files.delete(manifest);
        Files.writeString(manifest, kept);
        Files.delete(report);
        Files.createSymbolicLink(report, Path.of("/dev/zero"));
        Run zero = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> etab(more));
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err().strip()).startsWith("etab: " + report + ": not a regular file");
    }

    @Test
    void aManifestRowEditedToNameOtherFilesGetsItsOwnBackOnResume(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path state = tmp.resolve("state.json");
        assertThat(etab(resumableExport(root, out, state, "--quiet", "--limit", "2"))
                        .code())
                .isZero();
        Path manifest = out.resolve("manifest.csv");
        List<String> whole = Files.readAllLines(manifest);
        String id = whole.get(1).split(",")[0];
        List<String> edited = new ArrayList<>(whole);
        edited.set(1, whole.get(1).replace(id + ".x.npy", "/etc/passwd").replace(id + ".y.npy", "../y.npy"));
        Files.write(manifest, edited);

        Run again = etab(resumableExport(root, out, state, "--quiet", "--limit", "3")); // resumes at 2
        assertThat(again.code()).as(again.err()).isZero();
        List<String> repaired = Files.readAllLines(manifest);
        assertThat(repaired.subList(0, 3)).isEqualTo(whole);
        assertThat(repaired).hasSize(4);
    }

    /** An export of 4-frame 16x16 clips that saves its position in {@code state}: rerun, it resumes there. */
    private static String[] resumableExport(Path root, Path out, Path state, String... more) {
        return concat(
                line(
                        "export --root %s --split all --clip-length 4 --frame-size 16x16 --out %s --resume %s",
                        root, out, state),
                more);
    }

    /** As {@link #resumableExport}, with a report, quiet, of the first {@code limit} samples. */
    private static String[] exportOf(Path root, Path out, Path state, Path report, int limit) {
        return resumableExport(
                root, out, state, "--report", report.toString(), "--quiet", "--limit", Integer.toString(limit));
    }

    @Test
    void aSampleBeforeTheSavedPositionThatLostItsFileOrRowIsRefusedNotDroppedInSilence(@TempDir Path tmp)
            throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(exportOf(root, out, state, report, 4)).code()).isZero();
        Path manifest = out.resolve("manifest.csv");
        List<String> whole = Files.readAllLines(manifest);
        String second = whole.get(2).split(",")[0];

        // one file of a written sample deleted
        Files.move(out.resolve(second + ".y.npy"), tmp.resolve("kept.y.npy"));
        Run lostFile = etab(exportOf(root, out, state, report, 6));
        assertThat(lostFile.code()).isEqualTo(2);
        assertThat(lostFile.err().strip())
                .isEqualTo("etab: " + manifest + ": sample " + second + ", before the saved position, cannot be kept: "
                        + "its file " + out.resolve(second + ".y.npy") + " is missing (restore it, or export again "
                        + "without --resume)");
        assertThat(Files.readAllLines(manifest)).isEqualTo(whole); // left as it was
        Files.move(tmp.resolve("kept.y.npy"), out.resolve(second + ".y.npy"));

        // a row cut short, then a row gone that the report says was delivered
        List<String> cut = new ArrayList<>(whole);
        cut.set(2, whole.get(2).substring(0, whole.get(2).lastIndexOf(',')));
        Files.write(manifest, cut);
        assertThat(etab(exportOf(root, out, state, report, 6)).err()).contains("sample " + second, "its row has");
        List<String> gone = new ArrayList<>(whole);
        gone.remove(2);
        Files.write(manifest, gone);
        assertThat(etab(exportOf(root, out, state, report, 6)).err())
                .contains(manifest + " has no row for sample " + second + ", which " + report + " says was delivered");

        // the manifest gone altogether
        Files.delete(manifest);
        assertThat(etab(exportOf(root, out, state, report, 6)).err())
                .contains(manifest + " is missing, but the resume state says 4 samples were done");

        // restored, the export goes on to 6 samples as if never stopped
        Files.write(manifest, whole);
        Run resumed = etab(exportOf(root, out, state, report, 6));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(Files.readAllLines(manifest)).hasSize(7).startsWith(whole.toArray(String[]::new));
    }

    @Test
    void aReportMissingAtResumeIsSaidToLackTheRowsBeforeIt(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(exportOf(root, out, state, report, 3)).code()).isZero();
        Files.delete(report);
        Run resumed = etab(exportOf(root, out, state, report, 5));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err())
                .contains("etab: " + report + " does not exist: the 3 sample rows the resume state counts before it "
                        + "are not in the report this run starts");
    }

    @Test
    void aStateOfAnotherSeedIsRefusedNamingItsFile(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(exportOf(root, out, state, report, 3)).code()).isZero();
        Run other = etab(concat(exportOf(root, out, state, report, 5), "--seed", "7"));
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err().strip()).startsWith("etab: " + state + ": the resume state was saved with seed=");
    }

    @Test
    void aStatePastTheScheduleIsRefusedAndTheExportLeftAsItWas(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        String[] export = resumableExport(root, out, tmp.resolve("state.json"), "--quiet");
        assertThat(etab(export).code()).isZero();
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        Run smaller = etab(concat(export, "--limit", "5"));
        assertThat(smaller.code()).isNotZero();
        assertThat(smaller.err()).contains("past the 5 samples").contains("--limit");
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).isEqualTo(manifest);
    }

    @Test
    void aResumeMayRaiseTheLimitButNotReorderTheEpoch(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path state = tmp.resolve("state.json");
        Path report = tmp.resolve("report.csv");
        assertThat(etab(bench(root, state, report, "--limit", "4")).code()).isZero();
        String saved = Files.readString(state);
        for (String[] other : List.of(
                new String[] {"--shuffle", "true"}, new String[] {"--clip-start", "first"}, new String[] {"--fps", "10"
                })) {
            Run r = etab(concat(bench(root, state, report), other));
            assertThat(r.code()).as(String.join(" ", other)).isNotZero();
            assertThat(r.err()).contains("saved for another order of epoch 0").contains("position 4");
            assertThat(Files.readString(state)).isEqualTo(saved);
        }
        Run more = etab(bench(root, state, report, "--limit", "9"));
        assertThat(more.lastLine()).as(more.err()).startsWith("RESULT planned=5 delivered=5 ");
    }

    @Test
    void aResumedExportCannotChangeWhatASampleIs(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        String[] export =
                line("export --root %s --split all --out %s --resume %s --quiet", root, out, tmp.resolve("state.json"));
        String[] small = {"--frame-size", "16x16"};
        assertThat(etab(concat(concat(export, "--limit", "2"), small)).code()).isZero();
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        for (String[] other : List.of(
                new String[] {"--frame-size", "32x16"},
                concat(small, "--dtype", "uint8", "--normalize", "false"),
                concat(small, "--layout", "tchw"),
                concat(small, "--target", "ES/ED"),
                concat(small, "--resize", "bicubic"))) {
            Run r = etab(concat(concat(export, "--limit", "4"), other));
            assertThat(r.code()).as(String.join(" ", other)).isEqualTo(2);
            assertThat(r.err()).contains("saved for another order of epoch 0", "another target, size, dtype or layout");
            assertThat(Files.readAllLines(out.resolve("manifest.csv"))).isEqualTo(manifest);
        }
        assertThat(etab(concat(concat(export, "--limit", "4"), small)).code()).isZero(); // the same samples: resumed
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).hasSize(manifest.size() + 2);
    }

    @Test
    void anExportStoppedByAFailureReportsIt(@TempDir Path tmp) throws Exception {
        Path root = brokenEchonet(tmp);
        Path report = tmp.resolve("report.csv");
        Run r = etab(line(
                "export --root %s --split all --clip-length 4 --frame-size 16x16 --threads 2 --batch 2"
                        + " --on-error fail --report %s --out %s --quiet",
                root, report, tmp.resolve("out")));
        assertThat(r.code()).isEqualTo(2);
        String broken = EchoNetReader.read(root).select("all").get(0).id();
        assertThat(reportRows(report, "failed")).anyMatch(row -> row.startsWith(broken + ",failed,decode,"));
    }

    @Test
    void anExportStoppedByALaterClipsFailureNamesThatClipAsItsReportRowDoes(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        EchoNetRecord first = EchoNetReader.read(root).select("all").get(0);
        byte[] video = Files.readAllBytes(first.video());
        Files.write(first.video(), java.util.Arrays.copyOf(video, video.length / 3)); // its later clips cannot be read
        Path report = tmp.resolve("report.csv");
        Run r = etab(line(
                "export --root %s --split all --clip-length 4 --frame-size 16x16 --clip-start all --limit 12"
                        + " --threads 1 --batch 2 --on-error fail --report %s --out %s --quiet",
                root, report, tmp.resolve("out")));
        assertThat(r.code()).isEqualTo(2);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^etab: sample (" + first.id() + "_\\d+) failed: ")
                .matcher(r.err().strip());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(reportRows(report, "failed")).anyMatch(row -> row.startsWith(m.group(1) + ",failed,"));
    }

    @Test
    void aFailedShardingRepeatIsFlaggedInTheReport(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        EchoNetRecord first = EchoNetReader.read(root).select("all").get(0);
        Files.write(first.video(), new byte[] {1, 2, 3});
        List<String> rows = new ArrayList<>();
        for (int rank = 0; rank < 5; rank++) { // 12 records on 5 ranks: records 0..2 are repeated on ranks 2..4
            Path report = tmp.resolve("rank" + rank + ".csv");
            Run r = etab(line(
                    "bench --root %s --split all --clip-length 4 --frame-size 32x32 --rank %s --world 5"
                            + " --report %s --quiet",
                    root, rank, report));
            assertThat(r.code()).as(r.err()).isZero();
            rows.addAll(reportRows(report, "failed"));
        }
        assertThat(rows).hasSize(2).allMatch(row -> row.startsWith(first.id() + ",failed,decode,"));
        assertThat(rows)
                .filteredOn(row -> row.contains(",repeat (sharding padding); "))
                .hasSize(1);
    }

    @Test
    void camusAtNativeSizesCutsItsOneSequenceToWholeBatchesAndRefusesSharding(@TempDir Path tmp) throws Exception {
        String root = CamusPhantoms.camus(CamusRelease.MHD).toString();
        String[] export = line(
                "export --dataset camus --root %s --target EF --clip-length 2 --fps 0 --clip-start first"
                        + " --frame-size native --batch 5 --quiet",
                root);
        Run all = etab(concat(export, "--out", tmp.resolve("all").toString()));
        assertThat(all.code()).as(all.err()).isZero();
        int planned = planned(all);
        assertThat(planned).isGreaterThan(5);
        Run cut = etab(concat(export, "--out", tmp.resolve("cut").toString(), "--drop-last", "true"));
        assertThat(planned(cut)).isEqualTo(planned / 5 * 5);
        try (Stream<Path> files = Files.list(tmp.resolve("cut"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".x.npy"))).hasSize(planned / 5 * 5);
        }
        Run sharded = etab(concat(export, "--out", tmp.resolve("rank1").toString(), "--rank", "1", "--world", "2"));
        assertThat(sharded.code()).isNotZero();
        assertThat(sharded.err())
                .contains("--rank/--world with --frame-size native")
                .contains("size groups");
    }

    private static int planned(Run r) {
        return Integer.parseInt(r.lastLine().replaceAll("RESULT planned=(\\d+) .*", "$1"));
    }

    private static List<String> reportRows(Path report, String status) throws Exception {
        return Files.readAllLines(report).stream()
                .filter(row -> row.split(",", -1)[1].equals(status))
                .toList();
    }
}
