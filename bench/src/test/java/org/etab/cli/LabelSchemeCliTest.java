package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.concat;
import static org.etab.cli.CommandLines.line;
import static org.etab.cli.EtabCliTest.etab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.etab.cli.EtabCliTest.Run;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --label-scheme}: the codes in {@code etab export}'s manifest, the scheme recorded, refusals up front. */
class LabelSchemeCliTest {
    private static final String OLD_HEADER = "id,source_id,x,y,epoch,position,source_frames,valid_frames,label";

    /** id -> diagnosis_label of the TMED phantom's fold-0 file, by plain splitting. */
    private static Map<String, String> diagnoses() throws IOException {
        List<String> lines = Files.readAllLines(TmedPhantoms.tmed().resolve("TMED2_fold0_labeledpart.csv"));
        List<String> h = List.of(lines.get(0).split(",", -1));
        Map<String, String> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            out.put(f[h.indexOf("query_key")].replace(".png", ""), f[h.indexOf("diagnosis_label")]);
        }
        return out;
    }

    private static Run exportTmed(Path out, String... more) {
        return etab(concat(
                line(
                        "export --dataset tmed --root %s --split all --target AS --frame-size 8x8 --out %s --quiet",
                        TmedPhantoms.tmed(), out),
                more));
    }

    @Test
    void theManifestHoldsTheSchemesCodesAndNamesTheScheme(@TempDir Path dir) throws IOException {
        Map<String, String> diagnosis = diagnoses();
        Map<String, Integer> as5 =
                Map.of("no_AS", 0, "mild_AS", 1, "mildtomod_AS", 2, "moderate_AS", 3, "severe_AS", 4);
        Run r = exportTmed(dir.resolve("as5"), "--label-scheme", "as5");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> manifest = Files.readAllLines(dir.resolve("as5/manifest.csv"));
        assertThat(manifest.get(0)).isEqualTo(OLD_HEADER + ",label_scheme");
        assertThat(manifest).hasSizeGreaterThan(10);
        for (String row : manifest.subList(1, manifest.size())) {
            String[] f = row.split(",", -1);
            assertThat(f[8]).as(row).isEqualTo(Integer.toString(as5.get(diagnosis.get(f[0]))));
            assertThat(f[9]).isEqualTo("as5");
        }
        // the default is named too: as3
        Run d = exportTmed(dir.resolve("default"));
        assertThat(d.code()).as(d.err()).isZero();
        List<String> byDefault = Files.readAllLines(dir.resolve("default/manifest.csv"));
        assertThat(byDefault.get(0)).isEqualTo(OLD_HEADER + ",label_scheme");
        assertThat(byDefault.subList(1, byDefault.size()))
                .allSatisfy(row -> assertThat(row).endsWith(",as3"));
    }

    @Test
    void aTargetWithoutSchemesKeepsTheManifestAsItWas(@TempDir Path out) throws IOException {
        Run r = etab(line(
                "export --dataset echonet --root %s --target EF --video false --frame-size 8x8"
                        + " --limit 2 --out %s --quiet",
                PhantomDatasets.echonet(), out));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("manifest.csv")).get(0)).isEqualTo(OLD_HEADER);
    }

    @Test
    void aSchemeTheTargetDoesNotHaveIsRefusedBeforeAnyWork(@TempDir Path out) {
        Run wrongTarget = exportTmed(out.resolve("a"), "--label-scheme", "view3");
        assertThat(wrongTarget.code()).isNotZero();
        assertThat(wrongTarget.err())
                .contains("label scheme 'view3' is not available for tmed target 'AS'; "
                        + "available: as3, as2, as5 (the first is the default)");
        assertThat(out.resolve("a")).doesNotExist();
        Run echonet =
                etab(line("bench --dataset echonet --root %s --label-scheme as2 --quiet", PhantomDatasets.echonet()));
        assertThat(echonet.code()).isNotZero();
        assertThat(echonet.err()).contains("label scheme 'as2' does not apply to echonet target 'EF'");
        assertThat(echonet.out()).doesNotContain("RESULT");
    }
}
