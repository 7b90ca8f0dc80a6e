package org.etab.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks of a job started together by one script each run {@code ./etab}: the launcher's one-off work (the build after
 * a source change, the start-up cache's training) is done once, the others waiting for it. Here with built jars in
 * place and a stand-in JDK 25 whose training takes 2 s, as {@link LauncherTest} does. Before the launcher's lock, each
 * of four launchers trained its own cache (and each ran mvn package in the same tree: two of four builds failed,
 * {@code bench/compare/concurrent_launch.sh}).
 */
class LauncherConcurrencyTest {

    @Test
    void launchersStartedTogetherTrainTheStartUpCacheOnce(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("etab"));
        Path launcher = home.resolve("etab");
        Files.copy(Path.of(System.getProperty("user.dir")).resolveSibling("etab"), launcher);
        Path target = Files.createDirectories(home.resolve("bench").resolve("target"));
        Files.writeString(target.resolve("etab-bench.jar"), "");
        Files.writeString(target.resolve("classpath.txt"), "");
        Path jdk = Files.createDirectories(tmp.resolve("jdk").resolve("bin")).getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path trainings = tmp.resolve("trainings");
        Path java = Files.writeString(
                jdk.resolve("bin").resolve("java"),
                String.join(
                        "\n",
                        "#!/bin/bash",
                        "for a in \"$@\"; do",
                        "  if [[ $a == -XX:AOTCacheOutput=* ]]; then",
                        "    echo trained >>'" + trainings + "'; sleep 2; : >\"${a#-XX:AOTCacheOutput=}\"",
                        "  fi",
                        "done",
                        "echo \"java $*\"",
                        ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<Process> launchers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--version").redirectErrorStream(true);
            pb.environment().put("ETAB_JAVA", java.toString());
            pb.environment().remove("ETAB_AOT");
            launchers.add(pb.start());
        }
        for (Process p : launchers) {
            String printed = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(printed).isZero();
            // each runs the command with the one cache trained
            assertThat(printed)
                    .containsPattern("(?m)^java .*-XX:AOTCache=" + target.resolve("etab.aot")
                            + " .*org\\.etab\\.cli\\.Etab --version$");
        }
        assertThat(Files.readAllLines(trainings)).as("trainings").hasSize(1);
    }
}
