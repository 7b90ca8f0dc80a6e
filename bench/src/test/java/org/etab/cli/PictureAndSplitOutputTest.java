package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.etab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.cli.EtabCliTest.Run;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code plot}, {@code gif} and {@code split} write (never a file of the dataset they read), and what plot and gif
 * say of an id they do not find.
 */
class PictureAndSplitOutputTest {

    /** A copy of the phantom's index and one of its videos: a dataset whose files a test may watch. */
    private static Path dataset(Path tmp, String id) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("echonet"));
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(PhantomDatasets.echonet().resolve(f), root.resolve(f));
        }
        Files.createDirectories(root.resolve("Videos"));
        Files.copy(
                PhantomDatasets.echonet().resolve("Videos").resolve(id + ".avi"),
                root.resolve("Videos").resolve(id + ".avi"));
        return root;
    }

    private static String anId() {
        EchoNetRecord rec =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all").get(3);
        return rec.id();
    }

    @Test
    void plotGifAndSplitRefuseAnOutInsideTheDatasetAndLeaveItAsItWas(@TempDir Path tmp) throws Exception {
        String id = anId();
        Path root = dataset(tmp, id);
        Path index = root.resolve("FileList.csv");
        Path video = root.resolve("Videos").resolve(id + ".avi");
        byte[] indexBytes = Files.readAllBytes(index);
        byte[] videoBytes = Files.readAllBytes(video);
        // names outside the dataset that are links to its files: the paths are compared with links resolved
        Path pngLink = Files.createSymbolicLink(tmp.resolve("index.png"), index);
        Path gifLink = Files.createSymbolicLink(tmp.resolve("clip.gif"), video);
        Path splitOut = Files.createDirectories(tmp.resolve("split"));
        Files.createSymbolicLink(splitOut.resolve("val.csv"), index);
        // a dangling link: writing through it would create a file in the dataset
        Path danglingOut = Files.createDirectories(tmp.resolve("dangling"));
        Files.createSymbolicLink(danglingOut.resolve("train.csv"), root.resolve("new.csv"));
        Path danglingReport = Files.createSymbolicLink(tmp.resolve("report.csv"), root.resolve("Videos/r.csv"));

        String r = root.toString();
        List<List<String>> cases = List.of(
                List.of("plot", "--id", id, "--out", index.toString()),
                List.of("plot", "--id", id, "--out", pngLink.toString()),
                List.of("gif", "--id", id, "--out", gifLink.toString()),
                List.of(
                        "gif",
                        "--id",
                        id,
                        "--out",
                        root.resolve("Videos").resolve("new.gif").toString()),
                List.of("split", "--out", r),
                List.of("split", "--out", splitOut.toString()),
                List.of("split", "--out", danglingOut.toString()),
                List.of("bench", "--epochs", "1", "--report", danglingReport.toString()));
        List<String> why = List.of(
                "etab: --out " + index + ": plot writes a PNG, so the name must end with .png (any case)",
                "etab: --out " + pngLink + " lies inside the dataset's directory " + r
                        + ", which a run only reads: write it elsewhere",
                "etab: --out " + gifLink + " lies inside the dataset's directory " + r,
                "etab: --out " + root.resolve("Videos").resolve("new.gif") + " lies inside the dataset's directory "
                        + r,
                "etab: --out " + root.resolve("train.csv") + " lies inside the dataset's directory " + r,
                "etab: --out " + splitOut.resolve("val.csv") + " lies inside the dataset's directory " + r,
                "etab: --out " + danglingOut.resolve("train.csv") + " lies inside the dataset's directory " + r,
                "etab: --report " + danglingReport + " lies inside the dataset's directory " + r);
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new java.util.ArrayList<>(cases.get(i));
            args.addAll(List.of("--root", r, "--split", "all"));
            Run run = etab(args.toArray(String[]::new));
            assertThat(run.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err().lines())
                    .as(String.join(" ", args))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith(why.get(i));
            assertThat(run.out()).isEmpty();
        }
        assertThat(Files.readAllBytes(index)).isEqualTo(indexBytes);
        assertThat(Files.readAllBytes(video)).isEqualTo(videoBytes);
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("FileList.csv", "VolumeTracings.csv", "Videos");
        }
        try (var files = Files.list(root.resolve("Videos"))) {
            assertThat(files).containsExactly(video);
        }
        try (var files = Files.list(splitOut)) {
            assertThat(files).containsExactly(splitOut.resolve("val.csv")); // the link, and nothing written
        }
        try (var files = Files.list(danglingOut)) {
            assertThat(files).containsExactly(danglingOut.resolve("train.csv"));
        }

        // the same commands with outputs elsewhere write them
        Path png = tmp.resolve("out").resolve("lv.png");
        Files.createDirectories(png.getParent());
        Run plot = etab("plot", "--root", r, "--split", "all", "--id", id, "--out", png.toString());
        assertThat(plot.code()).as(plot.err()).isZero();
        assertThat(javax.imageio.ImageIO.read(png.toFile())).isNotNull();
        Run split = etab(line("split --root %s --split all --out %s", r, tmp.resolve("parts")));
        assertThat(split.code()).as(split.err()).isZero();
        assertThat(tmp.resolve("parts").resolve("train.csv")).exists();
    }

    @Test
    void plotAndGifRefuseAnOutNamedForAnotherFormat(@TempDir Path tmp) throws Exception {
        String id = anId();
        String r = PhantomDatasets.echonet().toString();
        List<List<String>> refused = List.of(
                List.of(
                        "plot",
                        "x.jpg",
                        "etab: --out " + tmp.resolve("x.jpg")
                                + ": plot writes a PNG, so the name must end with .png (any case)"),
                List.of("plot", "x", "etab: --out " + tmp.resolve("x") + ": plot writes a PNG"),
                List.of("plot", "x.gif", "etab: --out " + tmp.resolve("x.gif") + ": plot writes a PNG"),
                List.of(
                        "gif",
                        "x.png",
                        "etab: --out " + tmp.resolve("x.png")
                                + ": gif writes a GIF, so the name must end with .gif (any case)"),
                List.of("gif", "x.mp4", "etab: --out " + tmp.resolve("x.mp4") + ": gif writes a GIF"));
        for (List<String> c : refused) {
            Run run = etab(line("%s --root %s --split all --id %s --out %s", c.get(0), r, id, tmp.resolve(c.get(1))));
            assertThat(run.code()).as(c.toString()).isEqualTo(2);
            assertThat(run.err().lines())
                    .as(c.toString())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith(c.get(2));
            assertThat(tmp.resolve(c.get(1))).doesNotExist();
        }
        // any case of the right extension is taken, and the file holds that format
        Path png = tmp.resolve("LV.PNG");
        Run plot = etab("plot", "--root", r, "--split", "all", "--id", id, "--out", png.toString());
        assertThat(plot.code()).as(plot.err()).isZero();
        assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
        Path gif = tmp.resolve("clip.Gif");
        Run clip =
                etab("gif", "--root", r, "--split", "all", "--id", id, "--clip-length", "4", "--out", gif.toString());
        assertThat(clip.code()).as(clip.err()).isZero();
        assertThat(new String(Files.readAllBytes(gif), 0, 6, java.nio.charset.StandardCharsets.US_ASCII))
                .startsWith("GIF8");
    }

    @Test
    void anIdOfAnotherSplitIsNamedWithItsSplit(@TempDir Path tmp) {
        String r = PhantomDatasets.echonet().toString();
        List<EchoNetRecord> all = EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        String val = all.stream()
                .filter(rec -> rec.split() == org.etab.source.Split.VAL)
                .findFirst()
                .orElseThrow()
                .id();
        String test = all.stream()
                .filter(rec -> rec.split() == org.etab.source.Split.TEST)
                .findFirst()
                .orElseThrow()
                .id();
        Path nowhere = tmp.resolve("never-written.png");
        Path nowhereGif = tmp.resolve("never-written.gif");
        // the default split is train
        Run plot = etab("plot", "--root", r, "--id", val, "--out", nowhere.toString());
        assertThat(plot.code()).isEqualTo(2);
        assertThat(plot.err().lines())
                .containsExactly("etab: no sample '" + val + "' in echonet split train; it is in split val: pass "
                        + "--split val or --split all");
        Run gif = etab("gif", "--root", r, "--split", "val", "--id", test, "--out", nowhereGif.toString());
        assertThat(gif.code()).isEqualTo(2);
        assertThat(gif.err().lines())
                .containsExactly("etab: no sample '" + test + "' in echonet split val; it is in split test: pass "
                        + "--split test or --split all");
        // an id of no split, or a selection of every split: no hint
        assertThat(etab("plot", "--root", r, "--id", "nope", "--out", nowhere.toString())
                        .err()
                        .lines())
                .containsExactly("etab: no sample 'nope' in echonet split train");
        assertThat(etab("plot", "--root", r, "--split", "all", "--id", "nope", "--out", nowhere.toString())
                        .err()
                        .lines())
                .containsExactly("etab: no sample 'nope' in echonet split all");
        assertThat(nowhere).doesNotExist();
        assertThat(nowhereGif).doesNotExist();
    }

    /**
     * A phantom copy whose FileList.csv gives one video an EF of 200: plot and gif of that id said only "no sample 'X'
     * in echonet split all", as if the id were mistyped; they now say why the index left the row out.
     */
    @Test
    void anIdTheIndexRejectedIsNamedWithTheReason(@TempDir Path tmp) throws Exception {
        Path root = EtabCliTest.copyOfEchonet(tmp.resolve("echonet"));
        List<String> list = new java.util.ArrayList<>(Files.readAllLines(root.resolve("FileList.csv")));
        String[] cells = list.get(2).split(",", -1);
        cells[1] = "200";
        list.set(2, String.join(",", cells));
        Files.write(root.resolve("FileList.csv"), list);
        String r = root.toString();
        Path png = tmp.resolve("never-written.png");
        String line =
                "etab: no sample '" + cells[0] + "' in echonet split all; the index left it out: FileList.csv: line"
                        + " 3: EF must be 0 to 100 but was '200'";
        Run plot = etab("plot", "--root", r, "--split", "all", "--id", cells[0], "--out", png.toString());
        assertThat(plot.code()).isEqualTo(2);
        assertThat(plot.err().lines()).containsExactly(line);
        Run gif = etab(line("gif --root %s --split all --id %s --out %s", r, cells[0], tmp.resolve("x.gif")));
        assertThat(gif.code()).isEqualTo(2);
        assertThat(gif.err().lines()).containsExactly(line);
        assertThat(png).doesNotExist();
    }
}
