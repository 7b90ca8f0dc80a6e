package org.etab.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.copyOfEchonet;
import static org.etab.cli.EtabCliTest.etab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.etab.cli.EtabCliTest.Run;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command line leaves when its environment fails: a full disk (a child JVM under {@code ulimit -f}, whose
 * writes past the limit fail with EFBIG as they fail with ENOSPC on a full disk, without root or a mount), a file in the
 * way of an output, and a second export into the folder another export is writing. Each is one line naming the file,
 * exit code 2, and no half-written file or temporary file left behind.
 */
class EnvironmentFaultsTest {

    /** {@code etab args} in a child JVM whose files may grow to {@code kib} KiB; stdout and stderr together. */
    private static Run underFileSizeLimit(int kib, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + kib + " && exec \"$@\"", "bash"));
        cmd.addAll(ChildEtab.command(List.of(args)));
        // through a pipe: stdout and stderr in a file would be cut by the limit too
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(printed).isTrue();
        return new Run(p.exitValue(), printed, printed);
    }

    /** {@code etab export} of the phantom's still frames into {@code out}, one thread, quiet. */
    private static String[] stillsExport(Path out) {
        return line(
                "export --root %s --split all --video false --threads 1 --out %s --quiet",
                PhantomDatasets.echonet(), out);
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aReportThatFillsTheDiskStopsTheRunWithALineNamingIt(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report.csv");
        // 10 epochs of 12 rows: the report passes 1 KiB in the middle of the run
        Run run = underFileSizeLimit(
                1,
                "bench",
                "--root",
                PhantomDatasets.echonet().toString(),
                "--split",
                "all",
                "--video",
                "false",
                "--epochs",
                "10",
                "--report",
                report.toString(),
                "--quiet");
        assertThat(run.code()).as(run.out()).isEqualTo(2);
        assertThat(run.out().lines().filter(l -> !l.startsWith("WARNING")))
                .as("before, the line named no file: 'etab: cannot write the report: File too large'")
                .containsExactly("etab: " + report + ": cannot write the report: File too large");
        assertThat(Files.size(report)).isEqualTo(1024);
    }

    @Test
    void anExportOnAFullDiskLeavesNoHalfWrittenArray(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        // a still frame's input array is 150 KB: its temporary file is cut at 64 KiB
        Run run = underFileSizeLimit(64, stillsExport(out));
        assertThat(run.code()).as(run.out()).isEqualTo(2);
        assertThat(run.out()).containsPattern("etab: " + out + "/\\S+\\.x\\.npy: cannot write: File too large");
        // before, the cut <id>.x.npy.tmp stayed, holding the space a full disk lacks
        assertThat(names(out)).containsExactly("manifest.csv");
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).hasSize(1); // the header: no sample was written
    }

    @Test
    void aSampleWhoseTargetCannotBeWrittenLeavesNeitherOfItsFiles(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        // every sample's target name taken by a folder that is not empty: its array cannot be moved there
        List<String> taken = new ArrayList<>();
        for (EchoNetRecord r : EchoNetReader.read(PhantomDatasets.echonet()).select("all")) {
            Path folder = Files.createDirectories(out.resolve(r.id() + ".y.npy"));
            Files.writeString(folder.resolve("keep"), "a user's file");
            taken.add(r.id() + ".y.npy");
        }
        Run run = etab(stillsExport(out));
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).containsPattern("etab: " + out + "/\\S+\\.y\\.npy: cannot write: ");
        // before, the sample's input stayed under its final name with no manifest row, and <id>.y.npy.tmp beside it
        List<String> expected = new ArrayList<>(taken);
        expected.add("manifest.csv");
        assertThat(names(out)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).hasSize(1);
    }

    @Test
    void aSplitThatCannotBeWrittenLeavesTheEarlierSplitAsItWas(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("split");
        String root = PhantomDatasets.echonet().toString();
        Run first = etab("split", "--root", root, "--split", "all", "--seed", "1", "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        List<byte[]> before = new ArrayList<>();
        for (String f : List.of("train.csv", "val.csv", "test.csv")) {
            before.add(Files.readAllBytes(out.resolve(f)));
        }

        // no byte can be written: as a disk that is full
        Run run = underFileSizeLimit(
                0, "split", "--root", root, "--split", "all", "--seed", "2", "--out", out.toString());

        assertThat(run.code()).as(run.out()).isEqualTo(2);
        assertThat(run.out()).contains("etab: " + out + ": cannot write the split: File too large");
        // before, train.csv was cut to nothing beside the earlier split's val.csv and test.csv
        assertThat(names(out)).containsExactly("test.csv", "train.csv", "val.csv");
        List<String> files = List.of("train.csv", "val.csv", "test.csv");
        for (int i = 0; i < files.size(); i++) {
            assertThat(Files.readAllBytes(out.resolve(files.get(i))))
                    .as(files.get(i))
                    .isEqualTo(before.get(i));
        }
    }

    @Test
    void anOutThatIsAFileIsRefusedSayingSo(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("out"), "a user's file");
        Run run = etab(line("export --root %s --split all --limit 1 --out %s", PhantomDatasets.echonet(), file));
        assertThat(run.code()).isEqualTo(2);
        // before: 'etab: java.nio.file.FileAlreadyExistsException: <out>'
        assertThat(run.err().lines()).containsExactly("etab: --out " + file + " is a file, not a directory");
        assertThat(Files.readString(file)).isEqualTo("a user's file");
    }

    @Test
    void aSecondExportIntoAFolderAnotherExportIsWritingIsRefused(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        Path out = tmp.resolve("out");
        Path manifest = out.resolve("manifest.csv");
        Path log = tmp.resolve("first.log");
        // hundreds of small clips, one at a time: the first export is still writing when it is paused
        Process first = new ProcessBuilder(ChildEtab.command(List.of(line(
                        "export --root %s --split all --clip-start all --clip-length 4 --frame-size 16x16"
                                + " --threads 1 --batch 1 --out %s --quiet",
                        root, out))))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            pauseAfterLines(first, manifest, 3);
            // RESULT comes after the export's last write (it is printed before the export lets go of the folder)
            assertThat(Files.readString(log))
                    .as("the first export is paused while it writes")
                    .doesNotContain("RESULT");
            byte[] manifestBefore = Files.readAllBytes(manifest);
            Path report = tmp.resolve("second.csv");

            Run second = etab(
                    line("export --root %s --split all --video false --out %s --report %s --quiet", root, out, report));

            assertThat(second.code()).as(second.err()).isEqualTo(2);
            assertThat(second.err().lines())
                    .containsExactly("etab: --out " + out + " is being written by another etab export (it holds "
                            + OutputLock.NAME + "): wait for it to end, or export elsewhere");
            assertThat(second.out()).isEmpty();
            // before, it truncated the manifest the first was writing and wrote its own files among the first's
            assertThat(report).doesNotExist();
            assertThat(Files.readAllBytes(manifest)).isEqualTo(manifestBefore);
        } finally {
            signal("CONT", first);
        }
        assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(Files.readString(log)).isZero();
        List<String> rows = Files.readAllLines(manifest);
        assertThat(Files.readString(log)).contains("delivered=" + (rows.size() - 1) + " failed=0");
        assertThat(names(out)).hasSize(1 + 2 * (rows.size() - 1)); // its files and manifest; the lock file gone

        // and once it has ended, the folder takes the next export
        Run after =
                etab(line("export --root %s --split all --video false --frame-size 16x16 --out %s --quiet", root, out));
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(out.resolve(OutputLock.NAME)).doesNotExist();
    }

    @Test
    void nativesThatCannotBeUnpackedAreOneLineNamingWhere(@TempDir Path tmp) throws Exception {
        // a home and a temporary folder where nothing can be made (a read-only root file system, say): a regular
        // file stands for each, as a path below it cannot be created, for root too
        Path notADir = Files.writeString(tmp.resolve("file"), "not a folder");
        Process p = new ProcessBuilder(ChildEtab.command(
                        List.of("-Duser.home=" + notADir, "-Djava.io.tmpdir=" + notADir),
                        List.of("bench", "--root", PhantomDatasets.echonet().toString(), "--limit", "1")))
                .redirectErrorStream(true)
                .start();
        String printed = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // before: JavaCPP's UnsatisfiedLinkError with its stack trace, exit code 1
        assertThat(p.exitValue()).as(printed).isEqualTo(2);
        assertThat(printed.lines())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("etab: cannot load FFmpeg's native libraries: ")
                .endsWith("(JavaCPP unpacks them into "
                        + notADir.resolve(".javacpp").resolve("cache")
                        + ", then a folder in " + notADir
                        + "; name a writable folder with ETAB_JAVA_OPTS=-Dorg.bytedeco.javacpp.cachedir=DIR)");
    }

    @Test
    void aResultLineThatCannotBeWrittenIsNotASuccess(@TempDir Path tmp) throws Exception {
        // stdout a file on a full disk: /dev/full fails every write with ENOSPC
        Process p = new ProcessBuilder(ChildEtab.command(
                        List.of("bench", "--root", PhantomDatasets.echonet().toString(), "--limit", "2", "--quiet")))
                .redirectOutput(new java.io.File("/dev/full"))
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // before: exit code 0, and the RESULT line gone without a word
        assertThat(p.exitValue()).as(err).isEqualTo(2);
        assertThat(err.lines())
                .containsExactly("etab: standard output could not be written (a full disk, or a pipe closed early?): "
                        + "what the command printed there is lost");
    }

    @Test
    void aPhantomThatFillsTheDiskNamesTheVideoAndTheReason(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("phantom");
        // a phantom video is some 300 KB or more: cut at 64 KiB
        Run run = underFileSizeLimit(64, "synth", "--videos", "2", "--out", out.toString(), "--quiet");
        assertThat(run.code()).as(run.out()).isEqualTo(2);
        // before: '... cannot write the phantom: av_interleaved_write_frame() error -27 while writing interleaved
        // video packet. (For more details, ...)', naming neither the video nor the error
        assertThat(run.out())
                .containsPattern("etab: " + out + ": cannot write the phantom: " + out.resolve("Videos")
                        + "/\\S+\\.avi: cannot write: File too large \\(-27\\)");
    }

    /**
     * Lets {@code p} write until {@code file} has {@code n} lines (or it ends, or 120 s pass), then stops it with
     * SIGSTOP and waits until all its threads have stopped: paused mid-write, for a second run to meet its files.
     */
    static void pauseAfterLines(Process p, Path file, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && lines(file) < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        signal("STOP", p);
        awaitStopped(p);
    }

    static long lines(Path file) throws Exception {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        }
    }

    /**
     * Waits until every thread of {@code p} has stopped: {@code kill -STOP} returns once the signal is sent, and a
     * thread that is not on a CPU then stops only when it next runs, after a few more writes maybe.
     */
    static void awaitStopped(Process p) throws Exception {
        Path tasks = Path.of("/proc/" + p.pid() + "/task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            try (Stream<Path> threads = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) threads::iterator) {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2); // after "(comm) ", which may hold ')'
                    all &= state == 'T' || state == 't';
                }
            } catch (java.nio.file.NoSuchFileException threadEnded) {
                all = false;
            }
            if (all) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("process " + p.pid() + " did not stop");
    }

    static void signal(String signal, Process p) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    }
}
