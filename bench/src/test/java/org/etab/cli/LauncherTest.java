package org.etab.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./etab} launcher (a bash script) in an installation of its own: built jars in place (so it builds
 * nothing) and a stand-in JDK 25 ({@code ETAB_JAVA}: a script that prints its arguments), so that the start-up cache's
 * training is due.
 */
class LauncherTest {

    @Test
    void withoutATemporaryFolderItRunsWithoutTheStartUpCache(@TempDir Path tmp) throws Exception {
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
        // TMPDIR a regular file: mktemp can make nothing there (a full or read-only /tmp)
        Path notADir = Files.writeString(tmp.resolve("tmpdir"), "not a folder");

        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("ETAB_JAVA", java.toString());
        pb.environment().put("TMPDIR", notADir.toString());
        pb.environment().remove("ETAB_AOT");
        Process p = pb.start();
        String printed = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // before: 'mktemp: failed to create directory ...' and exit code 1, the command never run
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed)
                .contains("etab: could not train the start-up cache: cannot make a temporary folder in " + notADir
                        + "; running without it")
                .containsPattern("(?m)^java .*org\\.etab\\.cli\\.Etab --version$");
        // nothing marks the training failed: the next run, with a temporary folder, trains it
        assertThat(target.resolve("etab.aot.failed")).doesNotExist();
    }
}
