package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.etab.datasets.camus.CamusRelease;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos: {@code etab export} in a child JVM, stopped at seeded random points by SIGINT or SIGKILL. After each stop
 * the manifest, the files and the report agree (every row's files are whole and byte-identical to an uninterrupted
 * export's, no final name holds a partial file, the report names what the manifest holds), and {@code --resume}
 * finishes the export with exactly the uninterrupted export's manifest, files and report: for EchoNet clips, and for
 * CAMUS at native sizes, exported size group by size group.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExportInterruptionTest {
    private static final long SEED = 20261203L;

    /** Many small samples (every 8-frame clip of every video, 16x16), one video broken so that some fail. */
    private static String[] echonetFlags(Path root, Path out, Path state, Path report) {
        return line(
                "export --root %s --split all --clip-length 8 --fps 25 --frame-size 16x16"
                        + " --clip-start all --batch 4 --threads 2 --out %s --resume %s --report %s --quiet",
                root, out, state, report);
    }

    /**
     * Every 2-frame clip of every CAMUS sequence at its native size: each sequence a size group of its own, so the
     * export runs one pipeline per group and a stop falls inside some group after others are done.
     */
    private static String[] camusNativeFlags(Path root, Path out, Path state, Path report) {
        return line(
                "export --dataset camus --root %s --target EF --clip-length 2 --fps 0"
                        + " --clip-start all --frame-size native --dtype uint8 --normalize false --channels 1"
                        + " --batch 2 --threads 2 --out %s --resume %s --report %s --quiet",
                root, out, state, report);
    }

    /** The four paths one export writes. */
    private interface Flags {
        String[] of(Path out, Path state, Path report);
    }

    @Test
    void killedAtRandomPointsTheExportStaysConsistentAndResumesToTheWholeSet(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("echonet");
        Trees.copy(PhantomDatasets.echonet(), root);
        try (Stream<Path> videos = Files.list(root.resolve("Videos")).sorted()) {
            Files.write(videos.findFirst().orElseThrow(), new byte[] {1, 2, 3});
        }
        List<String> list = new ArrayList<>(Files.readAllLines(root.resolve("FileList.csv")));
        String[] row = list.get(2).split(",", -1);
        row[1] = "notanumber"; // the index rejects it: the report's rejected rows stay first across resumes
        list.set(2, String.join(",", row));
        Files.write(root.resolve("FileList.csv"), list);
        stopAndResume(tmp, (out, state, report) -> echonetFlags(root, out, state, report), 4, ",failed,decode,");
    }

    @Test
    void anExportOfManySizeGroupsResumesInTheGroupItStoppedIn(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("camus");
        Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), root);
        try (Stream<Path> raws = Files.walk(root)) {
            Path raw = raws.filter(f ->
                            f.getParent().getParent().getFileName().toString().equals("training")
                                    && f.getFileName().toString().endsWith("_4CH_sequence.raw"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
            Files.write(raw, new byte[] {1, 2, 3}); // its clips fail: shorter than the header says
            // without its ED frame, the index rejects the view
            Files.delete(raw.resolveSibling(raw.getFileName().toString().replace("_4CH_sequence.raw", "_2CH_ED.mhd")));
        }
        stopAndResume(tmp, (out, state, report) -> camusNativeFlags(root, out, state, report), 2, ",failed,");
    }

    /**
     * Exports uninterrupted, then four times stopped at seeded random points (SIGINT, SIGKILL) and resumed: each
     * stopped run is consistent, its saved position within a batch of what its report accounts for (so that the
     * resumed run redoes at most that batch), each resumed one equals the uninterrupted one.
     */
    private static void stopAndResume(Path tmp, Flags flags, int batch, String someFailure) throws Exception {
        Path ref = tmp.resolve("ref");
        assertThat(inProcess(flags.of(ref, tmp.resolve("ref.state"), tmp.resolve("ref.csv"))))
                .isZero();
        List<String> refManifest = Files.readAllLines(ref.resolve("manifest.csv"));
        List<String> refReport = Files.readAllLines(tmp.resolve("ref.csv"));
        assertThat(refManifest.size())
                .as("enough samples to stop in the middle")
                .isGreaterThan(50);
        assertThat(refReport).anyMatch(r -> r.contains(someFailure));
        assertThat(refReport.get(1)).contains(",rejected,index,");

        Random random = new Random(SEED);
        String[] signals = {"INT", "KILL", "INT", "KILL"};
        int stoppedMidway = 0;
        for (int i = 0; i < signals.length; i++) {
            Path out = tmp.resolve("run" + i);
            Path state = tmp.resolve("run" + i + ".state");
            Path report = tmp.resolve("run" + i + ".csv");
            int stopAfter = 1 + random.nextInt(refManifest.size() - 2); // manifest rows seen before the signal
            boolean ended = runAndStop(
                    flags.of(out, state, report),
                    out.resolve("manifest.csv"),
                    stopAfter,
                    random.nextInt(30),
                    signals[i],
                    tmp.resolve("run" + i + ".log"));
            stoppedMidway += ended ? 0 : 1;
            System.err.println("ExportInterruptionTest: run " + i + " SIG" + signals[i] + " after " + stopAfter + " of "
                    + refManifest.size() + " rows" + (ended ? ": ended first" : ""));
            String what = "run " + i + " (SIG" + signals[i] + " after " + stopAfter + " rows"
                    + (ended ? ", ended first" : "") + ")";

            List<String> manifest = Files.exists(out.resolve("manifest.csv"))
                    ? Files.readAllLines(out.resolve("manifest.csv"))
                    : List.of();
            // the rows are the uninterrupted export's first ones, each with its two whole files
            assertThat(refManifest.subList(0, manifest.size())).as(what).isEqualTo(manifest);
            Set<String> rowFiles = new HashSet<>();
            for (String row : manifest.subList(Math.min(1, manifest.size()), manifest.size())) {
                String id = row.split(",")[0];
                rowFiles.add(id + ".x.npy");
                rowFiles.add(id + ".y.npy");
            }
            // every file under a final name is whole (identical to the uninterrupted one's)
            Set<String> finalFiles = npyFiles(out);
            for (String f : finalFiles) {
                assertThat(Files.readAllBytes(out.resolve(f)))
                        .as(what + ": " + f)
                        .isEqualTo(Files.readAllBytes(ref.resolve(f)));
            }
            assertThat(finalFiles).as(what).containsAll(rowFiles);
            Set<String> withoutRow = new HashSet<>(finalFiles);
            withoutRow.removeAll(rowFiles);
            // SIGINT: the shutdown hook lets the sample in hand finish; SIGKILL: at most that sample's pair is rowless
            assertThat(withoutRow.size())
                    .as(what + ": files without a row " + withoutRow)
                    .isLessThanOrEqualTo(signals[i].equals("INT") ? 0 : 2);
            long accounted = Files.exists(report)
                    ? count(Files.readAllLines(report), ",delivered,") + count(Files.readAllLines(report), ",failed,")
                    : 0;
            assertThat(savedPosition(state))
                    .as(what + ": the saved position against the " + accounted + " samples reported")
                    .isBetween(accounted - batch, accounted);
            if (signals[i].equals("INT") && !ended && Files.exists(state)) {
                // the hook's notice names the position the state file keeps
                assertThat(Files.readString(tmp.resolve("run" + i + ".log")))
                        .as(what)
                        .contains("etab export: stopped by a signal; ")
                        .contains("--resume " + state + " goes on from epoch 0, position " + savedPosition(state));
            }
            if (Files.exists(report)) {
                List<String> rows = Files.readAllLines(report);
                assertThat(count(rows, ",delivered,")).as(what).isLessThanOrEqualTo(Math.max(0, manifest.size() - 1));
                if (signals[i].equals("INT")) {
                    assertThat(count(rows, ",delivered,")).as(what).isEqualTo(Math.max(0, manifest.size() - 1));
                }
                assertThat(refReport).as(what).containsAll(rows);
            }

            assertThat(inProcess(flags.of(out, state, report)))
                    .as(what + ": resume")
                    .isZero();
            assertThat(Files.readAllLines(out.resolve("manifest.csv")))
                    .as(what + ": resumed")
                    .isEqualTo(refManifest);
            assertThat(npyFiles(out)).as(what + ": resumed").isEqualTo(npyFiles(ref));
            for (String f : npyFiles(ref)) {
                assertThat(Files.readAllBytes(out.resolve(f)))
                        .as(what + ": resumed " + f)
                        .isEqualTo(Files.readAllBytes(ref.resolve(f)));
            }
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                        .as(what)
                        .isEmpty();
            }
            assertThat(Files.readAllLines(report)).as(what + ": resumed report").isEqualTo(refReport);
            assertThat(csvRows(report)).as(what + ": one row per sample").hasSize(refReport.size());
        }
        assertThat(stoppedMidway).as("runs stopped before they ended").isGreaterThanOrEqualTo(2);
    }

    /**
     * Starts the export in a child JVM, sends {@code signal} once the manifest has {@code rows} lines (plus
     * {@code extraMillis}), and waits for the child to end.
     *
     * @return true when the child ended before it could be stopped
     */
    private static boolean runAndStop(String[] args, Path manifest, int rows, int extraMillis, String signal, Path log)
            throws Exception {
        Process p = new ProcessBuilder(ChildEtab.command(List.of(args)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && lines(manifest) < rows && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        Thread.sleep(extraMillis);
        boolean ended = !p.isAlive();
        if (!ended) {
            if (signal.equals("KILL")) {
                p.destroyForcibly();
            } else {
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                        .start()
                        .waitFor();
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("the child ends after SIG" + signal + ": " + Files.readString(log))
                .isTrue();
        String printed = Files.readString(log);
        if (!ended
                && printed.matches("(?s)(.*\n)?RESULT .*")
                && !printed.contains("stopped by a signal")
                && (p.exitValue() == 0 || p.exitValue() == 130)) {
            // the signal came after the export had removed its hook and printed RESULT: it ended first, and exits
            // 0 when the JVM was already shutting down (it ignores SIGINT then), 130 when not yet
            return true;
        }
        if (!ended) {
            // 128 + the signal: SIGINT ends through the shutdown hooks, SIGKILL at once
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(signal.equals("INT") ? 130 : 137);
        }
        return ended;
    }

    /** The position in the resume state, 0 when none was saved. */
    private static long savedPosition(Path state) throws IOException {
        if (!Files.exists(state)) {
            return 0;
        }
        Matcher m = Pattern.compile("\"position\":(\\d+)").matcher(Files.readString(state));
        assertThat(m.find()).as(Files.readString(state)).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // being written
        }
    }

    private static int inProcess(String[] args) {
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return Etab.commandLine().execute(args);
        } finally {
            System.setOut(stdout);
        }
    }

    private static Set<String> npyFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return new HashSet<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".npy"))
                    .toList());
        }
    }

    private static long count(List<String> rows, String status) {
        return rows.stream().filter(r -> r.contains(status)).count();
    }

    private static List<String> sorted(List<String> rows) {
        return rows.stream().sorted().toList();
    }

    /** The report parsed as CSV (a reason may hold a comma): one record per row. */
    private static List<List<String>> csvRows(Path file) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CsvReader<CsvRecord> csv = CsvReader.builder().ofCsvRecord(file)) {
            for (CsvRecord r : csv) {
                out.add(r.getFields());
            }
        }
        assertThat(out.get(0)).containsExactly(RunRecorder.HEADER);
        return out;
    }
}
