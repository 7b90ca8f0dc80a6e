package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.etab.datasets.camus.CamusRelease;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etab bench} and {@code etab export} on the three phantoms with flags chosen at random, as a property test of
 * the command line's promises (README): exit 0 or 2 and never a stack trace; exit 2 is a message on stderr and no
 * RESULT line; exit 0 ends with a whole RESULT line whose counts add up ({@code planned = delivered + failed},
 * {@code clips = delivered}); {@code --report} has one row per sample planned and per row rejected; an export's
 * manifest has one row per sample delivered, each naming two files that exist. Each trial is a pure function of its
 * seed, which a failure names with the command line.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CliRandomRunsTest {
    private static final int TRIALS = Integer.getInteger("etab.cli.trials", 60);

    @TempDir
    Path tmp;

    private static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    @Test
    void everyRunKeepsTheCommandLinesPromises() throws IOException {
        long base = Long.getLong("etab.cli.seed", 20261206L);
        for (int t = 0; t < TRIALS; t++) {
            long seed = base + t;
            SplittableRandom r = new SplittableRandom(seed);
            boolean export = r.nextInt(3) == 0;
            String dataset = pick(r, List.of("echonet", "camus", "tmed"));
            Path root = switch (dataset) {
                case "echonet" -> PhantomDatasets.echonet();
                case "camus" -> CamusPhantoms.camus(r.nextBoolean() ? CamusRelease.MHD : CamusRelease.NIFTI);
                default -> TmedPhantoms.tmed();
            };
            Path dir = Files.createDirectories(tmp.resolve("t" + seed));
            String damaged = "";
            if (r.nextInt(3) == 0) { // a copy with one or two media files cut short or deleted
                root = Trees.copy(root, dir.resolve("data"));
                List<Path> media;
                try (Stream<Path> files = Files.walk(root)) {
                    media = files.filter(f -> f.toString().matches(".*\\.(avi|mhd|raw|nii\\.gz|png)$"))
                            .sorted()
                            .toList();
                }
                for (int k = 1 + r.nextInt(2); k > 0; k--) {
                    Path f = pick(r, media);
                    if (Files.exists(f) && r.nextBoolean()) {
                        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), (int) (Files.size(f) / 2)));
                        damaged += " cut " + root.relativize(f);
                    } else {
                        Files.deleteIfExists(f);
                        damaged += " deleted " + root.relativize(f);
                    }
                }
            }
            Path report = dir.resolve("report.csv");
            Path out = dir.resolve("out");
            List<String> args = new ArrayList<>(
                    List.of(export ? "export" : "bench", "--dataset", dataset, "--root", root.toString(), "--quiet"));
            flags(r, dataset, export, args);
            args.addAll(List.of("--report", report.toString()));
            if (export) {
                args.addAll(List.of("--out", out.toString()));
            }
            String trial = "seed " + seed + ":" + damaged + ": etab " + String.join(" ", args);
            EtabCliTest.Run run = EtabCliTest.etab(args.toArray(String[]::new));
            assertThat(run.err()).as(trial + ": no stack trace").doesNotContain("\tat ", "Exception in thread");
            assertThat(run.code()).as(trial + "\n" + run.err()).isIn(0, 2);
            if (run.code() == 2) {
                assertThat(run.err().strip()).as(trial + ": exit 2 says why").isNotEmpty();
                assertThat(run.out()).as(trial).doesNotContain("RESULT ");
                continue;
            }
            Matcher m = EtabCliTest.assertResultLine(run);
            long planned = Long.parseLong(m.group("planned"));
            long delivered = Long.parseLong(m.group("delivered"));
            long failed = Long.parseLong(m.group("failed"));
            long rejected = Long.parseLong(m.group("rejected"));
            assertThat(planned).as(trial + ": planned = delivered + failed").isEqualTo(delivered + failed);
            assertThat(m.group("clips")).as(trial).isEqualTo(m.group("delivered"));
            List<String> rows = Files.readAllLines(report);
            assertThat(rows.get(0)).as(trial).isEqualTo("id,status,stage,reason");
            boolean rankZero = !args.contains("--rank")
                    || args.get(args.indexOf("--rank") + 1).equals("0");
            assertThat((long) rows.size() - 1)
                    .as(trial + ": a report row per sample planned and per row rejected")
                    .isEqualTo(planned + (rankZero ? rejected : 0));
            if (export) {
                List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
                assertThat((long) manifest.size() - 1)
                        .as(trial + ": a manifest row per sample delivered")
                        .isEqualTo(delivered);
                for (String row : manifest.subList(1, manifest.size())) {
                    String[] cells = row.split(",", -1);
                    assertThat(out.resolve(cells[2])).as(trial + ": " + row).isRegularFile();
                    assertThat(out.resolve(cells[3])).as(trial + ": " + row).isRegularFile();
                }
                try (Stream<Path> files = Files.list(out)) {
                    assertThat(files.filter(f -> f.toString().endsWith(".x.npy"))
                                    .count())
                            .as(trial + ": an input array per sample delivered")
                            .isEqualTo(delivered);
                }
            }
        }
    }

    /** Random selection and run flags, each given in about a third of the trials, valid nine times in ten. */
    private static void flags(SplittableRandom r, String dataset, boolean export, List<String> args) {
        boolean stills = dataset.equals("tmed") || (!dataset.equals("echonet") && r.nextBoolean());
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--split", pick(r, List.of("train", "val", "test", "all"))));
        } else {
            args.addAll(List.of("--split", "all"));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of(
                    "--target",
                    switch (dataset) {
                        case "echonet" -> pick(r, List.of("EF", "LV_seg", "ES/ED", "CM"));
                        case "camus" -> pick(r, List.of("EF", "LV_seg", "MY_seg", "LA_seg", "ES/ED", "view", "CM"));
                        default -> pick(r, List.of("view", "AS"));
                    }));
        }
        if (!dataset.equals("tmed")) {
            args.addAll(List.of("--video", String.valueOf(!stills)));
        }
        if (!stills) {
            args.addAll(List.of("--clip-length", String.valueOf(pick(r, List.of(1, 4, 16, 32)))));
            if (r.nextInt(3) == 0) {
                args.addAll(List.of("--fps", pick(r, List.of("12.5", "25", "50"))));
            }
            if (r.nextInt(3) == 0) {
                args.addAll(List.of("--padding", String.valueOf(r.nextBoolean())));
            }
            if (r.nextInt(3) == 0) {
                args.addAll(List.of("--clip-start", pick(r, List.of("first", "random", "all"))));
            }
            if (r.nextInt(3) == 0) {
                args.addAll(List.of("--layout", pick(r, List.of("cthw", "tchw"))));
            }
        }
        boolean nativeSize = export && r.nextInt(4) == 0;
        args.addAll(List.of(
                "--frame-size", nativeSize ? "native" : pick(r, List.of("16x16", "32x24", "40x56", "112x112"))));
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--channels", pick(r, List.of("1", "3"))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--dtype", pick(r, List.of("float32", "uint8"))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--normalize", String.valueOf(r.nextBoolean())));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--resize", pick(r, List.of("nearest", "bilinear", "bicubic", "area"))));
            args.addAll(List.of("--antialias", String.valueOf(r.nextBoolean())));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--seed", String.valueOf(r.nextInt(1000))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--shuffle", String.valueOf(r.nextBoolean())));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--limit", String.valueOf(pick(r, List.of(0, 1, 3, 7, 100)))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--batch", String.valueOf(pick(r, List.of(1, 2, 5, 20)))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--threads", String.valueOf(pick(r, List.of(1, 2, 3)))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--prefetch", String.valueOf(pick(r, List.of(0, 1, 4)))));
        }
        if (!export && r.nextInt(3) == 0) {
            args.addAll(List.of("--epochs", String.valueOf(pick(r, List.of(1, 2, 3)))));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--ordered", String.valueOf(r.nextBoolean())));
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("--drop-last", String.valueOf(r.nextBoolean())));
        }
        if (r.nextInt(5) == 0) {
            args.addAll(List.of("--on-error", pick(r, List.of("skip", "fail"))));
        }
        if (r.nextInt(5) == 0) {
            int world = r.nextInt(2, 4);
            args.addAll(List.of("--rank", String.valueOf(r.nextInt(world)), "--world", String.valueOf(world)));
        }
        if (!export) {
            args.addAll(List.of("--device", "cpu"));
        }
    }
}
