package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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
        EtabCliTest.Run synth = EtabCliTest.etab(
                "synth", "--dataset", "echonet", "--out", data.toString(), "--videos", "16", "--seed", "1", "--quiet");
        assertThat(synth.code()).as(synth.err()).isZero();
        try (Stream<Path> videos = Files.list(data.resolve("Videos"))) {
            for (Path v : videos.toList()) {
                Files.write(v, new byte[100]); // no video opens: 16 failures
            }
        }
        Path report = tmp.resolve("r.csv");
        EtabCliTest.Run given = EtabCliTest.etab(
                "bench", "--root", data.toString(), "--split", "all", "--device", "cpu", "--report", report.toString());
        assertThat(given.code()).as(given.err()).isZero();
        assertThat(given.err().lines()).contains("  ... and 6 more (--report " + report + " lists every one)");
        assertThat(Files.readAllLines(report)).hasSize(1 + 16);

        EtabCliTest.Run none =
                EtabCliTest.etab("bench", "--root", data.toString(), "--split", "all", "--device", "cpu");
        assertThat(none.err().lines()).contains("  ... and 6 more (--report FILE lists every one)");

        Path exportReport = tmp.resolve("export.csv");
        EtabCliTest.Run export = EtabCliTest.etab(
                "export",
                "--root",
                data.toString(),
                "--split",
                "all",
                "--out",
                tmp.resolve("npy").toString(),
                "--report",
                exportReport.toString());
        assertThat(export.err().lines()).contains("  ... and 6 more (--report " + exportReport + " lists every one)");

        EtabCliTest.Run demo = EtabCliTest.etab(
                "demo",
                "--root",
                data.toString(),
                "--out",
                tmp.resolve("pictures").toString(),
                "--epochs",
                "1",
                "--device",
                "cpu");
        assertThat(demo.code()).as(demo.err()).isZero();
        assertThat(demo.err().lines())
                .filteredOn(l -> l.startsWith("  ... and "))
                .singleElement()
                .asString()
                .matches("  \\.\\.\\. and \\d+ more");
        assertThat(demo.err()).doesNotContain("--report");
    }
}
