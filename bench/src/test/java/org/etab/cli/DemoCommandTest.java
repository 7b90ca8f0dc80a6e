package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.etab;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.etab.cli.EtabCliTest.Run;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etab demo}, the README's first command, end to end in-process: on an empty directory it writes the phantom
 * set, streams W1 over its TRAIN videos and draws the first one's LV overlay and clip.
 */
class DemoCommandTest {
    private static final Pattern COUNTS =
            Pattern.compile("^RESULT planned=(\\d+) delivered=(\\d+) failed=(\\d+) clips=(\\d+) .* rejected=(\\d+)$");

    @Test
    void demoWritesThePhantomStreamsW1AndDrawsBothPictures(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("phantom");
        Path out = tmp.resolve("pictures");

        Run r = etab(line("demo --root %s --out %s --epochs 2 --threads 2 --device cpu", data, out));

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("etab demo: writing the phantom EchoNet-Dynamic set (200 videos, seed 42)");
        List<EchoNetRecord> all = EchoNetReader.read(data).select("all");
        List<EchoNetRecord> train = EchoNetReader.read(data).select("train");
        assertThat(all).hasSize(200);
        assertThat(r.err()).contains("W1 = " + train.size() + " TRAIN videos", "2 decode threads, 2 epochs");

        Matcher m = COUNTS.matcher(r.lastLine());
        assertThat(m.matches()).as(r.lastLine()).isTrue();
        int planned = 2 * train.size();
        assertThat(List.of(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)))
                .containsExactly("" + planned, "" + planned, "0", "" + planned, "0");

        EchoNetRecord first = train.get(0);
        BufferedImage overlay =
                ImageIO.read(out.resolve(first.id() + "_lv_overlay.png").toFile());
        assertThat(overlay.getWidth()).isEqualTo(first.frameWidth());
        assertThat(overlay.getHeight()).isEqualTo(first.frameHeight());
        long red = 0;
        for (int y = 0; y < overlay.getHeight(); y++) {
            for (int x = 0; x < overlay.getWidth(); x++) {
                red += (overlay.getRGB(x, y) & 0xffffff) == 0xff0000 ? 1 : 0;
            }
        }
        assertThat(red).as("the LV contour in pure red").isGreaterThan(30);

        // 32 frames at 25 fps from frame 0 need at most 64 of the file's frames at 50 fps
        assertThat(first.frames()).isGreaterThanOrEqualTo(64);
        Path gif = out.resolve(first.id() + "_clip.gif");
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(32);
            assertThat(reader.read(0).getWidth()).isEqualTo(first.frameWidth());
        }
        assertThat(r.err()).contains("etab demo: wrote " + out.resolve(first.id() + "_lv_overlay.png"));

        // a second demo reuses the phantom: nothing rewritten
        long before = Files.getLastModifiedTime(data.resolve("FileList.csv")).toMillis();
        Run again = etab(line("demo --root %s --out %s --epochs 1 --device cpu --quiet", data, out));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err())
                .as("--quiet: no note on stderr, as its --help says")
                .isEmpty();
        assertThat(Files.getLastModifiedTime(data.resolve("FileList.csv")).toMillis())
                .isEqualTo(before);
        assertThat(again.lastLine()).startsWith("RESULT planned=" + train.size() + " delivered=" + train.size() + " ");
    }

    /** Two demos started at once on a machine without the phantom: one writes it, the other waits and uses it. */
    @Test
    void twoDemosStartedTogetherWriteThePhantomSetOnce(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("phantom");
        List<String> said = new CopyOnWriteArrayList<>();
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<Void> demo = () -> {
            together.await();
            DemoCommand.ensurePhantom(data, 12, false, said::add);
            return null;
        };
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (Future<Void> f : two.invokeAll(List.of(demo, demo))) {
                f.get();
            }
        } finally {
            two.shutdownNow();
        }

        // each writer would delete the other's videos (a phantom clears what an earlier one wrote) as it began
        assertThat(said.stream().filter(line -> line.contains("writing the phantom")))
                .as("%s", said)
                .hasSize(1);
        assertThat(said).anyMatch(line -> line.contains("waiting for another etab demo"));
        List<EchoNetRecord> all = EchoNetReader.read(data).select("all");
        assertThat(all).hasSize(12);
        for (EchoNetRecord rec : all) {
            assertThat(rec.video()).isRegularFile();
        }
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("the lock file is gone")
                    .containsExactly("phantom");
        }
    }

    /**
     * A dataset whose first TRAIN video is missing (the run fails it) and whose second's tracings lie past its end
     * (the run delivers its EF clip; no LV overlay can be drawn): the pictures come from the third, the second is
     * named with why, and the run's RESULT is printed; with every TRAIN video missing, the demo says it drew none and still prints RESULT.
     * It used to stop at the first video with its one-line error and no RESULT.
     */
    @Test
    void picturesComeFromTheFirstTrainVideoThatCanBeDrawn(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("small");
        Path out = tmp.resolve("pictures");
        Run synth = etab(line("synth --dataset echonet --out %s --videos 12 --seed 5 --quiet", data));
        assertThat(synth.code()).as(synth.err()).isZero();
        List<EchoNetRecord> train = EchoNetReader.read(data).select("train");
        Files.delete(data.resolve("Videos").resolve(train.get(0).id() + ".avi"));
        // the second's tracings moved past its last frame: the run (EF) delivers it, its LV overlay cannot be drawn
        EchoNetRecord untraceable = train.get(1);
        Path tracings = data.resolve("VolumeTracings.csv");
        List<String> rows = new java.util.ArrayList<>();
        for (String row : Files.readAllLines(tracings)) {
            String[] f = row.split(",", -1);
            if (f[0].equals(untraceable.id() + ".avi")) {
                f[5] = Integer.toString(Integer.parseInt(f[5]) + untraceable.frames());
            }
            rows.add(String.join(",", f));
        }
        Files.write(tracings, rows);

        Run r = etab(line("demo --root %s --out %s --epochs 1 --device cpu", data, out));

        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = COUNTS.matcher(r.lastLine());
        assertThat(m.matches()).as(r.lastLine()).isTrue();
        assertThat(List.of(m.group(1), m.group(2), m.group(3)))
                .containsExactly("" + train.size(), "" + (train.size() - 1), "1");
        assertThat(r.err())
                .contains("etab demo: no pictures of " + untraceable.id() + ": traced frame ")
                .contains("is past the video's " + untraceable.frames() + " frames");
        EchoNetRecord drawn = train.get(2);
        assertThat(r.err()).contains("etab demo: wrote " + out.resolve(drawn.id() + "_lv_overlay.png"));
        assertThat(out.resolve(drawn.id() + "_lv_overlay.png")).isRegularFile();
        assertThat(out.resolve(drawn.id() + "_clip.gif")).isRegularFile();

        for (EchoNetRecord rec : train.subList(1, train.size())) {
            Files.delete(data.resolve("Videos").resolve(rec.id() + ".avi"));
        }
        Run none = etab(line("demo --root %s --out %s --epochs 1 --device cpu", data, out));
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(none.err()).contains("etab demo: no pictures: no TRAIN video the run delivered could be drawn");
        assertThat(none.lastLine())
                .startsWith("RESULT planned=" + train.size() + " delivered=0 failed=" + train.size());
    }

    @Test
    void picturesInsideTheDatasetAreRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("phantom");
        Run r = etab(line("demo --root %s --out %s --device cpu", data, data.resolve("Videos")));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("etab: --out " + data.resolve("Videos") + " lies inside the dataset's directory " + data
                        + ", which a run only reads: write it elsewhere");
        assertThat(data).doesNotExist();
    }

    /**
     * After the README's {@code ./etab demo}, a {@code bench} with no --root (and no directory in the config) names
     * the phantom set demo wrote in the installation; before it exists, the message names none.
     */
    @Test
    void benchWithoutARootNamesThePhantomDemoWrote(@TempDir Path home) {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("ETAB_ECHONET_DIR") == null && System.getenv("ETAB_CONFIG") == null,
                "the environment names a dataset directory or a config");
        String before = System.getProperty("etab.home");
        System.setProperty("etab.home", home.toString());
        try {
            String noRoot = "etab: no dataset directory: pass --root DIR or set echonet_dir in the config (or"
                    + " ETAB_ECHONET_DIR)";
            Run fresh = etab("bench", "--quiet");
            assertThat(fresh.code()).isEqualTo(2);
            assertThat(fresh.err().lines()).containsExactly(noRoot);

            Path phantom = home.resolve("phantom/echonet");
            Run synth = etab("synth", "--out", phantom.toString(), "--videos", "4", "--seed", "5", "--quiet");
            assertThat(synth.code()).as(synth.err()).isZero();
            Run after = etab("bench", "--quiet");
            assertThat(after.code()).isEqualTo(2);
            assertThat(after.err().lines()).containsExactly(noRoot + "; etab demo's phantom set is --root " + phantom);
            // CAMUS has no demo phantom: no hint
            assertThat(etab("bench", "--dataset", "camus", "--quiet").err()).doesNotContain("phantom");
        } finally {
            if (before == null) {
                System.clearProperty("etab.home");
            } else {
                System.setProperty("etab.home", before);
            }
        }
    }
}
