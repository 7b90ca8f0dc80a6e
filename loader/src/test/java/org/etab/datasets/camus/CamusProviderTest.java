package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry learns from CAMUS's provider: its views and their aliases, its one fold, its phantom's knob. */
class CamusProviderTest {
    private final CamusProvider camus = new CamusProvider();
    private final SampleOptions stills =
            SampleOptions.builder().target(Target.LV_SEG).video(false).build();

    @Test
    void theViewsAreTheTwoApicalOnesAndBothWithTheReadersAliases() {
        assertThat(camus.views()).containsExactly("AP2CH", "AP4CH", "both");
        for (Target t : camus.targets()) {
            assertThat(camus.defaultView(t)).as(t.etabName()).isEqualTo("both");
        }
        for (String view : List.of("AP2CH", "2ch", "A2C", "ap4ch", "4CH", "A4C", "both", "ALL", " both ")) {
            assertThat(camus.acceptsView(view)).as(view).isTrue();
        }
        for (String view : List.of("PLAX", "PSAX", "AP3CH", "", "2 CH")) {
            assertThat(camus.acceptsView(view)).as(view).isFalse();
        }
        // ETAB's CAMUS loader: torchvision's Resize on a PIL image
        assertThat(camus.etabResampling()).isEqualTo(new Resampling(ResizeFilter.BILINEAR, true));
    }

    @Test
    void aFoldOtherThanZeroIsRefusedBeforeAnyFileIsRead(@TempDir Path empty) {
        // the root holds nothing: reading it would fail on a missing file, not on the fold
        for (int fold : new int[] {1, -1}) {
            assertThatThrownBy(() -> camus.open(empty, "all", null, fold, stills))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fold " + fold + ": camus has no folds (fold 0 only)");
            assertThatThrownBy(() -> camus.openNative(empty, "all", null, fold, stills))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fold " + fold + ": camus has no folds (fold 0 only)");
        }
    }

    @Test
    void aLabelSchemeIsRefusedBeforeAnyFileIsRead(@TempDir Path empty) {
        SampleOptions view = SampleOptions.builder()
                .target(Target.VIEW)
                .video(false)
                .labelScheme("view5")
                .build();
        assertThatThrownBy(() -> camus.open(empty, "all", null, 0, view))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "label scheme 'view5' does not apply to camus target 'view', which has one coding");
        assertThatThrownBy(() -> camus.openNative(empty, "all", null, 0, view))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("label scheme 'view5' does not apply to camus");
    }

    @Test
    void noViewMeansBothAndAnAliasSelectsItsView() {
        Path root = CamusPhantoms.camus(CamusRelease.NIFTI);
        int both;
        try (OpenedDataset all = camus.open(root, "all", null, 0, stills)) {
            both = all.records();
        }
        int two;
        try (OpenedDataset opened = camus.open(root, "all", "A2C", 0, stills)) {
            two = opened.records();
        }
        int four;
        try (OpenedDataset opened = camus.open(root, "all", "4ch", 0, stills)) {
            four = opened.records();
        }
        assertThat(two).isPositive();
        assertThat(four).isPositive();
        assertThat(two + four).isEqualTo(both);
    }

    @Test
    void thePhantomsReleaseKnobIsMhdOrNifti(@TempDir Path dir) throws IOException {
        var mhd = camus.phantom().write(dir.resolve("mhd"), 1, 3, Map.of("release", " MHD "), n -> {});
        assertThat(CamusReader.read(mhd.root()).select("all", "both")).isNotEmpty();
        assertThat(mhd.summary()).startsWith("1 patients (MHD release), ");
        assertThatThrownBy(() -> camus.phantom().write(dir.resolve("bad"), 1, 3, Map.of("release", "dicom"), n -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("release must be mhd or nifti but was 'dicom'");
    }
}
