package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.etab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.etab.cli.EtabCliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summary lists the first 10 failures; its last line says where the others are: the {@code --report} file the
 * run was given, else how to ask for one. {@code demo} has no {@code --report}, so it names none (it used to print
 * bench's "--report FILE" hint there too).
 */
class FailureSummaryTest {

    @Test
    void theLineAfterTheFirstTenFailuresNamesTheReportGivenOrNoneForDemo(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("echonet");
        Run synth = etab(line("synth --dataset echonet --out %s --videos 16 --seed 1 --quiet", data));
        assertThat(synth.code()).as(synth.err()).isZero();
        try (Stream<Path> videos = Files.list(data.resolve("Videos"))) {
            for (Path v : videos.toList()) {
                Files.write(v, new byte[100]); // no video opens: 16 failures
            }
        }
        Path report = tmp.resolve("r.csv");
        Run given = etab(line("bench --root %s --split all --device cpu --report %s", data, report));
        assertThat(given.code()).as(given.err()).isZero();
        assertThat(given.err().lines()).contains("  ... and 6 more (--report " + report + " lists every one)");
        assertThat(Files.readAllLines(report)).hasSize(1 + 16);

        Run none = etab(line("bench --root %s --split all --device cpu", data));
        assertThat(none.err().lines()).contains("  ... and 6 more (--report FILE lists every one)");

        Path exportReport = tmp.resolve("export.csv");
        Run export =
                etab(line("export --root %s --split all --out %s --report %s", data, tmp.resolve("npy"), exportReport));
        assertThat(export.err().lines()).contains("  ... and 6 more (--report " + exportReport + " lists every one)");

        Run demo = etab(line("demo --root %s --out %s --epochs 1 --device cpu", data, tmp.resolve("pictures")));
        assertThat(demo.code()).as(demo.err()).isZero();
        assertThat(demo.err().lines())
                .filteredOn(l -> l.startsWith("  ... and "))
                .singleElement()
                .asString()
                .matches("  \\.\\.\\. and \\d+ more");
        assertThat(demo.err()).doesNotContain("--report");
    }
}
