package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.concat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.etab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.cli.EtabCliTest.Run;
import org.etab.datasets.camus.CamusRelease;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile flags, config files and dataset files at the command line: one clear line and exit 2 for what the run
 * cannot start with; a failed sample in the report (and nothing exported for it) for a file it may not open.
 */
class HostileInputCliTest {

    @Test
    void hugeCountsAndSizesAreOneLineBeforeAnythingIsAllocated() {
        String root = PhantomDatasets.echonet().toString();
        etab("bench", "--root", root, "--threads", "2147483647", "--quiet")
                .isOneLineExit2("--threads must be 1..1024 but was 2147483647");
        etab("bench", "--root", root, "--prefetch", "2147483647", "--quiet")
                .isOneLineExit2("--prefetch must be 0..1024 but was 2147483647");
        etab("bench", "--root", root, "--batch", "2147483647", "--quiet")
                .isOneLineExit2("--batch must be 1..65536 but was 2147483647");
        etab("bench", "--root", root, "--clip-length", "1000", "--frame-size", "4096x4096", "--quiet")
                .isOneLineExit2(
                        "one sample of [3, 1000, 4096, 4096] float32 is 201326592000 bytes, more than the 1073741824-byte");
        etab("bench", "--root", root, "--clip-length", "4", "--batch", "65536", "--threads", "8", "--quiet")
                .isOneLineExit2("a batch of 65536 samples of float32[3, 4, 112, 112] cthw is ");
    }

    /** {@code file} made {@code length} bytes long without writing them: a size check's input at no disk cost. */
    private static Path sparseFile(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
        return file;
    }

    @Test
    void aConfigThatIsADeviceOrTooLargeIsOneLine(@TempDir Path tmp) throws IOException {
        String root = PhantomDatasets.echonet().toString();
        etab("bench", "--root", root, "--config", "/dev/zero", "--quiet")
                .isOneLineExit2("/dev/zero: not a regular file (a directory, FIFO or device): refused unread");
        Path big = sparseFile(tmp.resolve("big.yaml"), 64L << 20);
        etab("bench", "--root", root, "--config", big.toString(), "--quiet")
                .isOneLineExit2(big + ": is 67108864 bytes, more than the 1048576 a config file may have");
    }

    /** A resume state that is a device, a FIFO or huge: one line before the run, not an OOM or a hang. */
    @Test
    void aResumeFileThatIsADeviceAFifoOrTooLargeIsOneLine(@TempDir Path tmp) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        etab("bench", "--root", root, "--resume", "/dev/zero", "--quiet")
                .isOneLineExit2(
                        "/dev/zero: not a regular file (a directory, FIFO or device): refused unread as a resume state");
        Path fifo = tmp.resolve("fifo.state");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        // a regression would block for good on the FIFO's open: run it where the test can give up on it
        var export = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> etab(line("export --root %s --out %s --resume %s --quiet", root, tmp.resolve("out"), fifo)));
        export.get(120, java.util.concurrent.TimeUnit.SECONDS)
                .isOneLineExit2(
                        fifo + ": not a regular file (a directory, FIFO or device): refused unread as a resume state");
        Path big = sparseFile(tmp.resolve("big.state"), 1L << 30);
        etab("bench", "--root", root, "--resume", big.toString(), "--quiet")
                .isOneLineExit2(big + ": is 1073741824 bytes, more than the 65536 a resume state may have");
    }

    /**
     * A CAMUS header inside the root whose data file is a link to a file outside: with the real bytes of an image
     * there, so that reading it would export it. It is a failed sample in the report, absent from the manifest, with
     * no .npy; {@code --allow-links-outside} exports it.
     */
    @Test
    void exportNeverWritesAFileLinkedOutsideTheRootUnlessAllowed(@TempDir Path tmp) throws Exception {
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        Path header;
        try (var s = Files.walk(root.resolve("training"))) {
            header = s.filter(p -> p.getFileName().toString().endsWith("_4CH_ED.mhd"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        String dataName = Files.readAllLines(header).stream()
                .filter(l -> l.startsWith("ElementDataFile"))
                .map(l -> l.substring(l.indexOf('=') + 1).trim())
                .findFirst()
                .orElseThrow();
        Path data = header.resolveSibling(dataName);
        Path secret = Files.createDirectories(tmp.resolve("outside")).resolve("secret.raw");
        Files.move(data, secret);
        Files.createSymbolicLink(data, secret);
        String id = header.getFileName().toString().replace("_ED.mhd", "");

        Path out = tmp.resolve("out");
        Path report = tmp.resolve("report.csv");
        String[] flags = line(
                "export --dataset camus --root %s --split train --view AP4CH --target EF"
                        + " --video false --frame-size 32x32 --report %s --quiet",
                root, report);
        Run r = etab(concat(flags, "--out", out.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> failed = Files.readAllLines(report).stream()
                .filter(l -> l.contains(",failed,"))
                .toList();
        assertThat(failed)
                .singleElement()
                .asString()
                .startsWith(id + ",failed,decode,")
                .contains("outside the dataset root");
        assertThat(Files.readAllLines(out.resolve("manifest.csv")))
                .noneMatch(l -> l.startsWith(id + ","))
                .hasSizeGreaterThan(1);
        assertThat(out.resolve(id + ".x.npy")).doesNotExist();

        Path allowedOut = tmp.resolve("allowed");
        Run allowed = etab(concat(flags, "--out", allowedOut.toString(), "--allow-links-outside"));
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(Files.readAllLines(allowedOut.resolve("manifest.csv"))).anyMatch(l -> l.startsWith(id + ","));
        assertThat(allowedOut.resolve(id + ".x.npy")).exists();
    }

    /** A FIFO named like a video: refused by type, so the run ends (a blocked open would stall it for good). */
    @Test
    void aFifoNamedLikeAVideoFailsItsSampleAndTheRunEnds(@TempDir Path tmp) throws Exception {
        Path root = Trees.copy(PhantomDatasets.echonet(), tmp.resolve("echonet"));
        Path video;
        try (var s = Files.list(root.resolve("Videos"))) {
            video = s.sorted().findFirst().orElseThrow();
        }
        Files.delete(video);
        assertThat(new ProcessBuilder("mkfifo", video.toString()).start().waitFor())
                .isZero();
        Path report = tmp.resolve("report.csv");
        Run r = etab(line(
                "bench --root %s --split all --clip-length 4 --frame-size 32x32 --threads 2 --report %s --quiet",
                root, report));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.lastLine())
                .startsWith("RESULT planned=" + PhantomDatasets.ECHONET_VIDEOS + " delivered="
                        + (PhantomDatasets.ECHONET_VIDEOS - 1) + " failed=1 ");
        assertThat(Files.readAllLines(report))
                .anyMatch(l -> l.contains(",failed,decode,")
                        && l.contains("is a FIFO (named pipe), not a regular file: refused unopened"));
    }

    /**
     * FileNames holding escape sequences and a newline (valid to the index: a quoted CSV field, no path separator)
     * reach stderr escaped, in the index's list, the failures and the one line of {@code --on-error fail}: they
     * neither clear the screen nor fake a RESULT line. The report keeps them as they are (data, quoted by the CSV).
     */
    @Test
    void idsFromTheDataReachTheTerminalWithTheirControlCharactersEscaped(@TempDir Path tmp) throws Exception {
        Path root = Trees.copy(PhantomDatasets.echonet(), tmp.resolve("echonet"));
        String fake = "RESULT planned=999 delivered=999 failed=0";
        String untraced = "X\u001b[2J\u001b]0;owned\u0007\n" + fake; // no tracings: left out by the index
        String missing = "Y\u001b[2J\r\n" + fake; // traced, no video: a failed sample
        List<String> list = new java.util.ArrayList<>(Files.readAllLines(root.resolve("FileList.csv")));
        String row = list.get(1);
        String rest = row.substring(row.indexOf(','));
        list.add('"' + untraced + '"' + rest);
        list.add('"' + missing + '"' + rest);
        Files.write(root.resolve("FileList.csv"), list);
        List<String> tracings = new java.util.ArrayList<>(Files.readAllLines(root.resolve("VolumeTracings.csv")));
        String traced = row.substring(0, row.indexOf(','));
        tracings.addAll(tracings.stream()
                .filter(l -> l.startsWith(traced + ".avi,"))
                .map(l -> '"' + missing + ".avi\"" + l.substring((traced + ".avi").length()))
                .toList());
        Files.write(root.resolve("VolumeTracings.csv"), tracings);
        Path report = tmp.resolve("report.csv");
        String[] flags = line(
                "bench --root %s --split all --clip-length 4 --frame-size 16x16 --device cpu --report %s",
                root, report);
        Run r = etab(flags);
        assertThat(r.code()).as(r.err()).isZero();
        int n = PhantomDatasets.ECHONET_VIDEOS;
        assertThat(r.lastLine()).startsWith("RESULT planned=" + (n + 1) + " delivered=" + n + " failed=1 ");
        assertThat(r.err())
                .contains("X\\u001b[2J\\u001b]0;owned\\u0007\\u000a" + fake)
                .contains("  failed: Y\\u001b[2J\\u000d\\u000a" + fake)
                .doesNotContain("\u001b", "\u0007", "\r");
        assertThat(r.err().lines()).noneMatch(l -> l.startsWith("RESULT"));
        assertThat(Files.readString(report))
                .contains('"' + untraced + "\",rejected,index,", '"' + missing + "\",failed,decode,");

        Run strict = etab(concat(flags, "--on-error", "fail", "--quiet"));
        assertThat(strict.code()).isEqualTo(2);
        assertThat(strict.err().strip().lines())
                .singleElement()
                .asString()
                .startsWith("etab: sample Y\\u001b[2J\\u000d\\u000a" + fake + " failed: ");
    }

    /**
     * A FileList.csv row whose FrameWidth is a quoted field of 2,000,000 characters, then a header naming a column with
     * 3,000,000: the index's list of problems and the one line of the refused index were the whole field, megabytes on
     * one line of stderr; now each shows at most {@link Terminal#MAX_CHARS} characters of it and counts the rest. The
     * report keeps the whole reason (data, as the CSV has it).
     */
    @Test
    void aHugeFieldQuotedByAReasonReachesTheTerminalCut(@TempDir Path tmp) throws Exception {
        Path root = Trees.copy(PhantomDatasets.echonet(), tmp.resolve("echonet"));
        Path fileList = root.resolve("FileList.csv");
        List<String> rows = new java.util.ArrayList<>(Files.readAllLines(fileList));
        String[] cells = rows.get(1).split(",", -1);
        cells[5] = '"' + "A".repeat(2_000_000) + '"';
        rows.set(1, String.join(",", cells));
        Files.write(fileList, rows);
        Path report = tmp.resolve("report.csv");
        Run r = etab(line(
                "bench --root %s --split all --clip-length 4 --frame-size 16x16 --device cpu --report %s",
                root, report));
        assertThat(r.code())
                .as(r.err().substring(0, Math.min(r.err().length(), 2000)))
                .isZero();
        assertThat(r.lastLine()).contains(" rejected=1");
        assertThat(r.err())
                .contains(cells[0] + ": FileList.csv: line 2: FrameWidth is not an integer: 'AAAA")
                .contains(" more characters)");
        assertThat(r.err().lines()).allMatch(l -> l.length() < Terminal.MAX_CHARS + 100);
        assertThat(Files.readString(report)).contains("'" + "A".repeat(2_000_000) + "'");

        rows.set(0, rows.get(0).replace("FPS", '"' + "F".repeat(3_000_000) + '"'));
        Files.write(fileList, rows);
        Run refused = etab("bench", "--root", root.toString(), "--device", "cpu", "--quiet");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().strip().lines())
                .singleElement()
                .asString()
                .startsWith("etab: " + fileList + ": missing required column FPS; header is [FileName, EF, ")
                .endsWith(" more characters)")
                .hasSizeLessThan(Terminal.MAX_CHARS + 100);
    }
}
