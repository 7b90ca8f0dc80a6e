package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's {@code --help}: its usage on stdout and nothing on stderr. Run in a child JVM because picocli
 * writes its warnings (a description that is not a valid format string) to the stderr it found when it loaded,
 * which an in-process test cannot capture.
 */
class EtabCliHelpTest {

    /**
     * The child: {@code etab --help}, then {@code etab NAME --help} for each name, then {@code --version}; exits with
     * the worst code, or 3 when FFmpeg's libraries were loaded (help needs no media).
     */
    public static void main(String[] names) {
        int worst = Etab.commandLine().execute("--help");
        for (String name : names) {
            worst = Math.max(worst, Etab.commandLine().execute(name, "--help"));
        }
        worst = Math.max(worst, Etab.commandLine().execute("--version"));
        if (org.bytedeco.javacpp.Loader.getLoadedLibraries().keySet().stream().anyMatch(l -> l.contains("avutil"))) {
            System.err.println("FFmpeg loaded: "
                    + org.bytedeco.javacpp.Loader.getLoadedLibraries().keySet());
            worst = 3;
        }
        System.exit(worst);
    }

    @Test
    void onlyCommandsThatReadOrWriteMediaLoadFfmpegBeforeTheirWork() {
        java.util.function.Function<String[], Boolean> reads =
                args -> Etab.readsMedia(Etab.commandLine().parseArgs(args));
        assertThat(reads.apply(new String[] {"bench", "--root", "x"})).isTrue();
        assertThat(reads.apply(new String[] {"synth", "--out", "x"})).isTrue();
        assertThat(reads.apply(new String[] {"demo"})).isTrue();
        assertThat(reads.apply(new String[] {"split", "--root", "x", "--out", "y"}))
                .isFalse();
        assertThat(reads.apply(new String[] {"bench", "--help"})).isFalse();
        assertThat(reads.apply(new String[] {"--version"})).isFalse();
        assertThat(reads.apply(new String[] {})).isFalse();
    }

    @Test
    void everyHelpPrintsItsUsageAndNothingOnStderr(@TempDir Path tmp) throws Exception {
        List<String> names = new ArrayList<>(Etab.commandLine().getSubcommands().keySet());
        assertThat(names).contains("synth", "bench", "export", "demo", "plot", "gif");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                cp,
                EtabCliHelpTest.class.getName()));
        cmd.addAll(names);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String usage = Files.readString(out, StandardCharsets.UTF_8);
        String warnings = Files.readString(err, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(warnings).isZero();
        assertThat(warnings).isEmpty();
        assertThat(usage).contains("Usage: etab [");
        for (String name : names) {
            assertThat(usage).contains("Usage: etab " + name + " [");
        }
        assertThat(usage).contains("(50 % alpha").doesNotContain("%%"); // the escaped % prints as one
    }

    @Test
    void commandNamesAreTakenInAnyCase() {
        EtabCliTest.Run upper = EtabCliTest.etab(
                "Bench",
                "--root",
                PhantomDatasets.echonet().toString(),
                "--limit",
                "2",
                "--clip-length",
                "2",
                "--frame-size",
                "16x16",
                "--quiet");
        assertThat(upper.code()).as(upper.err()).isZero();
        assertThat(upper.lastLine()).startsWith("RESULT planned=2 delivered=2 ");
    }

    @Test
    void noCommandIsAUsageErrorOnStderrAndHelpIsNot() {
        EtabCliTest.Run none = EtabCliTest.etab();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err())
                .startsWith("etab: name a command (below)\nUsage: etab [")
                .contains("bench", "synth");
        EtabCliTest.Run level = EtabCliTest.etab("--log-level", "warn");
        assertThat(level.code()).isEqualTo(2);
        assertThat(level.err()).contains("Usage: etab [");

        EtabCliTest.Run help = EtabCliTest.etab("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: etab [");
        assertThat(help.err()).isEmpty();
    }

    /** Every spelling the library takes for a view is in --view's help, under the view it selects, and works. */
    @Test
    void viewHelpListsEverySpellingAndCombination(@TempDir Path tmp) throws Exception {
        // the help's list is the library's (made from the table canonical() reads); each name in it selects its view
        String listed = DatasetHelp.VIEW_SPELLINGS;
        assertThat(listed).isEqualTo(org.etab.source.EtabViews.ACCEPTED);
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\w+) \\(or ([^)]*)\\)").matcher(listed);
        int views = 0;
        while (m.find()) {
            views++;
            for (String spelling : m.group(2).split(", ")) {
                assertThat(org.etab.source.EtabViews.canonical(spelling.toLowerCase(java.util.Locale.ROOT)))
                        .as(spelling)
                        .isEqualTo(m.group(1));
            }
        }
        assertThat(views).isEqualTo(4);
        for (String name : List.of("bench", "export", "plot", "gif", "split")) {
            assertThat(Etab.commandLine()
                            .getSubcommands()
                            .get(name)
                            .getUsageMessage()
                            .replaceAll("\\s+", " "))
                    .as(name)
                    .contains(listed)
                    .contains("echonet AP4CH; camus AP2CH, AP4CH, both; tmed PLAX, PSAX, AP4CH, AP2CH, PLAX+PSAX, both")
                    .contains("(PL+PS)")
                    .contains("both is PLAX+PSAX for tmed, AP2CH and AP4CH for camus")
                    // a test-only dataset registered from loader's test classes (a reactor `mvn test`) may come between
                    .contains("(default: AP4CH; both for camus; PLAX+PSAX for tmed; ")
                    .contains("; all for tmed --target AS)");
        }
        // what the help says is taken, is: lower case, a combination spelled short, a TMED name on CAMUS
        String tmed = org.etab.testing.TmedPhantoms.tmed().toString();
        String camus = org.etab.testing.CamusPhantoms.camus(org.etab.datasets.camus.CamusRelease.NIFTI)
                .toString();
        List<List<String>> taken = List.of(
                List.of("--dataset", "tmed", "--root", tmed, "--view", "pl+ps"),
                List.of("--dataset", "tmed", "--root", tmed, "--view", "a4c"),
                List.of("--dataset", "camus", "--root", camus, "--view", "A2C"),
                List.of("--dataset", "camus", "--root", camus, "--view", "both"),
                List.of("--root", org.etab.testing.PhantomDatasets.echonet().toString(), "--view", "4ch"));
        int n = 0;
        for (List<String> flags : taken) {
            List<String> args = new ArrayList<>(List.of("split", "--split", "all", "--random", "false"));
            args.addAll(flags);
            args.addAll(List.of(
                    "--train-frac",
                    "0.4",
                    "--val-frac",
                    "0.3",
                    "--out",
                    tmp.resolve("s" + n++).toString()));
            EtabCliTest.Run r = EtabCliTest.etab(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("SPLIT samples=");
        }
    }

    @Test
    void everyCommandsVersionFlagPrintsTheVersion() {
        List<String> names = new ArrayList<>(Etab.commandLine().getSubcommands().keySet());
        assertThat(names).contains("synth", "bench", "export", "demo", "plot", "gif", "split");
        for (String name : names) {
            for (String flag : List.of("-V", "--version")) {
                EtabCliTest.Run r = EtabCliTest.etab(name, flag);
                assertThat(r.code()).as(name + " " + flag).isZero();
                assertThat(r.out()).as(name + " " + flag).startsWith("etab-stream ");
                assertThat(r.err()).as(name + " " + flag).isEmpty();
            }
        }
    }

    @Test
    void helpNamesStartEpochAndHidesTheOldName() {
        for (String name : List.of("bench", "export")) {
            String usage = Etab.commandLine().getSubcommands().get(name).getUsageMessage();
            assertThat(usage)
                    .as(name)
                    .contains("--start-epoch=E")
                    .doesNotContain("--epoch=")
                    .contains("--epochs=E");
        }
        for (String name : List.of("bench", "demo")) {
            assertThat(Etab.commandLine().getSubcommands().get(name).getUsageMessage())
                    .as(name)
                    .contains("--verbose");
        }
    }

    @Test
    void exportHelpLeavesOutPerEpochWhichItRefuses() {
        String export = EtabCliTest.etab("export", "--help").out();
        assertThat(export).contains("--start-epoch=E").doesNotContain("--per-epoch");
        assertThat(EtabCliTest.etab("bench", "--help").out()).contains("--per-epoch");
        // still parsed, so a user who passes it is told why it does not apply
        EtabCliTest.Run r =
                EtabCliTest.etab("export", "--root", "/nonexistent", "--per-epoch", "--out", "/nonexistent");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines())
                .containsExactly(
                        "etab: export writes one epoch; --per-epoch does not apply to it (its summary has the rates)");
    }

    @Test
    void plotGifAndSplitHelpLeaveOutTheSelectionFlagsTheyRefuse() {
        // bench's descriptions and defaults (--video ... (default: true), --channels ... (default: 3)) in plot's help
        // offered values that plot refuses
        java.util.Map<String, List<String>> refused = java.util.Map.of(
                "plot",
                List.of(
                        "--video=",
                        "--clip-length=",
                        "--fps=",
                        "--padding=",
                        "--clip-start=",
                        "--channels=",
                        "--dtype=",
                        "--normalize=",
                        "--layout=",
                        "--shuffle=",
                        "--limit="),
                "gif",
                List.of("--video=", "--channels=", "--dtype=", "--normalize=", "--layout=", "--shuffle=", "--limit="),
                "split",
                List.of(
                        "--shuffle=",
                        "--frame-size=",
                        "--channels=",
                        "--dtype=",
                        "--normalize=",
                        "--resize=",
                        "--antialias=",
                        "--layout="));
        java.util.Map<String, List<String>> used = java.util.Map.of(
                "plot", List.of("--frame-size=", "--resize=", "--antialias=", "--target=", "--color="),
                "gif", List.of("--clip-length=", "--fps=", "--clip-start=", "--frame-size=", "--frame-ms="),
                "split", List.of("--clip-length=", "--limit=", "--seed=", "--random="));
        for (String name : refused.keySet()) {
            String help = EtabCliTest.etab(name, "--help").out();
            assertThat(help).as(name).contains(used.get(name));
            for (String flag : refused.get(name)) {
                assertThat(help).as(name).doesNotContain(flag);
            }
        }
        // still parsed: a user who passes one is told why it does not apply
        EtabCliTest.Run plot = EtabCliTest.etab(
                "plot", "--root", "/nonexistent", "--id", "x", "--out", "/nonexistent/x.png", "--video", "true");
        assertThat(plot.code()).isEqualTo(2);
        assertThat(plot.err().lines())
                .containsExactly(
                        "etab: --video true does not apply to etab plot: it draws one frame's raw gray pixels");
        EtabCliTest.Run gif = EtabCliTest.etab(
                "gif", "--root", "/nonexistent", "--id", "x", "--out", "/nonexistent/x.gif", "--channels", "3");
        assertThat(gif.err().lines())
                .containsExactly("etab: --channels 3 does not apply to etab gif: it draws one clip's raw gray pixels");
        EtabCliTest.Run stills = EtabCliTest.etab(
                "gif", "--root", "/nonexistent", "--id", "x", "--out", "/nonexistent/x.gif", "--video", "false");
        assertThat(stills.err().lines()).containsExactly("etab: gif makes a clip: --video false does not apply to it");
        EtabCliTest.Run split =
                EtabCliTest.etab("split", "--root", "/nonexistent", "--out", "/nonexistent", "--resize", "area");
        assertThat(split.err().lines())
                .containsExactly(
                        "etab: --resize area does not apply to etab split: it writes sample ids, shuffled as --random"
                                + " says");
        // the value they honour anyway still passes (flags shared with bench and export)
        EtabCliTest.Run honoured = EtabCliTest.etab(
                "plot", "--root", "/nonexistent", "--id", "x", "--out", "/nonexistent/x.png", "--channels", "1");
        assertThat(honoured.err()).doesNotContain("does not apply");
    }

    @Test
    void helpSaysEachDefaultAndWhereItComesFrom() {
        // whitespace collapsed: picocli wraps the descriptions
        java.util.function.Function<String, String> help =
                name -> EtabCliTest.etab(name, "--help").out().replaceAll("\\s+", " ");
        for (String name : List.of("bench", "export")) {
            assertThat(help.apply(name))
                    .as(name)
                    .contains("A fresh seeded order every epoch (default: false).")
                    .contains("Deliver in plan order (deterministic) (default: true).")
                    .contains("the tail that would need repeats (default: false).")
                    .contains("fail (stop at the first) (default: skip).")
                    .contains("3 (RGB replicated from gray) or 1 (gray) (default: 3).")
                    .contains("uint8 (raw pixels, no normalization) (default: float32).")
                    .contains("At most N samples per epoch (0: all) (default: 0).")
                    .contains("Samples per batch, 1..65536 (default: the config's, 20 if unset).")
                    .contains("beyond one per thread (default: the config's, 2 if unset).");
        }
        assertThat(help.apply("plot"))
                .contains("red, green, blue, yellow, cyan or magenta (default: red).")
                .contains("Mask over the frame (true) or beside it (default: true).");
        assertThat(help.apply("gif")).contains("a multiple of 10 from 10 to 655350");
        assertThat(help.apply("synth")).contains("No progress bar, and no summary line");
        // plot's --target is a mask; the other commands' help does not speak of plot
        assertThat(help.apply("plot"))
                .contains("--target=<target> A segmentation target the dataset offers: LV_seg, LA_seg, MY_seg "
                        + "(default: LV_seg).");
        for (String name : List.of("bench", "export", "gif", "split")) {
            assertThat(help.apply(name))
                    .as(name)
                    .contains("An ETAB target the dataset offers: EF, ")
                    .doesNotContain("plot: LV_seg");
        }
        // split's --seed is its own: the config's seed (bench's default) does not change a split
        assertThat(help.apply("split"))
                .contains("--seed=<seed> Seed of the split's shuffle with --random true")
                .contains("(default: 42, whatever the config's seed).")
                .doesNotContain("Seed for the order and the clip starts");
        for (String name : List.of("bench", "export", "gif")) {
            assertThat(help.apply(name))
                    .as(name)
                    .contains("Seed for the order and the clip starts (default: the config's, 42 if unset).");
        }
    }
}
