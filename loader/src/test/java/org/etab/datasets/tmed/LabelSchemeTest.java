package org.etab.datasets.tmed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.etab.api.Datasets;
import org.etab.api.EtabDataset;
import org.etab.api.Item;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;

/**
 * Every TMED-2 label scheme through the real loader on the phantom: each sample's code is checked against the
 * scheme's table below, the labels coming from the fold file read independently.
 */
class LabelSchemeTest {
    private static final Path ROOT = TmedPhantoms.tmed();

    /** The tables of docs/datasets.md, label by label. */
    private static final Map<String, Map<String, Integer>> CODES = Map.of(
            "view5", Map.of("PLAX", 0, "PSAX", 1, "A4C", 2, "A2C", 3, "A4CorA2CorOther", 4),
            "view5-a2c-first", Map.of("PLAX", 0, "PSAX", 1, "A2C", 2, "A4C", 3, "A4CorA2CorOther", 4),
            "view3", Map.of("PLAX", 0, "PSAX", 1, "A4C", 2, "A2C", 2, "A4CorA2CorOther", 2),
            "view2", Map.of("PLAX", 0, "PSAX", 1),
            "as3", Map.of("no_AS", 0, "mild_AS", 1, "mildtomod_AS", 1, "moderate_AS", 2, "severe_AS", 2),
            "as2", Map.of("no_AS", 0, "mild_AS", 1, "mildtomod_AS", 1, "moderate_AS", 1, "severe_AS", 1),
            "as5", Map.of("no_AS", 0, "mild_AS", 1, "mildtomod_AS", 2, "moderate_AS", 3, "severe_AS", 4));

    /** id -> {view_label, diagnosis_label} of the fold-0 file, by plain splitting. */
    private static Map<String, String[]> labels() {
        try {
            List<String> lines = Files.readAllLines(ROOT.resolve("TMED2_fold0_labeledpart.csv"));
            List<String> h = List.of(lines.get(0).split(",", -1));
            Map<String, String[]> rows = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                rows.put(
                        f[h.indexOf("query_key")].replace(".png", ""),
                        new String[] {f[h.indexOf("view_label")], f[h.indexOf("diagnosis_label")]});
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EtabDataset load(String target, String view, String scheme) {
        EtabDataset.Builder b = EtabDataset.builder()
                .name("tmed")
                .root(ROOT)
                .target(target)
                .view(view)
                .frameL(16)
                .frameW(16)
                .threads(2);
        if (scheme != null) {
            b.labelScheme(scheme);
        }
        return b.build().loadData(0);
    }

    /** Loads the target under {@code scheme}, checks every code against its table and returns the codes seen. */
    private static Set<Integer> checkCodes(String target, String view, String scheme) {
        Map<String, String[]> labels = labels();
        Map<String, Integer> table = CODES.get(scheme);
        EtabDataset d = load(target, view, scheme);
        assertThat(d.labelScheme()).isEqualTo(scheme);
        assertThat(d.failures()).isEmpty();
        assertThat(d.data()).hasSizeGreaterThan(10);
        Set<Integer> seen = new TreeSet<>();
        for (Item item : d.data()) {
            String label = labels.get(item.id())[target.equals("view") ? 0 : 1];
            assertThat(item.y().ints())
                    .as("%s of %s (%s)", scheme, item.id(), label)
                    .containsExactly(table.get(label));
            seen.add(item.y().ints()[0]);
        }
        return seen;
    }

    @Test
    void viewSchemesGiveTheirCodesForEveryLabel() {
        assertThat(checkCodes("view", "all", "view5")).containsExactly(0, 1, 2, 3, 4);
        assertThat(checkCodes("view", "all", "view5-a2c-first")).containsExactly(0, 1, 2, 3, 4);
        assertThat(checkCodes("view", "all", "view3")).containsExactly(0, 1, 2);
        assertThat(checkCodes("view", "PLAX+PSAX", "view2")).containsExactly(0, 1);
    }

    @Test
    void asSchemesGiveTheirCodesForEveryLabel() {
        assertThat(checkCodes("AS", "all", "as3")).containsExactly(0, 1, 2);
        assertThat(checkCodes("AS", "all", "as2")).containsExactly(0, 1);
        assertThat(checkCodes("AS", "all", "as5")).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void theDefaultsAreTheReleaseMapsAndNamed() {
        EtabDataset view = load("view", "all", null);
        EtabDataset view5 = load("view", "all", "VIEW5");
        assertThat(view.labelScheme()).isEqualTo("view5");
        assertThat(view.data().stream().map(i -> i.id() + i.y().ints()[0]).toList())
                .isEqualTo(
                        view5.data().stream().map(i -> i.id() + i.y().ints()[0]).toList());
        assertThat(load("AS", "all", null).labelScheme()).isEqualTo("as3");
        assertThat(new TmedProvider().labelSchemes(Target.VIEW))
                .containsExactly("view5", "view5-a2c-first", "view3", "view2");
        assertThat(new TmedProvider().labelSchemes(Target.AS)).containsExactly("as3", "as2", "as5");
        assertThat(EtabDataset.builder().name("camus").build().labelScheme()).isNull();
    }

    @Test
    void aSchemeForAnotherTargetOrDatasetIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("tmed")
                        .target("view")
                        .labelScheme("as3")
                        .build())
                .hasMessage("label scheme 'as3' is not available for tmed target 'view'; available: view5, "
                        + "view5-a2c-first, view3, view2 (the first is the default)");
        assertThatThrownBy(() ->
                        EtabDataset.builder().name("echonet").labelScheme("as3").build())
                .hasMessage(
                        "label scheme 'as3' does not apply to echonet target 'EF', which has one coding; label "
                                + "schemes exist for tmed view (view5, view5-a2c-first, view3, view2), tmed AS (as3, as2, as5)");
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("camus")
                        .target("view")
                        .labelScheme("view3")
                        .build())
                .hasMessageStartingWith("label scheme 'view3' does not apply to camus target 'view'");
        assertThatThrownBy(() -> SampleOptions.builder()
                        .target(Target.EF)
                        .labelScheme("as3")
                        .build())
                .hasMessage("label scheme 'as3' applies to the class targets view and AS, not 'EF'");
        SampleOptions camusView = SampleOptions.builder()
                .target(Target.VIEW)
                .video(false)
                .labelScheme("view2")
                .build();
        assertThatThrownBy(() -> Datasets.open("camus", ROOT, "all", camusView))
                .hasMessageStartingWith("label scheme 'view2' does not apply to camus target 'view'");
    }

    @Test
    void theTwoClassViewSchemeRefusesViewsItHasNoClassFor() {
        assertThatThrownBy(() -> load("view", "all", "view2"))
                .hasMessage("label scheme view2 has no class for A4C, A2C, A4CorA2CorOther: select view PLAX, PSAX or "
                        + "PLAX+PSAX, or another scheme");
        assertThat(load("view", "PSAX", "view2").data())
                .allSatisfy(i -> assertThat(i.y().ints()).containsExactly(1));
    }
}
