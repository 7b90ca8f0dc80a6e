package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EnvironmentFaultsTest.pauseAfterLines;
import static org.etab.cli.EnvironmentFaultsTest.signal;
import static org.etab.cli.EtabCliTest.etab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.cli.EtabCliTest.Run;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks of one job given the same {@code --report} or {@code --resume} by mistake (a launcher script that forgot
 * {@code $RANK} in the name): the second is refused in one line naming the flag and the file, exit 2, before it writes
 * anything. Before, both ran to exit 0: the report held one rank's rows, the state the other's position.
 */
class SharedOutputFilesTest {

    private static List<String> bench(int rank, Path report, Path resume, String... more) {
        List<String> args = new ArrayList<>(List.of(line(
                "bench --root %s --split all --clip-length 4 --frame-size 16x16 --threads 1 --batch 1"
                        + " --rank %s --world 2 --report %s --resume %s --quiet",
                PhantomDatasets.echonet(), rank, report, resume)));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aSecondRankGivenTheReportOrStateAnotherIsWritingIsRefused(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report.csv");
        Path state = tmp.resolve("state.json");
        Path log = tmp.resolve("rank0.log");
        Process first = new ProcessBuilder(ChildEtab.command(bench(0, report, state, "--epochs", "200")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            pauseAfterLines(first, report, 3);
            assertThat(Files.readString(log)).as("rank 0 is paused mid-run").doesNotContain("RESULT");
            byte[] reportBefore = Files.readAllBytes(report);
            byte[] stateBefore = Files.readAllBytes(state);

            Run sameReport = etab(bench(1, report, tmp.resolve("state1.json")).toArray(String[]::new));
            assertThat(sameReport.code()).as(sameReport.err()).isEqualTo(2);
            assertThat(sameReport.err().lines())
                    .containsExactly("etab: --report " + report + " is being written by another etab run (it holds "
                            + tmp.resolve(".report.csv.etab-lock") + "): give each rank its own --report file");
            assertThat(sameReport.out()).isEmpty();
            assertThat(tmp.resolve("state1.json")).doesNotExist();

            Run sameState = etab(bench(1, tmp.resolve("report1.csv"), state).toArray(String[]::new));
            assertThat(sameState.code()).as(sameState.err()).isEqualTo(2);
            assertThat(sameState.err().lines())
                    .containsExactly("etab: --resume " + state + " is being written by another etab run (it holds "
                            + tmp.resolve(".state.json.etab-lock") + "): give each rank its own --resume file");
            assertThat(sameState.out()).isEmpty();

            assertThat(Files.readAllBytes(report)).isEqualTo(reportBefore);
            assertThat(Files.readAllBytes(state)).isEqualTo(stateBefore);
        } finally {
            signal("CONT", first);
            first.destroy(); // SIGTERM: rank 0 stops after its batch in hand, as Ctrl-C would stop it
        }
        assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // stopped by the signal, rank 0 let go of both files after its last write to them
        assertThat(tmp.resolve(".report.csv.etab-lock")).doesNotExist();
        assertThat(tmp.resolve(".state.json.etab-lock")).doesNotExist();

        // and the files are free: another run may take them
        Run after = etab(
                bench(1, report, tmp.resolve("state1.json"), "--epochs", "1").toArray(String[]::new));
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(after.out()).startsWith("RESULT");
        assertThat(tmp.resolve(".report.csv.etab-lock")).doesNotExist();
        assertThat(tmp.resolve(".state1.json.etab-lock")).doesNotExist();
    }
}
