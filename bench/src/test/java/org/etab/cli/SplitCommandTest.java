package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.etab.api.DataTools;
import org.etab.api.EtabDataset;
import org.etab.api.Item;
import org.etab.api.Splits;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code etab split} on the phantom equals the library's split of the loaded data. */
class SplitCommandTest {
    private record Run(int code, String out, String err) {}

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

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    @Test
    void theFilesHoldTheLibrarysSplitOfTheLoadedData(@TempDir Path out) throws IOException {
        Path root = PhantomDatasets.echonet();
        Run r = etab(line(
                "split --root %s --split all --video false --train-frac 0.6 --val-frac 0.1 --random true --out %s",
                root, out));
        assertThat(r.code()).as(r.err()).isZero();

        EtabDataset loaded = EtabDataset.builder()
                .name("echonet")
                .root(root)
                .split("all")
                .video(false)
                .frameL(112)
                .frameW(112)
                .threads(2)
                .build()
                .loadData(0, false);
        assertThat(loaded.data()).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        Splits library = DataTools.trainingDataSplit(loaded, 0.6, 0.1, true);
        assertThat(lines(out.resolve("train.csv"))).isEqualTo(ids(library.train()));
        assertThat(lines(out.resolve("val.csv"))).isEqualTo(ids(library.val()));
        assertThat(lines(out.resolve("test.csv"))).isEqualTo(ids(library.test()));
        assertThat(r.out()).contains("SPLIT samples=12 train=7 val=1 test=4 seed=42 random=true");
    }

    @Test
    void aVideosClipsStayInOnePart(@TempDir Path out) throws IOException {
        Run r = etab(line("split --root %s --split all --clip-start all --out %s", PhantomDatasets.echonet(), out));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> all = new ArrayList<>();
        for (String part : List.of("train.csv", "val.csv", "test.csv")) {
            all.addAll(lines(out.resolve(part)));
        }
        // each video once, in one part: a video's clips in train and test would leak
        assertThat(all).doesNotHaveDuplicates().hasSize(PhantomDatasets.ECHONET_VIDEOS);
        assertThat(r.out()).contains("SPLIT samples=" + PhantomDatasets.ECHONET_VIDEOS + " ");
    }

    @Test
    void seedAndOrderFollowTheFlags(@TempDir Path out) throws IOException {
        Path root = PhantomDatasets.echonet();
        Path ordered = out.resolve("ordered");
        assertThat(etab(line("split --root %s --split all --video false --random false --out %s", root, ordered))
                        .code())
                .isZero();
        // without shuffling the three files are the index in order, cut at 6 (0.5 of 12) and 7
        List<String> index = new ArrayList<>(lines(ordered.resolve("train.csv")));
        assertThat(index).hasSize(6);
        index.addAll(lines(ordered.resolve("val.csv")));
        index.addAll(lines(ordered.resolve("test.csv")));
        assertThat(index).hasSize(12).doesNotHaveDuplicates();

        Path seeded = out.resolve("seeded");
        assertThat(etab(line("split --root %s --split all --video false --seed 7 --out %s", root, seeded))
                        .code())
                .isZero();
        int[][] expected = DataTools.splitPositions(12, 0.5, 0.1, true, 7);
        assertThat(lines(seeded.resolve("train.csv")))
                .isEqualTo(IntStream.of(expected[0]).mapToObj(index::get).toList());
    }

    @Test
    void fractionsScikitLearnRefusesAreOneClearLine(@TempDir Path out) {
        Run r = etab(line(
                "split --root %s --split all --video false --train-frac 1.0 --out %s", PhantomDatasets.echonet(), out));
        assertThat(r.code()).isEqualTo(2);
        // named by the flags, as typed (the library's own message names none)
        assertThat(r.err().lines())
                .containsExactly("etab: --train-frac must be in (0, 1) and --val-frac > 0, with --train-frac + "
                        + "--val-frac < 1, but were --train-frac 1.0 --val-frac 0.1");
        assertThat(out).isEmptyDirectory();
    }
}
