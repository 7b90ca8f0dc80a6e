package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The turn-taking benchmark on the phantom: every root streams whole epochs in its turns, nothing is lost. */
class InterleavedBenchTest {
    @Test
    void everyRootStreamsItsWarmupAndEveryTurnWithNothingLost() throws Exception {
        String root = PhantomDatasets.echonet().toString();
        int clipsPerEpoch =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all").size();
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new InterleavedBench())
                    .execute(
                            "--roots",
                            "a=" + root + ",b=" + root,
                            "--split",
                            "all",
                            "--frame-size",
                            "32x32",
                            "--clip-length",
                            "4",
                            "--batch",
                            "4",
                            "--threads",
                            "1",
                            "--rounds",
                            "3",
                            "--turn",
                            "2",
                            "--warmup",
                            "1");
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(code).as(String.join("\n", lines)).isZero();
        // 3 rounds of 2 roots, each turn 2 epochs; the first root of a round alternates
        assertThat(lines.stream().filter(l -> l.startsWith("TURN ")).toList())
                .hasSize(6)
                .allMatch(l -> l.contains(" clips=" + 2 * clipsPerEpoch + " "));
        assertThat(lines.stream()
                        .filter(l -> l.startsWith("TURN round=1 "))
                        .findFirst()
                        .orElseThrow())
                .contains("root=b");
        int delivered = (1 + 3 * 2) * clipsPerEpoch;
        assertThat(lines)
                .anyMatch(l -> l.startsWith("ROOT a ")
                        && l.contains("median_ratio_vs_a=1.000")
                        && l.endsWith("delivered=" + delivered + " failed=0"));
        assertThat(lines).anyMatch(l -> l.startsWith("ROOT b ") && l.endsWith("delivered=" + delivered + " failed=0"));
    }
}
