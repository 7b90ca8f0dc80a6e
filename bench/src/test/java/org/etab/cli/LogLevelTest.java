package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code --log-level} reaches the bundled SLF4J backend. Run in a child JVM: slf4j-simple reads its level once,
 * when the first logger is made, so only a fresh JVM shows what a user gets.
 */
class LogLevelTest {

    /** The child: parses the CLI arguments as {@code etab} does, then logs one line at each level. */
    public static void main(String[] args) {
        new CommandLine(new Etab()).parseArgs(args);
        var log = LoggerFactory.getLogger("org.etab.probe");
        log.debug("probe-debug");
        log.info("probe-info");
        log.warn("probe-warn");
        log.error("probe-error");
    }

    private static String stderrOf(Path tmp, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                cp,
                LogLevelTest.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    @Test
    void warnByDefault(@TempDir Path tmp) throws Exception {
        assertThat(stderrOf(tmp, "synth", "--dataset", "echonet", "--out", "x"))
                .contains("probe-warn", "probe-error")
                .doesNotContain("probe-info", "probe-debug");
    }

    @Test
    void levelOnTheCommandOrItsSubcommand(@TempDir Path tmp) throws Exception {
        assertThat(stderrOf(tmp, "--log-level", "debug", "synth", "--dataset", "echonet", "--out", "x"))
                .contains("probe-debug", "probe-info", "probe-warn");
        assertThat(stderrOf(tmp, "bench", "--dataset", "echonet", "--log-level", "error"))
                .contains("probe-error")
                .doesNotContain("probe-warn");
    }

    @Test
    void unknownLevelIsAUsageError() {
        int code = Etab.commandLine()
                .setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
                .execute("bench", "--log-level", "loud");
        assertThat(code).isEqualTo(2);
    }
}
