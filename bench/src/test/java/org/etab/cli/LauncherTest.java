package org.etab.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./etab} launcher (a bash script) in an installation of its own: built jars in place (so it builds
 * nothing) and a stand-in JDK 25 ({@code ETAB_JAVA}: a script that prints its arguments), so that the start-up cache's
 * training is due.
 */
class LauncherTest {

    /** A built installation under {@code tmp}, its stand-in JDK 25 at {@code tmp/jdk}: the launcher ({@code etab}). */
    private static Path installation(Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("etab"));
        Path launcher = home.resolve("etab");
        Files.copy(Path.of(System.getProperty("user.dir")).resolveSibling("etab"), launcher);
        Path target = Files.createDirectories(home.resolve("bench").resolve("target"));
        Files.writeString(target.resolve("etab-bench.jar"), "");
        Files.writeString(target.resolve("classpath.txt"), "");
        Path jdk = Files.createDirectories(tmp.resolve("jdk").resolve("bin")).getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path java = Files.writeString(jdk.resolve("bin").resolve("java"), "#!/bin/sh\necho \"java $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    /** Runs the launcher with {@code --version}: its exit code and what it printed. */
    private static Run launch(Path launcher, Path java, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("ETAB_JAVA", java.toString());
        pb.environment().put("ETAB_AOT", "0");
        pb.environment().putAll(env);
        Process p = pb.start();
        String printed = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), printed);
    }

    private record Run(int code, String printed) {}

    @Test
    void withoutATemporaryFolderItRunsWithoutTheStartUpCache(@TempDir Path tmp) throws Exception {
        Path launcher = installation(tmp);
        Path target = launcher.resolveSibling("bench").resolve("target");
        // TMPDIR a regular file: mktemp can make nothing there (a full or read-only /tmp)
        Path notADir = Files.writeString(tmp.resolve("tmpdir"), "not a folder");

        Run r = launch(launcher, tmp.resolve("jdk/bin/java"), Map.of("TMPDIR", notADir.toString(), "ETAB_AOT", "1"));

        // before: 'mktemp: failed to create directory ...' and exit code 1, the command never run
        assertThat(r.code()).as(r.printed()).isZero();
        assertThat(r.printed())
                .contains("etab: could not train the start-up cache: cannot make a temporary folder in " + notADir
                        + "; running without it")
                .containsPattern("(?m)^java .*org\\.etab\\.cli\\.Etab --version$");
        // nothing marks the training failed: the next run, with a temporary folder, trains it
        assertThat(target.resolve("etab.aot.failed")).doesNotExist();
    }

    @Test
    void anEditedExampleIsNotTheCommandLinesSource(@TempDir Path tmp) throws Exception {
        Path launcher = installation(tmp);
        // bench/examples is a user's project of its own (its own pom), not part of the build the launcher runs
        Path example = launcher.resolveSibling("bench").resolve("examples/src/main/java/org/etab/examples/X.java");
        Files.createDirectories(example.getParent());
        Files.writeString(example, "class X {}\n");
        Files.setLastModifiedTime(example, FileTime.from(Instant.now().plusSeconds(60)));

        Run r = launch(launcher, tmp.resolve("jdk/bin/java"), Map.of());

        assertThat(r.printed()).as("no rebuild").doesNotContain("building the command line");
        assertThat(r.code()).as(r.printed()).isZero();
    }

    @Test
    void aJavaThatIsNotThereIsOneLine(@TempDir Path tmp) throws Exception {
        Path launcher = installation(tmp);
        Path missing = tmp.resolve("no-jdk/bin/java");

        Run r = launch(launcher, missing, Map.of());

        // before: bash's 'line 105: .../java: No such file or directory', exit code 127
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.printed().strip())
                .isEqualTo(
                        "etab: ETAB_JAVA=" + missing + " is not an executable file (unset it to use the java on PATH)");
    }
}
