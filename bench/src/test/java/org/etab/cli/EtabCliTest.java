package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

import org.etab.dataset.EchoNetReader;
import org.etab.dataset.EchoNetRecord;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/** The command line contract, run in-process on the phantom data. */
class EtabCliTest {
    private static final Pattern RESULT = Pattern.compile("RESULT planned=(\\d+) delivered=(\\d+) failed=(\\d+) "
            + "clips=(\\d+) seconds=([0-9.]+) clips_per_s=([0-9.]+) frames_per_s=([0-9.]+) peak_rss_mb=(-?\\d+)");

    /** Exit code, stdout and stderr of one invocation. */
    record Run(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Run etab(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = Etab.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void benchEndsWithTheMachineReadableResultLine() {
        Run r = etab("bench", "--dataset", "echonet", "--root", PhantomDatasets.echonet().toString(), "--split", "all",
                "--target", "EF", "--clip-length", "16", "--fps", "25", "--batch", "4", "--threads", "2",
                "--epochs", "2", "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = RESULT.matcher(r.lastLine());
        assertThat(m.matches()).as(r.lastLine()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(2L * PhantomDatasets.ECHONET_VIDEOS);
        assertThat(Long.parseLong(m.group(2))).isEqualTo(2L * PhantomDatasets.ECHONET_VIDEOS);
        assertThat(m.group(3)).isEqualTo("0");
        assertThat(m.group(4)).isEqualTo(m.group(2));
        assertThat(Double.parseDouble(m.group(7))).isGreaterThan(0);
    }

    @Test
    void exportWritesNpyPairsAndAManifestInDeliveryOrder(@TempDir Path out) throws Exception {
        Run r = etab("export", "--dataset", "echonet", "--root", PhantomDatasets.echonet().toString(), "--split", "all",
                "--target", "EF", "--video", "false", "--frame-size", "56x56", "--limit", "5", "--shuffle", "true",
                "--seed", "9", "--batch", "2", "--out", out.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        assertThat(manifest.get(0)).startsWith("id,");
        assertThat(manifest).hasSize(6);
        List<EchoNetRecord> records = EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (String row : manifest.subList(1, 6)) {
            String id = row.split(",")[0];
            INDArray x = Nd4j.createFromNpyFile(out.resolve(id + ".x.npy").toFile());
            INDArray y = Nd4j.createFromNpyFile(out.resolve(id + ".y.npy").toFile());
            assertThat(x.shape()).containsExactly(3, 56, 56);
            float ef = records.stream().filter(rec -> rec.id().equals(id)).findFirst().orElseThrow().ef();
            assertThat(y.getFloat(0)).isEqualTo(ef);
        }
        // the same flags give the same order (seeded shuffle)
        Path again = out.resolve("again");
        assertThat(etab("export", "--root", PhantomDatasets.echonet().toString(), "--split", "all", "--video", "false",
                "--frame-size", "56x56", "--limit", "5", "--shuffle", "true", "--seed", "9", "--batch", "2",
                "--out", again.toString(), "--quiet").code()).isZero();
        assertThat(Files.readAllLines(again.resolve("manifest.csv"))).isEqualTo(manifest);
    }

    @Test
    void plotAndGifWriteTheSamplesPictures(@TempDir Path out) throws Exception {
        String root = PhantomDatasets.echonet().toString();
        EchoNetRecord rec = EchoNetReader.read(PhantomDatasets.echonet()).select("all").get(3);
        Path png = out.resolve("lv.png");
        Run plot = etab("plot", "--root", root, "--split", "all", "--id", rec.id(), "--frame-size", "native", "--out",
                png.toString());
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
        Run clip = etab("gif", "--root", root, "--split", "all", "--id", rec.id(), "--clip-length", "12",
                "--frame-size", "56x56", "--clip-start", "first", "--out", gif.toString());
        assertThat(clip.code()).as(clip.err()).isZero();
        try (var in = javax.imageio.ImageIO.createImageInputStream(gif.toFile())) {
            var reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(12);
            assertThat(reader.read(0).getWidth()).isEqualTo(56);
        }

        Run notSeg = etab("plot", "--root", root, "--id", rec.id(), "--target", "EF", "--out", png.toString());
        assertThat(notSeg.err()).contains("plot needs a segmentation target");
        Run unknown = etab("gif", "--root", root, "--id", "nope", "--out", gif.toString());
        assertThat(unknown.err()).contains("no sample 'nope'");
    }

    @Test
    void badFlagsAreOneClearLineAndANonZeroExit() {
        Run target = etab("bench", "--root", PhantomDatasets.echonet().toString(), "--target", "AS", "--quiet");
        assertThat(target.code()).isNotZero();
        assertThat(target.err()).contains("target 'AS' is not available for echonet; available: EF, LV_seg, ES/ED, CM");

        Run size = etab("bench", "--root", PhantomDatasets.echonet().toString(), "--frame-size", "112by112", "--quiet");
        assertThat(size.err()).contains("--frame-size must be LxW");

        Run dataset = etab("bench", "--dataset", "mnist", "--root", "/tmp", "--quiet");
        assertThat(dataset.err()).contains("dataset 'mnist' is not supported; available: echonet");

        Run missing = etab("bench", "--root", "/nonexistent/echonet", "--quiet");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("/nonexistent/echonet");
    }
}
