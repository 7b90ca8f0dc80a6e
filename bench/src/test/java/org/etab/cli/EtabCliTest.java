package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.concat;
import static org.etab.cli.CommandLines.line;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/** The command line contract, run in-process on the phantom data. */
class EtabCliTest {
    private static final Pattern RESULT =
            Pattern.compile("RESULT planned=(?<planned>\\d+) delivered=(?<delivered>\\d+) "
                    + "failed=(?<failed>\\d+) clips=(?<clips>\\d+) seconds=([0-9.]+) clips_per_s=([0-9.]+) "
                    + "frames_per_s=(?<framesPerS>[0-9.]+) peak_rss_mb=(-?\\d+) rejected=(?<rejected>\\d+)");

    /**
     * Asserts that the run's last line is a whole RESULT line (every field, in order), naming the line when it is
     * not; its fields are then the matcher's named groups ({@code planned}, {@code delivered}, {@code rejected}, ...).
     */
    static Matcher assertResultLine(Run r) {
        Matcher m = RESULT.matcher(r.lastLine());
        assertThat(m.matches()).as(r.lastLine()).isTrue();
        return m;
    }

    /** Exit code, stdout and stderr of one invocation. */
    record Run(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        /** A usage error as the CLI promises one: exit code 2 and one line on stderr, holding {@code message}. */
        void isOneLineExit2(String message) {
            assertThat(code).as(err).isEqualTo(2);
            assertThat(err.strip().lines()).as(err).singleElement().asString().contains(message);
        }
    }

    /** Runs the command line in-process; err holds picocli's error stream, then what went to System.err. */
    static Run etab(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
            CommandLine cl = Etab.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err + sysErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void benchEndsWithTheMachineReadableResultLine() {
        Run r = etab(line(
                "bench --dataset echonet --root %s --split all --target EF --clip-length 16 --fps 25"
                        + " --batch 4 --threads 2 --epochs 2 --quiet",
                PhantomDatasets.echonet()));
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = assertResultLine(r);
        assertThat(Long.parseLong(m.group("planned"))).isEqualTo(2L * PhantomDatasets.ECHONET_VIDEOS);
        assertThat(Long.parseLong(m.group("delivered"))).isEqualTo(2L * PhantomDatasets.ECHONET_VIDEOS);
        assertThat(m.group("failed")).isEqualTo("0");
        assertThat(m.group("clips")).isEqualTo(m.group("delivered"));
        assertThat(Double.parseDouble(m.group("framesPerS"))).isGreaterThan(0);
    }

    @Test
    void deviceAutoSaysWhatItChoseAndExplicitCudaWithoutAGpuIsOneClearLine() {
        CudaDevice.Availability here = CudaDevice.probe();
        org.junit.jupiter.api.Assumptions.assumeFalse(here.available(), "this machine has a GPU: " + here.reason());
        String root = PhantomDatasets.echonet().toString();
        Run auto = etab(line("bench --root %s --split all --clip-length 4 --frame-size 32x32 --verbose", root));
        assertThat(auto.code()).as(auto.err()).isZero();
        assertThat(auto.err())
                .contains("etab bench: device auto -> cpu (no CUDA: " + here.reason() + ")")
                .contains("  device       cpu (host batches), by --device auto (why not cuda: above)\n");
        assertResultLine(auto);

        // without --verbose the fallback is one short line; the rest of the output stays as it was
        Run brief = etab("bench", "--root", root, "--split", "all", "--clip-length", "4", "--frame-size", "32x32");
        assertThat(brief.code()).as(brief.err()).isZero();
        assertThat(brief.err())
                .contains("etab bench: device auto -> cpu (no usable GPU; details: --verbose)\n")
                .doesNotContain(here.reason())
                .doesNotContain("no CUDA")
                .contains("  device       cpu (host batches), by --device auto (why not cuda: above)\n");
        assertThat(brief.err().lines().filter(l -> l.contains("device auto"))).hasSize(2);
        assertResultLine(brief);

        // --quiet drops it, --verbose asks for it even then
        Run quiet = etab(line("bench --root %s --split all --clip-length 4 --frame-size 32x32 --quiet", root));
        assertThat(quiet.err()).doesNotContain("device auto");
        Run both = etab(line("bench --root %s --split all --clip-length 4 --frame-size 32x32 --quiet --verbose", root));
        assertThat(both.err().lines())
                .containsExactly("etab bench: device auto -> cpu (no CUDA: " + here.reason() + ")");

        Run cuda = etab("bench", "--root", root, "--split", "all", "--device", "cuda", "--quiet");
        assertThat(cuda.code()).isEqualTo(2);
        assertThat(cuda.err())
                .startsWith("etab: --device cuda: no usable GPU here: " + here.reason())
                .doesNotContain("Exception in")
                .doesNotContain("\tat ");
        assertThat(cuda.out()).doesNotContain("RESULT");

        etab("bench", "--root", root, "--device", "gpu", "--quiet")
                .isOneLineExit2("--device must be auto, cpu, nd4j or cuda but was 'gpu'");
    }

    @Test
    void exportWritesNpyPairsAndAManifestInDeliveryOrder(@TempDir Path out) throws Exception {
        Run r = etab(line(
                "export --dataset echonet --root %s --split all --target EF --video false"
                        + " --frame-size 56x56 --limit 5 --shuffle true --seed 9 --batch 2 --out %s --quiet",
                PhantomDatasets.echonet(), out));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        assertThat(manifest.get(0)).startsWith("id,");
        assertThat(manifest).hasSize(6);
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (String row : manifest.subList(1, 6)) {
            String id = row.split(",")[0];
            INDArray x = Nd4j.createFromNpyFile(out.resolve(id + ".x.npy").toFile());
            INDArray y = Nd4j.createFromNpyFile(out.resolve(id + ".y.npy").toFile());
            assertThat(x.shape()).containsExactly(3, 56, 56);
            float ef = (float) records.stream()
                    .filter(rec -> rec.id().equals(id))
                    .findFirst()
                    .orElseThrow()
                    .ef();
            assertThat(y.getFloat(0)).isEqualTo(ef);
        }
        // the same flags give the same order (seeded shuffle)
        Path again = out.resolve("again");
        assertThat(etab(line(
                                "export --root %s --split all --video false --frame-size 56x56 --limit 5"
                                        + " --shuffle true --seed 9 --batch 2 --out %s --quiet",
                                PhantomDatasets.echonet(), again))
                        .code())
                .isZero();
        assertThat(Files.readAllLines(again.resolve("manifest.csv"))).isEqualTo(manifest);
    }

    @Test
    void exportWritesTheLayoutAskedForAndNamesItInTheManifest(@TempDir Path out) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        for (String layout : new String[] {"cthw", "tchw"}) {
            Path dir = out.resolve(layout);
            Run r = etab(line(
                    "export --root %s --split all --clip-length 4 --frame-size 20x16 --limit 2"
                            + " --layout %s --resize bicubic --antialias true --dtype uint8 --out %s --quiet",
                    root, layout, dir));
            assertThat(r.code()).as(r.err()).isZero();
            List<String> manifest = Files.readAllLines(dir.resolve("manifest.csv"));
            assertThat(manifest.get(0)).endsWith(",label,layout");
            assertThat(manifest.subList(1, 3)).allSatisfy(row -> assertThat(row).endsWith("," + layout));
            INDArray x = Nd4j.createFromNpyFile(
                    dir.resolve(manifest.get(1).split(",")[0] + ".x.npy").toFile());
            assertThat(x.shape())
                    .containsExactly(layout.equals("cthw") ? new long[] {3, 4, 20, 16} : new long[] {4, 3, 20, 16});
        }
        INDArray c = Nd4j.createFromNpyFile(out.resolve("cthw")
                .resolve(Files.readAllLines(out.resolve("cthw/manifest.csv"))
                                .get(1)
                                .split(",")[0] + ".x.npy")
                .toFile());
        INDArray t = Nd4j.createFromNpyFile(out.resolve("tchw")
                .resolve(Files.readAllLines(out.resolve("tchw/manifest.csv"))
                                .get(1)
                                .split(",")[0] + ".x.npy")
                .toFile());
        assertThat(t).isEqualTo(c.permute(1, 0, 2, 3).dup('c'));
        etab("export", "--root", root, "--resize", "lanczos", "--out", out.toString(), "--quiet")
                .isOneLineExit2("etab: --resize must be nearest, bilinear, bicubic or area but was 'lanczos'");
        etab("export", "--root", root, "--layout", "nchw", "--out", out.toString(), "--quiet")
                .isOneLineExit2("etab: --layout must be cthw or tchw but was 'nchw'");
        Run badStart = etab("export", "--root", root, "--clip-start", "middle", "--out", out.toString(), "--quiet");
        assertThat(badStart.err()).contains("etab: --clip-start must be random, first or all but was 'middle'");
        assertThat(badStart.code()).isEqualTo(2);
    }

    @Test
    void outputsThatWouldOverwriteTheDatasetOrEachOtherAreRefusedBeforeAnyWrite(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("echonet");
        Files.createDirectories(root);
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(PhantomDatasets.echonet().resolve(f), root.resolve(f));
        }
        Files.createDirectories(root.resolve("Videos")); // the runs stop before any video is read
        byte[] index = Files.readAllBytes(root.resolve("FileList.csv"));
        Path out = tmp.resolve("out");
        List<List<String>> cases = List.of(
                List.of(line("bench --report %s", root.resolve("FileList.csv"))),
                List.of(line("bench --report %s --resume %s", tmp.resolve("same.json"), tmp.resolve("same.json"))),
                List.of(line("export --out %s", root.resolve("Videos"))),
                List.of(line("export --out %s --report %s", out, out.resolve("manifest.csv"))),
                List.of(line("export --out %s --resume %s", out, out.resolve("a.x.npy"))));
        List<String> why = List.of(
                "--report " + root.resolve("FileList.csv") + " lies inside the dataset's directory",
                "--resume and --report name the same file",
                "--out " + root.resolve("Videos") + " lies inside the dataset's directory",
                "is a file export writes in --out",
                "is a file export writes in --out");
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new java.util.ArrayList<>(cases.get(i));
            args.addAll(List.of("--root", root.toString(), "--split", "all", "--limit", "2", "--quiet"));
            if (args.get(0).equals("export") && !args.contains("--out")) {
                args.addAll(List.of("--out", out.toString()));
            }
            Run r = etab(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains(why.get(i));
        }
        assertThat(Files.readAllBytes(root.resolve("FileList.csv"))).isEqualTo(index);
        try (var videos = Files.list(root.resolve("Videos"))) {
            assertThat(videos).isEmpty();
        }
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("same.json")).doesNotExist();
    }

    @Test
    void exportsTemporaryFilesNeverFollowALink(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
        List<String> ids = Files.readAllLines(PhantomDatasets.echonet().resolve("FileList.csv")).stream()
                .skip(1)
                .map(line -> line.split(",")[0])
                .toList();
        for (String id : ids) { // planted where export writes each array before moving it into place
            Files.createSymbolicLink(out.resolve(id + ".x.npy.tmp"), victim);
        }
        Run r = etab(line("export --root %s --split all --limit 2 --out %s --quiet", PhantomDatasets.echonet(), out));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(victim).hasContent("keep me");
        try (var files = Files.list(out)) {
            List<Path> arrays =
                    files.filter(f -> f.toString().endsWith(".x.npy")).toList();
            assertThat(arrays)
                    .hasSize(2)
                    .allSatisfy(f -> assertThat(Files.isSymbolicLink(f)).isFalse());
        }
    }

    /** A link planted as {@code manifest.csv} in {@code --out} is replaced by the manifest, never written through. */
    @Test
    void exportsManifestNeverFollowsALink(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path victim = Files.writeString(tmp.resolve("victim.csv"), "keep me");
        Files.createSymbolicLink(out.resolve("manifest.csv"), victim);
        Run r = etab(line("export --root %s --split all --limit 2 --out %s --quiet", PhantomDatasets.echonet(), out));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(victim).hasContent("keep me");
        assertThat(Files.isSymbolicLink(out.resolve("manifest.csv"))).isFalse();
        assertThat(Files.readAllLines(out.resolve("manifest.csv")))
                .hasSize(3)
                .first()
                .asString()
                .startsWith("id,");
    }

    @Test
    void exportRefusesADeviceItWouldNotUse(@TempDir Path out) {
        Run r = etab(line(
                "export --root %s --split all --limit 2 --device cuda --out %s --quiet",
                PhantomDatasets.echonet(), out));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("export writes host arrays to .npy files; --device cuda is not used by export");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void exportRefusesEpochsItWouldNotWrite(@TempDir Path out) {
        Run r = etab(line("export --root %s --limit 2 --epochs 3 --out %s --quiet", PhantomDatasets.echonet(), out));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("export writes one epoch (--start-epoch E picks which); --epochs 3 does not apply");
        assertThat(out).isEmptyDirectory();
        Run one = etab(line("export --root %s --limit 2 --epochs 1 --out %s --quiet", PhantomDatasets.echonet(), out));
        assertThat(one.code()).isZero();
    }

    @Test
    void exportRefusesPerEpochAndServesLiveMetricsWhenAsked(@TempDir Path out) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        Run perEpoch =
                etab("export", "--root", root, "--limit", "2", "--per-epoch", "--out", out.toString(), "--quiet");
        assertThat(perEpoch.code()).isEqualTo(2);
        assertThat(perEpoch.err()).contains("export writes one epoch; --per-epoch does not apply to it");
        assertThat(out).isEmptyDirectory();

        Run served = etab(line("export --root %s --limit 2 --metrics-port 0 --out %s --quiet", root, out));
        assertThat(served.code()).isZero();
        assertThat(served.err())
                .containsPattern("etab export: live metrics at http://127\\.0\\.0\\.1:\\d+/ \\(dashboard\\)");
        assertThat(served.lastLine()).startsWith("RESULT planned=2 delivered=2 failed=0");
        try (var files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".x.npy"))).hasSize(2);
        }
    }

    @Test
    void plotAndGifResizeFramesWithTheFilterTheirFlagsName(@TempDir Path out) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        String id = EchoNetReader.read(PhantomDatasets.echonet())
                .select("all")
                .get(3)
                .id();
        String[] pixels = {"--frame-size", "40x40", "--resize", "nearest", "--normalize", "false", "--channels", "1"};
        Run export = etab(concat(
                line(
                        "export --root %s --split all --target LV_seg --clip-length 2 --fps 0"
                                + " --clip-start first --shuffle false --out %s --quiet",
                        root, out.resolve("x")),
                pixels));
        assertThat(export.code()).as(export.err()).isZero();
        INDArray clip =
                Nd4j.createFromNpyFile(out.resolve("x").resolve(id + ".x.npy").toFile());
        Run still = etab(concat(
                line(
                        "export --root %s --split all --target LV_seg --video false --shuffle false --out %s"
                                + " --quiet",
                        root, out.resolve("s")),
                pixels));
        assertThat(still.code()).as(still.err()).isZero();
        INDArray frame =
                Nd4j.createFromNpyFile(out.resolve("s").resolve(id + ".x.npy").toFile());

        Path gif = out.resolve("clip.gif");
        Run g = etab(concat(
                line(
                        "gif --root %s --split all --id %s --clip-length 2 --fps 0 --clip-start first --out %s",
                        root, id, gif),
                pixels));
        assertThat(g.code()).as(g.err()).isZero();
        java.awt.image.BufferedImage first;
        try (var in = javax.imageio.ImageIO.createImageInputStream(gif.toFile())) {
            var reader =
                    javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            first = reader.read(0);
        }
        Path png = out.resolve("lv.png");
        Run p = etab(
                concat(line("plot --root %s --split all --id %s --overlay false --out %s", root, id, png), pixels));
        assertThat(p.code()).as(p.err()).isZero();
        java.awt.image.BufferedImage plotted = javax.imageio.ImageIO.read(png.toFile());
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int inClip = Math.round(clip.getFloat(0, 0, y, x) * 255);
                int inFrame = Math.round(frame.getFloat(0, y, x) * 255);
                assertThat(first.getRGB(x, y) & 0xff)
                        .as("gif frame 0 at (%d, %d)", y, x)
                        .isEqualTo(inClip);
                assertThat(plotted.getRGB(x, y) & 0xff)
                        .as("plotted frame at (%d, %d)", y, x)
                        .isEqualTo(inFrame);
            }
        }
    }

    @Test
    void plotAndGifWriteTheSamplesPictures(@TempDir Path out) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        EchoNetRecord rec =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all").get(3);
        Path png = out.resolve("lv.png");
        Run plot = etab(line("plot --root %s --split all --id %s --frame-size native --out %s", root, rec.id(), png));
        assertThat(plot.code()).as(plot.err()).isZero();
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(112);
        long red = 0;
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                red += (img.getRGB(x, y) & 0xffffff) == 0xff0000 ? 1 : 0;
            }
        }
        assertThat(red).as("contour pixels in pure red").isGreaterThan(30);

        Path gif = out.resolve("clip.gif");
        Run clip = etab(line(
                "gif --root %s --split all --id %s --clip-length 12 --frame-size 56x56"
                        + " --clip-start first --out %s",
                root, rec.id(), gif));
        assertThat(clip.code()).as(clip.err()).isZero();
        try (var in = javax.imageio.ImageIO.createImageInputStream(gif.toFile())) {
            var reader =
                    javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(12);
            assertThat(reader.read(0).getWidth()).isEqualTo(56);
        }

        Run notSeg = etab("plot", "--root", root, "--id", rec.id(), "--target", "EF", "--out", png.toString());
        assertThat(notSeg.err()).contains("plot needs a segmentation target");
        Run unknown = etab("gif", "--root", root, "--id", "nope", "--out", gif.toString());
        assertThat(unknown.err()).contains("no sample 'nope'");

        // what plot and gif set for the user is named when it cannot apply
        String tmed = org.etab.testing.TmedPhantoms.tmed().toString();
        Run tmedPlot = etab("plot", "--dataset", "tmed", "--root", tmed, "--id", "x", "--out", png.toString());
        assertThat(tmedPlot.code()).isEqualTo(2);
        assertThat(tmedPlot.err())
                .contains("plot draws a segmentation mask (LV_seg, LA_seg, MY_seg), and tmed has none; its targets: "
                        + "view, AS");
        Run tmedGif = etab("gif", "--dataset", "tmed", "--root", tmed, "--id", "x", "--out", gif.toString());
        assertThat(tmedGif.err()).contains("gif makes a clip, and tmed has still images only");
        Run stillGif = etab("gif", "--root", root, "--id", rec.id(), "--video", "false", "--out", gif.toString());
        assertThat(stillGif.code()).isEqualTo(2);
        assertThat(stillGif.err()).contains("gif makes a clip: --video false does not apply to it");
    }

    @Test
    void ranksReportEverySampleOnceAndTheUnionIsTheSelection(@TempDir Path out) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        java.util.Set<String> delivered = new java.util.HashSet<>();
        int repeats = 0;
        for (int rank = 0; rank < 5; rank++) {
            Path report = out.resolve("rank" + rank + ".csv");
            Run r = etab(line(
                    "bench --root %s --split all --clip-length 4 --frame-size 32x32 --shuffle true"
                            + " --rank %s --world 5 --report %s --quiet",
                    root, rank, report));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.lastLine()).startsWith("RESULT planned=3 delivered=3 failed=0 "); // ceil(12 / 5)
            List<String> rows = Files.readAllLines(report);
            assertThat(rows.get(0)).isEqualTo("id,status,stage,reason");
            assertThat(rows).hasSize(4);
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",", -1);
                assertThat(f[1]).isEqualTo("delivered");
                if (f[3].startsWith("repeat")) {
                    repeats++;
                } else {
                    assertThat(delivered.add(f[0]))
                            .as("%s delivered twice", f[0])
                            .isTrue();
                }
            }
        }
        assertThat(delivered).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        assertThat(repeats).isEqualTo(3);
    }

    @Test
    void aFailedSampleIsInTheReportWithItsReason(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("echonet");
        Files.createDirectories(root.resolve("Videos"));
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(PhantomDatasets.echonet().resolve(f), root.resolve(f));
        }
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (EchoNetRecord rec : records.subList(1, records.size())) {
            Files.copy(rec.video(), root.resolve("Videos").resolve(rec.video().getFileName()));
        }
        Path report = tmp.resolve("report.csv");
        Run r = etab(line(
                "bench --root %s --split all --clip-length 4 --frame-size 32x32 --report %s --quiet", root, report));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.lastLine()).startsWith("RESULT planned=12 delivered=11 failed=1 ");
        List<String> failed = Files.readAllLines(report).stream()
                .filter(l -> l.contains(",failed,"))
                .toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0))
                .startsWith(records.get(0).id() + ",failed,decode,")
                .contains(".avi");
        // --quiet leaves out the summary and its failed: lines (README); without it the failure is listed there
        assertThat(r.err()).doesNotContain("failed:");
        Run loud = etab(line("bench --root %s --split all --clip-length 4 --frame-size 32x32", root));
        assertThat(loud.code()).as(loud.err()).isZero();
        assertThat(loud.err().lines().filter(l -> l.startsWith("  failed: ")))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("  failed: " + records.get(0).id() + " (decode): ");

        Run strict = etab(
                line("bench --root %s --split all --clip-length 4 --frame-size 32x32 --on-error fail --quiet", root));
        assertThat(strict.code()).isNotZero();
        assertThat(strict.err()).contains(records.get(0).id()).contains("error policy is fail");
    }

    /** A copy of the EchoNet phantom (FileList, tracings, videos) that a test may change. */
    static Path copyOfEchonet(Path into) throws Exception {
        return Trees.copy(PhantomDatasets.echonet(), into);
    }

    @Test
    void rowsTheIndexRejectsAreInTheReportAndCountedOnResultEvenWhenQuiet(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        List<String> list = new java.util.ArrayList<>(Files.readAllLines(root.resolve("FileList.csv")));
        int good = list.size() - 1;
        for (int i = 0; i < 14; i++) { // 14 bad rows: a number that is not one, an unsafe name, no tracings
            list.add(
                    switch (i % 3) {
                        case 0 -> "BADEF" + i + ",abc,1,2,112,112,50,120,TRAIN";
                        case 1 -> "../OUT" + i + ",55,1,2,112,112,50,120,TRAIN";
                        default -> "UNTRACED" + i + ",55,1,2,112,112,50,120,TRAIN";
                    });
        }
        Files.write(root.resolve("FileList.csv"), list);
        Path report = tmp.resolve("report.csv");
        Run quiet = etab(line(
                "bench --root %s --split all --clip-length 4 --frame-size 16x16 --report %s --quiet", root, report));
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quiet.err()).isEmpty();
        Matcher m = assertResultLine(quiet);
        assertThat(Long.parseLong(m.group("planned"))).isEqualTo(good);
        assertThat(Long.parseLong(m.group("rejected"))).isEqualTo(14);
        List<String> rows = Files.readAllLines(report);
        assertThat(rows.get(0)).isEqualTo("id,status,stage,reason");
        assertThat(rows).hasSize(1 + good + 14); // planned + rejected = the rows selected, each once
        List<String> rejected =
                rows.stream().filter(r -> r.contains(",rejected,")).toList();
        assertThat(rejected).hasSize(14);
        assertThat(rejected).allSatisfy(r -> assertThat(r).contains(",rejected,index,"));
        assertThat(rejected)
                .anySatisfy(r -> assertThat(r)
                        .startsWith("BADEF0,rejected,index,FileList.csv: line ")
                        .contains("EF is not a number"));
        assertThat(rejected)
                .anySatisfy(
                        r -> assertThat(r).startsWith("../OUT1,rejected,index,").contains("rejected"));
        assertThat(rejected).anySatisfy(r -> assertThat(r).startsWith("UNTRACED2,rejected,index,VolumeTracings.csv"));

        // without --quiet the summary says so too; the index's first lines are named as before
        Run loud = etab(line("bench --root %s --split all --clip-length 4 --frame-size 16x16", root));
        assertThat(loud.err()).contains("the index reported 14 problems:").contains("  rejected     14 ");
        assertThat(loud.lastLine()).endsWith(" rejected=14");

        // export reports them too, and the train split only its own rows
        Path exportReport = tmp.resolve("export-report.csv");
        Run export = etab(line(
                "export --root %s --split all --clip-length 4 --frame-size 16x16 --out %s --report %s --quiet",
                root, tmp.resolve("out"), exportReport));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.lastLine()).endsWith(" rejected=14");
        assertThat(Files.readAllLines(exportReport).stream().filter(r -> r.contains(",rejected,index,")))
                .hasSize(14);
    }

    @Test
    void onErrorFailIsOneLineAndExitTwoEvenWhenThreadsFailTogether(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        try (java.util.stream.Stream<Path> videos = Files.list(root.resolve("Videos"))) {
            for (Path v : (Iterable<Path>) videos::iterator) {
                Files.write(v, new byte[] {1, 2, 3}); // every video broken
            }
        }
        String[] flags = line(
                "--root %s --split all --clip-length 4 --frame-size 16x16 --batch 1 --threads 4"
                        + " --prefetch 4 --on-error fail --quiet",
                root);
        for (int run = 0; run < 6; run++) {
            Run r = run % 2 == 0
                    ? etab(concat(new String[] {"bench"}, flags))
                    : etab(concat(line("export --out %s", tmp.resolve("out" + run)), flags));
            assertThat(r.code()).as("run %d: %s", run, r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines())
                    .as("run %d", run)
                    .singleElement()
                    .satisfies(
                            line -> assertThat(line).startsWith("etab: sample ").contains("error policy is fail"));
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void clipIdsNeverCollideWithARealSampleNamedLikeThem(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        EchoNetRecord x = records.get(0);
        // a real video named <x>_1, beside x, whose second clip would be named <x>_1 too
        Files.copy(x.video(), root.resolve("Videos").resolve(x.id() + "_1.avi"));
        List<String> list = new java.util.ArrayList<>(Files.readAllLines(root.resolve("FileList.csv")));
        String row = list.stream()
                .filter(l -> l.startsWith(x.id() + ","))
                .findFirst()
                .orElseThrow();
        list.add(x.id() + "_1" + row.substring(x.id().length()));
        Files.write(root.resolve("FileList.csv"), list);
        List<String> tracings = new java.util.ArrayList<>(Files.readAllLines(root.resolve("VolumeTracings.csv")));
        tracings.addAll(tracings.stream()
                .filter(l -> l.startsWith(x.id() + ".avi,"))
                .map(l -> x.id() + "_1" + l.substring(x.id().length()))
                .toList());
        Files.write(root.resolve("VolumeTracings.csv"), tracings);

        Path out = tmp.resolve("out");
        Run r = etab(line(
                "export --root %s --split all --clip-length 4 --fps 25 --frame-size 16x16"
                        + " --clip-start all --out %s --quiet",
                root, out));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("manifest.csv"));
        List<String> ids =
                rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids).contains(x.id(), x.id() + "__1", x.id() + "_1", x.id() + "_2");
        assertThat(rows.stream()
                        .filter(l -> l.startsWith(x.id() + "_1,"))
                        .findFirst()
                        .orElseThrow()
                        .split(",")[1])
                .as("the real sample keeps its own id")
                .isEqualTo(x.id() + "_1");
        assertThat(rows.stream()
                        .filter(l -> l.startsWith(x.id() + "__1,"))
                        .findFirst()
                        .orElseThrow()
                        .split(",")[1])
                .as("the generated id moved aside")
                .isEqualTo(x.id());
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".x.npy")).count())
                    .isEqualTo(ids.size());
        }
        Matcher m = assertResultLine(r);
        assertThat(Long.parseLong(m.group("delivered"))).isEqualTo(ids.size());
    }

    @Test
    void exportReportNamesEachClipAsTheManifestDoes(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        EchoNetRecord broken = records.get(1);
        Files.write(broken.video(), new byte[4096]); // every clip of it fails when opened

        Path out = tmp.resolve("out");
        Path report = tmp.resolve("report.csv");
        Run r = etab(line(
                "export --root %s --split all --clip-length 4 --fps 25 --frame-size 16x16"
                        + " --clip-start all --out %s --report %s",
                root, out, report));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        List<String> exported = manifest.subList(1, manifest.size()).stream()
                .map(l -> l.split(",")[0])
                .toList();
        List<String> rows = Files.readAllLines(report);
        List<String> delivered = rows.stream()
                .filter(l -> l.contains(",delivered,"))
                .map(l -> l.split(",")[0])
                .toList();
        List<String> failed = rows.stream()
                .filter(l -> l.contains(",failed,"))
                .map(l -> l.split(",")[0])
                .toList();
        assertThat(delivered).as("delivered rows name the manifest's ids").containsExactlyElementsOf(exported);
        assertThat(failed)
                .as("each failed clip under its own id")
                .doesNotHaveDuplicates()
                .contains(broken.id(), broken.id() + "_1", broken.id() + "_2")
                .allMatch(id -> id.startsWith(broken.id()));
        // the summary on stderr names them as the report does
        List<String> summary = r.err()
                .lines()
                .filter(l -> l.startsWith("  failed: "))
                .map(l -> l.substring("  failed: ".length()).split(" ")[0])
                .toList();
        assertThat(summary).isNotEmpty().doesNotHaveDuplicates().allMatch(failed::contains);
    }

    @Test
    void shardedExportsNameEachClipAsTheOneRankExportDoes(@TempDir Path tmp) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        java.util.function.IntFunction<List<String>> export = world -> new java.util.ArrayList<>(List.of(line(
                "export --root %s --split all --clip-length 4 --fps 25 --frame-size 16x16"
                        + " --clip-start all --quiet --world %s",
                root, world)));
        // id -> "source_id,position" of the one-rank export
        java.util.Map<String, String> whole = new java.util.HashMap<>();
        List<String> one = export.apply(1);
        one.addAll(List.of("--rank", "0", "--out", tmp.resolve("one").toString()));
        assertThat(etab(one.toArray(String[]::new)).code()).isZero();
        List<String> oneRows = Files.readAllLines(tmp.resolve("one/manifest.csv"));
        for (String row : oneRows.subList(1, oneRows.size())) {
            String[] f = row.split(",");
            whole.put(f[0], f[1] + "," + f[5]);
        }
        java.util.Map<String, String> union = new java.util.HashMap<>();
        int world = 3;
        for (int rank = 0; rank < world; rank++) {
            Path out = tmp.resolve("rank" + rank);
            Path report = tmp.resolve("report" + rank + ".csv");
            List<String> args = export.apply(world);
            args.addAll(
                    List.of("--rank", Integer.toString(rank), "--out", out.toString(), "--report", report.toString()));
            Run r = etab(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            List<String> rows = Files.readAllLines(out.resolve("manifest.csv"));
            List<String> reportIds = Files.readAllLines(report).stream()
                    .skip(1)
                    .map(l -> l.split(",")[0])
                    .toList();
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",");
                assertThat(whole.get(f[0]))
                        .as("rank %d names %s as one rank does", rank, f[0])
                        .isEqualTo(f[1] + "," + f[5]);
                union.put(f[0], f[1] + "," + f[5]);
                assertThat(reportIds).contains(f[0]);
            }
        }
        assertThat(union).isEqualTo(whole);
    }

    @Test
    void exportIntoAnEarlierExportSaysItsFilesStay(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String[] args = line(
                "export --root %s --frame-size 16x16 --clip-length 4 --out %s --quiet --limit 3",
                PhantomDatasets.echonet(), out);
        Run first = etab(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).doesNotContain("earlier export");

        args[args.length - 1] = "1";
        Run second = etab(args);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.err()).contains("replacing").contains("manifest.csv of an earlier export");
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).hasSize(2);
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".x.npy")).count())
                    .as("the earlier export's files are the user's: kept")
                    .isEqualTo(3);
        }
    }

    /** Renames a video of an EchoNet copy, with its FileList and VolumeTracings rows. */
    private static void renameVideo(Path root, String id, String to) throws Exception {
        Files.move(
                root.resolve("Videos").resolve(id + ".avi"),
                root.resolve("Videos").resolve(to + ".avi"));
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            List<String> rows = Files.readAllLines(root.resolve(f)).stream()
                    .map(l -> l.startsWith(id + ",") || l.startsWith(id + ".avi,") ? to + l.substring(id.length()) : l)
                    .toList();
            Files.write(root.resolve(f), rows);
        }
    }

    /**
     * A valid id too long for export's file names ({@code <id>.x.npy.tmp} over 255 bytes) fails its sample alone:
     * reported and counted failed, and the other samples are exported; the longest id that fits is exported.
     */
    @Test
    void anIdTooLongForAFileNameFailsItsSampleAndTheExportGoesOn(@TempDir Path tmp) throws Exception {
        Path root = copyOfEchonet(tmp.resolve("echonet"));
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        String tooLong =
                records.get(0).id() + "v".repeat(248 - records.get(0).id().length());
        String longest =
                records.get(1).id() + "w".repeat(245 - records.get(1).id().length());
        renameVideo(root, records.get(0).id(), tooLong);
        renameVideo(root, records.get(1).id(), longest);
        Path out = tmp.resolve("out");
        Path report = tmp.resolve("report.csv");
        Path state = tmp.resolve("export.state");
        String[] flags = line(
                "export --root %s --split all --clip-length 4 --frame-size 16x16 --batch 2 --out %s"
                        + " --report %s --resume %s",
                root, out, report, state);
        Run r = etab(flags);
        assertThat(r.code()).as(r.err()).isZero();
        int n = PhantomDatasets.ECHONET_VIDEOS;
        assertThat(r.lastLine()).startsWith("RESULT planned=" + n + " delivered=" + (n - 1) + " failed=1 ");
        String reason = "id too long for a file name: 248 bytes, at most 245 (255 with .x.npy.tmp)";
        assertThat(r.err()).contains("failed: " + tooLong + " (plan): " + reason);
        List<String> failed = Files.readAllLines(report).stream()
                .filter(l -> l.contains(",failed,"))
                .toList();
        assertThat(failed).containsExactly(tooLong + ",failed,plan,\"" + reason + "\"");
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        assertThat(manifest).hasSize(1 + n - 1).noneMatch(l -> l.startsWith(tooLong));
        assertThat(out.resolve(longest + ".x.npy")).isRegularFile();
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .filteredOn(f -> f.endsWith(".x.npy") || f.endsWith(".tmp"))
                    .hasSize(n - 1)
                    .allMatch(f -> f.endsWith(".x.npy"));
        }

        // resumed at its end, the repair keeps the failed row: every planned sample still has one row
        Run again = etab(flags);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readAllLines(report).stream().filter(l -> l.contains(",failed,")))
                .containsExactly(tooLong + ",failed,plan,\"" + reason + "\"");
        assertThat(Files.readAllLines(report)).hasSize(1 + n);

        Run strict = etab(line(
                "export --root %s --split all --clip-length 4 --frame-size 16x16 --out %s --on-error fail --quiet",
                root, tmp.resolve("strict")));
        assertThat(strict.code()).isEqualTo(2);
        assertThat(strict.err().strip())
                .isEqualTo("etab: sample " + tooLong + " failed: " + reason + " (stopping: error policy is fail)");
    }

    @Test
    void camusNativeExportKeepsTheLimitAcrossSizeGroups(@TempDir Path out) throws Exception {
        Path camus = org.etab.testing.CamusPhantoms.camus(org.etab.datasets.camus.CamusRelease.MHD);
        Run r = etab(line(
                "export --dataset camus --root %s --split train --target EF --video false"
                        + " --frame-size native --limit 2 --out %s --quiet",
                camus, out));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("manifest.csv"))).hasSize(1 + 2);
        assertThat(r.lastLine()).startsWith("RESULT planned=2 delivered=2 failed=0 ");
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".npy")).count()).isEqualTo(4);
        }
    }

    @Test
    void exportResumedFromASavedStateEqualsOneUninterruptedExport(@TempDir Path tmp) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        String[] flags = line(
                "--root %s --split all --clip-length 4 --frame-size 16x16 --shuffle true --seed 5"
                        + " --batch 2 --quiet",
                root);
        Path whole = tmp.resolve("whole");
        Path state = tmp.resolve("whole.state");
        assertThat(etab(concat(new String[] {"export", "--out", whole.toString(), "--resume", state.toString()}, flags))
                        .code())
                .isZero();
        assertThat(Files.readString(state)).contains("\"position\":12");
        List<String> manifest = Files.readAllLines(whole.resolve("manifest.csv"));

        // a run that stopped after two batches: its files and manifest so far, and the state it saved then
        Path part = tmp.resolve("part");
        Files.createDirectories(part);
        Files.write(part.resolve("manifest.csv"), manifest.subList(0, 5));
        for (String row : manifest.subList(1, 5)) {
            String id = row.split(",")[0];
            for (String f : List.of(id + ".x.npy", id + ".y.npy")) {
                Files.copy(whole.resolve(f), part.resolve(f));
            }
        }
        Path partState = tmp.resolve("part.state");
        Files.writeString(partState, "{\"seed\":5,\"epoch\":0,\"position\":4,\"rank\":0,\"world\":1}");
        Run resumed = etab(
                concat(new String[] {"export", "--out", part.toString(), "--resume", partState.toString()}, flags));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.lastLine()).startsWith("RESULT planned=8 delivered=8 ");
        assertThat(Files.readAllLines(part.resolve("manifest.csv"))).isEqualTo(manifest);
        for (String row : manifest.subList(5, manifest.size())) {
            String id = row.split(",")[0];
            assertThat(Files.readAllBytes(part.resolve(id + ".x.npy")))
                    .isEqualTo(Files.readAllBytes(whole.resolve(id + ".x.npy")));
        }

        String[] otherSeed = flags.clone();
        otherSeed[java.util.Arrays.asList(flags).indexOf("--seed") + 1] = "6";
        Run wrongSeed = etab(
                concat(new String[] {"export", "--out", part.toString(), "--resume", partState.toString()}, otherSeed));
        assertThat(wrongSeed.err()).contains("the order would differ");
    }

    @Test
    void camusExportsAtNativeSizesAndTmedBenchesItsStills(@TempDir Path out) throws Exception {
        Path camus = org.etab.testing.CamusPhantoms.camus(org.etab.datasets.camus.CamusRelease.MHD);
        Run r = etab(line(
                "export --dataset camus --root %s --split train --target LA_seg --video false"
                        + " --frame-size native --out %s --quiet",
                camus, out));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("manifest.csv"));
        var records = org.etab.datasets.camus.CamusReader.read(camus).select("train", "both");
        assertThat(rows).hasSize(records.size() + 1);
        java.util.Set<String> sizes = new java.util.HashSet<>();
        for (var rec : records) {
            var ed = org.etab.datasets.camus.CamusSource.readVolume(rec.ed());
            INDArray x = Nd4j.createFromNpyFile(out.resolve(rec.id() + ".x.npy").toFile());
            INDArray y = Nd4j.createFromNpyFile(out.resolve(rec.id() + ".y.npy").toFile());
            assertThat(x.shape()).containsExactly(3, ed.height(), ed.width());
            assertThat(y.shape()).containsExactly(ed.height(), ed.width());
            sizes.add(ed.height() + "x" + ed.width());
        }
        assertThat(sizes).hasSizeGreaterThan(1); // the sizes really differ

        Run tmed = etab(line(
                "bench --dataset tmed --root %s --split all --target AS --view all --quiet",
                org.etab.testing.TmedPhantoms.tmed()));
        assertThat(tmed.code()).as(tmed.err()).isZero();
        assertThat(tmed.lastLine()).matches("RESULT planned=(\\d+) delivered=\\1 failed=0 .*");
    }

    @Test
    void badFlagsAreOneClearLineAndANonZeroExit() {
        etab("bench", "--root", PhantomDatasets.echonet().toString(), "--target", "AS", "--quiet")
                .isOneLineExit2("target 'AS' is not available for echonet; available: EF, LV_seg, ES/ED, CM");
        etab("bench", "--root", PhantomDatasets.echonet().toString(), "--frame-size", "112by112", "--quiet")
                .isOneLineExit2("--frame-size must be LxW");
        etab("bench", "--dataset", "mnist", "--root", "/tmp", "--quiet")
                .isOneLineExit2("dataset 'mnist' is not supported; available: echonet, camus, tmed");

        // values picocli cannot convert and unknown flags: one line with any suggestion and a pointer to --help; no
        // usage text
        Run bool = etab("bench", "--root", PhantomDatasets.echonet().toString(), "--video", "yes", "--quiet");
        assertThat(bool.code()).isEqualTo(2);
        assertThat(bool.err().lines())
                .containsExactly(
                        "etab: Invalid value for option '--video': 'yes' is not a boolean (see 'etab bench --help')");
        // a fold is refused for a dataset without folds whatever the root and the command
        Run remoteFold = etab("export", "--root", "http://127.0.0.1:9/echonet", "--fold", "2", "--out", "/nonexistent");
        assertThat(remoteFold.code()).isEqualTo(2);
        assertThat(remoteFold.err()).contains("fold 2: echonet has no folds (fold 0 only)");
        Run typo = etab("bench", "--root", PhantomDatasets.echonet().toString(), "--epohcs", "2", "--quiet");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err().lines())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("etab: Unknown options: '--epohcs', '2'")
                .contains("did you mean ")
                .contains("--epochs")
                .endsWith(" (see 'etab bench --help')");
        assertThat(typo.err()).doesNotContain("Usage:");

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run busy = etab(line(
                    "bench --root %s --metrics-port %s --quiet",
                    PhantomDatasets.echonet(), Integer.toString(taken.getLocalPort())));
            assertThat(busy.code()).isEqualTo(2);
            assertThat(busy.err()).contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        etab("bench", "--root", "/nonexistent/echonet", "--quiet")
                .isOneLineExit2("--root /nonexistent/echonet is not a directory");
    }

    @Test
    void startEpochPicksTheEpochAndTheOldNameStillWorksWithOneWarning(@TempDir Path tmp) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        String[] flags =
                line("--root %s --split all --video false --frame-size 16x16 --shuffle true --seed 3 --quiet", root);
        String warning = "etab: --epoch is deprecated; use --start-epoch";

        Run zero = etab(concat(line("bench --report %s", tmp.resolve("e0.csv")), flags));
        Run one = etab(concat(line("bench --start-epoch 1 --report %s", tmp.resolve("e1.csv")), flags));
        Run old = etab(concat(line("bench --epoch 1 --report %s", tmp.resolve("old.csv")), flags));
        for (Run r : List.of(zero, one, old)) {
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.lastLine()).startsWith("RESULT planned=12 delivered=12 failed=0 ");
        }
        assertThat(Files.readAllLines(tmp.resolve("e1.csv")))
                .isNotEqualTo(Files.readAllLines(tmp.resolve("e0.csv")))
                .isEqualTo(Files.readAllLines(tmp.resolve("old.csv")));
        assertThat(one.err()).doesNotContain("deprecated");
        assertThat(old.err().lines().filter(l -> l.contains("deprecated"))).containsExactly(warning);

        Path e1 = tmp.resolve("export-e1");
        Path byOldName = tmp.resolve("export-old");
        Run export = etab(concat(new String[] {"export", "--out", e1.toString(), "--start-epoch", "1"}, flags));
        Run exportOld = etab(concat(new String[] {"export", "--out", byOldName.toString(), "--epoch", "1"}, flags));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(exportOld.code()).as(exportOld.err()).isZero();
        List<String> manifest = Files.readAllLines(e1.resolve("manifest.csv"));
        assertThat(manifest.subList(1, manifest.size()))
                .allSatisfy(row -> assertThat(row.split(",")[4]).isEqualTo("1"));
        assertThat(Files.readAllLines(byOldName.resolve("manifest.csv"))).isEqualTo(manifest);
        assertThat(exportOld.err().lines().filter(l -> l.contains("deprecated")))
                .containsExactly(warning);

        Run both = etab(concat(new String[] {"bench", "--start-epoch", "1", "--epoch", "1"}, flags));
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("etab: --epoch is the old name of --start-epoch; give only --start-epoch");
        Run negative = etab(concat(new String[] {"bench", "--start-epoch", "-1"}, flags));
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("etab: --start-epoch must be 0..1000000000 but was -1");

        Path state = tmp.resolve("epoch0.state");
        Files.writeString(state, "{\"seed\":3,\"epoch\":0,\"position\":4,\"rank\":0,\"world\":1}");
        Run otherEpoch =
                etab(concat(line("export --out %s --resume %s --start-epoch 1", tmp.resolve("resumed"), state), flags));
        assertThat(otherEpoch.code()).isEqualTo(2);
        assertThat(otherEpoch.err()).contains(state + " is for epoch 0, not --start-epoch 1");
    }

    @Test
    void aRunThatPlansNothingSaysWhyEvenWhenQuiet(@TempDir Path tmp) {
        String root = PhantomDatasets.echonet().toString();
        String why = PhantomDatasets.ECHONET_VIDEOS + " records, and no sample planned from them: --drop-last true,"
                + " which drops each epoch's last partial batch (up to 19 samples)";
        Run bench = etab("bench", "--root", root, "--split", "all", "--batch", "20", "--drop-last", "true", "--quiet");
        assertThat(bench.code()).as(bench.err()).isZero();
        assertThat(bench.err().lines()).contains("etab bench: nothing to stream: " + why);
        assertThat(bench.out()).startsWith("RESULT planned=0 delivered=0 ");
        Run export = etab(line(
                "export --root %s --split all --batch 20 --drop-last true --out %s --quiet", root, tmp.resolve("x")));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.err().lines()).contains("etab export: nothing to export: " + why);
        // a run that plans samples says nothing of the kind
        Run some = etab("bench", "--root", root, "--split", "all", "--batch", "4", "--drop-last", "true", "--quiet");
        assertThat(some.code()).as(some.err()).isZero();
        assertThat(some.err()).doesNotContain("nothing to stream");
        assertThat(some.out()).startsWith("RESULT planned=12 ");
    }

    @Test
    void aRunWhoseRowsTheIndexAllRejectedSaysSoNotThatTheSelectionIsEmpty(@TempDir Path tmp) throws Exception {
        // every row's EF out of 0..100: the index rejects them all, and RESULT counts them as rejected
        Path root = tmp.resolve("bad-ef");
        Files.createDirectories(root.resolve("Videos"));
        Path phantom = PhantomDatasets.echonet();
        Files.copy(phantom.resolve("VolumeTracings.csv"), root.resolve("VolumeTracings.csv"));
        List<String> lines = Files.readAllLines(phantom.resolve("FileList.csv"));
        StringBuilder list = new StringBuilder(lines.get(0)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            f[1] = "200"; // EF
            list.append(String.join(",", f)).append('\n');
        }
        Files.writeString(root.resolve("FileList.csv"), list);
        String why = "the index rejected all " + PhantomDatasets.ECHONET_VIDEOS
                + " rows of the selection (a row it cannot use is never planned)";
        Run bench = etab("bench", "--root", root.toString(), "--split", "all", "--quiet");
        assertThat(bench.code()).as(bench.err()).isZero();
        assertThat(bench.out()).startsWith("RESULT planned=0 ").contains("rejected=" + PhantomDatasets.ECHONET_VIDEOS);
        assertThat(bench.err().lines()).contains("etab bench: nothing to stream: " + why);
        Run export = etab(line("export --root %s --split all --out %s --quiet", root, tmp.resolve("x")));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.err().lines()).contains("etab export: nothing to export: " + why);
    }

    @Test
    void badFlagValuesAreOneLineBeforeTheDeviceProbe(@TempDir Path tmp) {
        String root = PhantomDatasets.echonet().toString();
        // a flag, and what its one error line says
        List<List<String>> cases = List.of(
                List.of("bench --epochs 0", "--epochs must be 1..1000000 but was 0"),
                List.of("bench --epochs 2147483647", "--epochs must be 1..1000000 but was 2147483647"),
                List.of("bench --start-epoch 2147483647", "--start-epoch must be 0..1000000000 but was 2147483647"),
                List.of("bench --start-epoch -2", "--start-epoch must be 0..1000000000 but was -2"),
                List.of(
                        "bench --sample-timeout -1",
                        "--sample-timeout must be 0..86400 seconds (0: no limit) but was -1.0"),
                List.of(
                        "bench --sample-timeout 1e300",
                        "--sample-timeout must be 0..86400 seconds (0: no limit) but was 1.0E300"),
                List.of("bench --on-error maybe", "--on-error must be skip or fail but was 'maybe'"),
                List.of("bench --on-error abort", "--on-error must be skip or fail but was 'abort'"),
                List.of("bench --rank 2 --world 2", "--rank must be 0..1 (with --world 2) but was 2"),
                List.of("bench --rank -1", "--rank must be 0..0 (with --world 1) but was -1"),
                List.of("bench --world 0", "--world must be >= 1 but was 0"),
                List.of("bench --channels 2", "--channels must be 1 (gray) or 3 (RGB) but was 2"),
                List.of("bench --metrics-port 70000", "--metrics-port must be 0..65535 but was 70000"),
                List.of(
                        "bench --resume " + tmp.resolve("x.state") + " --ordered false",
                        "--resume needs --ordered true"),
                List.of("bench --frame-size 112by112", "--frame-size must be LxW"),
                List.of("bench --clip-length 0", "--clip-length must be 1..10000 but was 0"),
                List.of("bench --fps NaN", "--fps must be a frame rate, or 0 for the file's own, but was NaN"),
                List.of("bench --fps -5", "--fps must be a frame rate, or 0 for the file's own, but was -5.0"),
                List.of("bench --limit -1", "--limit must be >= 0 (0: all) but was -1"),
                List.of("bench --threads -2", "--threads must be 1..1024, or 0 for all cores, but was -2"),
                List.of("bench --dtype float64", "--dtype must be float32 or uint8 but was 'float64'"),
                List.of("bench --header nocolon", "--header must be 'Name: value' but was 'nocolon'"),
                List.of( // the harness adds the local phantom as --root
                        "bench --cache-dir " + tmp.resolve("cache"),
                        "--cache-dir applies to a URL --root only, not to the directory " + root),
                // the other URL-only flags, given with a local root: refused too, after their values are checked
                List.of(
                        "bench --cache-max-mb 100",
                        "--cache-max-mb applies to a URL --root only, not to the directory " + root),
                List.of("bench --cache-max-mb -1", "--cache-max-mb must be 1..8796093022207 but was -1"),
                List.of(
                        "bench --fetch-concurrency 4",
                        "--fetch-concurrency applies to a URL --root only, not to the directory " + root),
                List.of("bench --fetch-concurrency 0", "--fetch-concurrency must be >= 1 but was 0"),
                List.of(
                        "bench --clip-ranges false",
                        "--clip-ranges applies to a URL --root only, not to the directory " + root),
                List.of(
                        "bench --cache-dir " + tmp.resolve("cache") + " --cache-max-mb 5 --clip-ranges true",
                        "--cache-dir, --cache-max-mb and --clip-ranges apply to a URL --root only, not to the "
                                + "directory " + root),
                List.of("bench --header X:y --fetch-concurrency 0", "--fetch-concurrency must be >= 1 but was 0"),
                List.of(
                        "bench --header X:y --cache-max-mb 99999999999999",
                        "--cache-max-mb must be 1..8796093022207 but was 99999999999999"),
                List.of( // a URL root: nothing is cached without a directory, so the bound would be unused
                        "bench --root http://127.0.0.1:9/echonet --cache-max-mb 5",
                        "--cache-max-mb bounds the --cache-dir cache, and no --cache-dir was given"),
                List.of("bench --root /nonexistent/echonet", "--root /nonexistent/echonet is not a directory"),
                List.of( // named without the password in its user info, nor its query
                        "bench --root http://alice:s3cret@127.0.0.1:9/echo%zz?sig=x",
                        "--root http://127.0.0.1:9/echo%zz?... is not a valid URL: Malformed escape pair"),
                List.of( // another scheme: refused, its keys not echoed
                        "bench --root s3://AKIAEXAMPLE:wJalrSECRET@bucket/echonet",
                        "--root s3://bucket/echonet: only http:// and https:// URLs or a local directory are supported"),
                List.of(
                        "bench --root " + root + " --split training",
                        "--split must be train, val, test or all (any case) but was 'training'"),
                List.of("bench --view PLAX", "view 'PLAX' is not available for echonet; available: AP4CH"),
                List.of("bench --fold 7", "--fold 7: echonet has no folds (fold 0 only)"),
                List.of(
                        "bench --dataset tmed --root " + org.etab.testing.TmedPhantoms.tmed() + " --fold 3",
                        "--fold must be 0..2 for tmed but was 3"),
                List.of("demo --epochs 0", "--epochs must be 1..1000000 but was 0"),
                List.of(
                        "demo --threads -1",
                        "--threads must be 1..1022 (with the 2 batches demo prefetches, at most 1024 in flight), or 0 "
                                + "for all cores, but was -1"),
                List.of("demo --metrics-port -1", "--metrics-port must be 0..65535 but was -1"));
        for (List<String> c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of(c.get(0).split(" ")));
            if (args.get(0).equals("demo")) {
                // were the check missed, demo would write its phantom here rather than in the working directory
                args.addAll(List.of(line("--root %s --out %s", tmp.resolve("phantom"), tmp.resolve("out"))));
            } else if (args.contains("--header")) {
                args.addAll(List.of("--root", "http://127.0.0.1:9/echonet"));
            } else if (!args.contains("--root")) {
                args.addAll(List.of("--root", root, "--split", "all"));
            }
            // auto would print the probe's line first, cuda (without a GPU) fail on the probe instead
            for (String device : List.of("auto", "cuda")) {
                List<String> withDevice = new java.util.ArrayList<>(args);
                withDevice.addAll(List.of("--device", device));
                Run r = etab(withDevice.toArray(String[]::new));
                assertThat(r.code()).as(String.join(" ", withDevice)).isEqualTo(2);
                assertThat(r.err().lines())
                        .as(String.join(" ", withDevice))
                        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                        .startsWith("etab: ")
                        .contains(c.get(1));
                assertThat(r.out()).isEmpty();
            }
        }
        assertThat(tmp.resolve("phantom")).doesNotExist();
    }

    @Test
    void aConfiguredDirectoryThatIsMissingIsNamedByTheKeyAndFileThatSetIt(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("ETAB_ECHONET_DIR") == null, "ETAB_ECHONET_DIR set: it would name the directory");
        Path cfg = tmp.resolve("etab.yaml");
        Files.writeString(cfg, "echonet_dir: missing/echonet\n");
        Run r = etab("bench", "--config", cfg.toString(), "--device", "cpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("etab: echonet_dir in " + cfg + " names " + tmp.resolve("missing/echonet")
                        + ", which is not a directory (or pass --root DIR)");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void valuesTheLibraryRefusesAreNamedByTheirFlagInEveryCommand(@TempDir Path tmp) {
        String echonet = PhantomDatasets.echonet().toString();
        String tmed = org.etab.testing.TmedPhantoms.tmed().toString();
        String png = tmp.resolve("x.png").toString();
        // a command line, and its one error line
        List<List<String>> cases = List.of(
                List.of(
                        "plot --id x --out " + png + " --root " + echonet + " --split training",
                        "etab: --split must be train, val, test or all (any case) but was 'training'"),
                List.of(
                        "gif --id x --out " + tmp.resolve("x.gif") + " --root " + echonet + " --clip-length 0",
                        "etab: --clip-length must be 1..10000 but was 0"),
                List.of( // gif draws gray: a channel count is no longer the library's to refuse
                        "gif --id x --out " + tmp.resolve("x.gif") + " --root " + echonet + " --channels 2",
                        "etab: --channels 2 does not apply to etab gif: it draws one clip's raw gray pixels"),
                List.of(
                        "split --dataset tmed --root " + tmed + " --fold 3 --out " + tmp.resolve("parts"),
                        "etab: --fold must be 0..2 for tmed but was 3"),
                List.of(
                        "split --root " + echonet + " --split Training --out " + tmp.resolve("parts"),
                        "etab: --split must be train, val, test or all (any case) but was 'Training'"),
                List.of(
                        "export --root " + echonet + " --on-error abort --out " + tmp.resolve("export"),
                        "etab: --on-error must be skip or fail but was 'abort'"),
                List.of(
                        "synth --videos 0 --out " + tmp.resolve("phantom"),
                        "etab: --videos must be 1..100000 but was 0"),
                List.of( // flags a command would not use are refused, not ignored
                        "plot --id x --out " + tmp.resolve("x.png") + " --root " + echonet + " --channels 3",
                        "etab: --channels 3 does not apply to etab plot: it draws one frame's raw gray pixels"),
                List.of(
                        "plot --id x --out " + tmp.resolve("x.png") + " --root " + echonet
                                + " --video true --clip-length 8 --limit 1",
                        "etab: --video true, --clip-length 8, --limit 1 do not apply to etab plot: it draws one frame's"
                                + " raw gray pixels"),
                List.of(
                        "gif --id x --out " + tmp.resolve("x.gif") + " --root " + echonet
                                + " --normalize true --dtype float32",
                        "etab: --dtype float32, --normalize true do not apply to etab gif: it draws one clip's raw gray"
                                + " pixels"),
                List.of(
                        "split --root " + echonet + " --shuffle true --frame-size 224x224 --out " + tmp.resolve("p"),
                        "etab: --shuffle true, --frame-size 224x224 do not apply to etab split: it writes sample ids,"
                                + " shuffled as --random says"),
                List.of(
                        "synth --videos 100001 --out " + tmp.resolve("phantom"),
                        "etab: --videos must be 1..100000 but was 100001"),
                List.of(
                        "synth --dataset camus --patients 0 --out " + tmp.resolve("phantom"),
                        "etab: --patients must be 1..100000 but was 0"),
                List.of(
                        "synth --dataset tmed --patients 2147483647 --out " + tmp.resolve("phantom"),
                        "etab: --patients must be 1..100000 but was 2147483647"),
                List.of(
                        "bench --root http://127.0.0.1:1/echonet --fetch-concurrency 0 --quiet",
                        "etab: --fetch-concurrency must be >= 1 but was 0"),
                List.of(
                        "gif --id x --out " + tmp.resolve("x.gif") + " --root " + echonet + " --frame-ms 15",
                        "etab: --frame-ms must be a multiple of 10 from 10 to 655350 (GIF frame durations are whole"
                                + " centiseconds, 16 bits) but was 15"),
                List.of(
                        "gif --id x --out " + tmp.resolve("x.gif") + " --root " + echonet + " --frame-ms 700000",
                        "etab: --frame-ms must be a multiple of 10 from 10 to 655350 (GIF frame durations are whole"
                                + " centiseconds, 16 bits) but was 700000"),
                List.of(
                        "split --root " + echonet + " --train-frac 1.0 --out " + tmp.resolve("parts"),
                        "etab: --train-frac must be in (0, 1) and --val-frac > 0, with --train-frac + --val-frac < 1,"
                                + " but were --train-frac 1.0 --val-frac 0.1"),
                List.of(
                        "split --root " + echonet + " --train-frac 0.5 --val-frac 0.5 --out " + tmp.resolve("parts"),
                        "etab: --train-frac must be in (0, 1) and --val-frac > 0, with --train-frac + --val-frac < 1,"
                                + " but were --train-frac 0.5 --val-frac 0.5"),
                List.of(
                        "split --root " + echonet + " --seed -1 --out " + tmp.resolve("parts"),
                        "etab: --seed must be 0..4294967295 (NumPy's legacy seeding) with --random true but was -1"),
                List.of( // commands that open the dataset without bench's checks refuse URL-only flags too
                        "split --root " + echonet + " --fetch-concurrency 8 --out " + tmp.resolve("parts"),
                        "etab: --fetch-concurrency applies to a URL --root only, not to the directory " + echonet),
                List.of(
                        "plot --id x --out " + png + " --root " + echonet + " --clip-ranges true",
                        "etab: --clip-ranges applies to a URL --root only, not to the directory " + echonet),
                List.of(
                        "bench --root " + echonet + " --threads 2 --prefetch 1024 --quiet",
                        "etab: --threads + --prefetch must be <= 1024 but was 2 + 1024 = 1026"),
                List.of(
                        "demo --root " + echonet + " --threads 1023 --out " + tmp.resolve("demo"),
                        "etab: --threads must be 1..1022 (with the 2 batches demo prefetches, at most 1024 in flight),"
                                + " or 0 for all cores, but was 1023"));
        for (List<String> c : cases) {
            Run r = etab(c.get(0).split(" "));
            assertThat(r.code()).as(c.get(0)).isEqualTo(2);
            assertThat(r.err().lines()).as(c.get(0)).containsExactly(c.get(1));
            assertThat(r.out()).isEmpty();
        }
        try (var written = Files.list(tmp)) {
            assertThat(written).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void badConfigValuesAreNamedByTheirKeyAndFileAndFlagsStillWin(@TempDir Path tmp) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        // a config pipeline section, and what its one error line says
        List<List<String>> cases = List.of(
                List.of("batch: -5", "pipeline.batch in %s must be 1..65536 but was -5"),
                List.of("threads: -1", "pipeline.threads in %s must be 1..1024, or 0 for all cores, but was -1"),
                List.of("prefetch: 5000", "pipeline.prefetch in %s must be 0..1024 but was 5000"),
                List.of("clip_length: 0", "pipeline.clip_length in %s must be 1..10000 but was 0"),
                List.of(
                        "frame_size: abc",
                        "pipeline.frame_size in %s must be LxW (e.g. 112x112, each 1..4096) or "
                                + "native but was 'abc'"),
                List.of(
                        "fps: 1e400",
                        "pipeline.fps in %s must be a frame rate, or 0 for the file's own, but was Infinity"));
        int n = 0;
        for (List<String> c : cases) {
            Path cfg = Files.writeString(tmp.resolve("etab" + n++ + ".yaml"), "pipeline:\n  " + c.get(0) + "\n");
            Run r = etab("bench", "--config", cfg.toString(), "--root", root, "--split", "all", "--device", "cpu");
            assertThat(r.code()).as(c.get(0)).isEqualTo(2);
            assertThat(r.err().lines())
                    .as(c.get(0))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .isEqualTo("etab: " + String.format(c.get(1), cfg));
        }
        // a flag given over a bad config value is what counts
        Path badBatch = Files.writeString(tmp.resolve("batch.yaml"), "pipeline:\n  batch: -5\n");
        Run overridden = etab(line(
                "bench --config %s --batch 4 --root %s --split all --epochs 1 --device cpu --quiet", badBatch, root));
        assertThat(overridden.code()).as(overridden.err()).isZero();
        Run flag = etab("bench", "--config", badBatch.toString(), "--batch", "0", "--root", root, "--device", "cpu");
        assertThat(flag.err()).contains("--batch must be 1..65536 but was 0");
    }

    @Test
    void everyParseErrorIsOneLineWithAPointerToHelp(@TempDir Path tmp) {
        String root = PhantomDatasets.echonet().toString();
        String out = tmp.resolve("out").toString();
        // a command line, and its one error line
        List<List<String>> cases = List.of(
                List.of(
                        "bench --root " + root + " --video maybe",
                        "etab: Invalid value for option '--video': 'maybe' is not a boolean (see 'etab bench --help')"),
                List.of( // an unknown option: picocli's suggestion folded into the line
                        "export --root " + root + " --verbose --out " + out,
                        "etab: Unknown option: '--verbose'; did you mean --version? (see 'etab export --help')"),
                List.of( // no suggestion: nothing to fold in
                        "bench --root " + root + " stray",
                        "etab: Unmatched argument at index 3: 'stray' (see 'etab bench --help')"),
                List.of(
                        "export --root " + root,
                        "etab: Missing required option: '--out=DIR' (see 'etab export --help')"),
                List.of(
                        "bench --root " + root + " --batch many",
                        "etab: Invalid value for option '--batch': 'many' is not an int (see 'etab bench --help')"));
        for (List<String> c : cases) {
            Run r = etab(c.get(0).split(" "));
            assertThat(r.code()).as(c.get(0)).isEqualTo(2);
            assertThat(r.err().lines()).as(c.get(0)).containsExactly(c.get(1));
            assertThat(r.out()).as(c.get(0)).isEmpty();
        }
        // an unknown command: one line too, pointing at etab's own help
        Run command = etab("bnech");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err().lines())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("etab: Unmatched argument at index 0: 'bnech'")
                .contains("bench")
                .endsWith(" (see 'etab --help')");
    }
}
