package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etab bench} stopped by SIGINT in a child JVM: no RESULT line comes, so one line on stderr says how far the
 * run got and where {@code --resume} goes on (the position the state file holds); a run that ends on its own says
 * nothing of the kind.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BenchInterruptionTest {

    private static List<String> bench(Path state, String epochs) {
        return ChildEtab.command(List.of(line(
                "bench --root %s --clip-length 4 --frame-size 16x16 --batch 2 --threads 2"
                        + " --device cpu --epochs %s --resume %s --quiet",
                PhantomDatasets.echonet(), epochs, state)));
    }

    @Test
    void aRunStoppedBySigintSaysHowFarItGotAndWhereResumeGoesOn(@TempDir Path tmp) throws Exception {
        Path state = tmp.resolve("state.json");
        Path log = tmp.resolve("log");
        Process p = new ProcessBuilder(bench(state, "100000"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && !Files.exists(state) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(log);
            assertThat(p.exitValue()).as(out).isEqualTo(130);
            assertThat(out).doesNotContain("RESULT");

            Matcher m = Pattern.compile(
                            "etab: stopped by a signal after [0-9.]+ s: (\\d+) of (\\d+) samples consumed, 0 failed; "
                                    + "--resume " + Pattern.quote(state.toString())
                                    + " goes on from epoch (\\d+), position (\\d+)\n")
                    .matcher(out);
            assertThat(m.find()).as(out).isTrue();
            assertThat(Long.parseLong(m.group(1))).isPositive();
            assertThat(Long.parseLong(m.group(2))).isGreaterThan(Long.parseLong(m.group(1)));
            // the notice names the state the file holds (saved after the last batch consumed, before the hook ran)
            String saved = Files.readString(state);
            assertThat(saved).contains("\"epoch\":" + m.group(3) + ",").contains("\"position\":" + m.group(4) + ",");
        } finally {
            p.destroyForcibly(); // one that outlived a failed assertion would run its 100000 epochs
        }
    }

    @Test
    void aRunThatEndsOnItsOwnPrintsNoStopNotice(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("log");
        Process p = new ProcessBuilder(bench(tmp.resolve("state.json"), "1"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("RESULT planned=").doesNotContain("stopped by a signal");
    }
}
