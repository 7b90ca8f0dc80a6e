package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.etab.datasets.camus.CamusRelease;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;

/**
 * {@link DatasetProvider#open} as its Javadoc promises it to a caller that uses a provider directly (as the
 * interface's own example does, not through {@link Datasets}): a fold outside {@code 0..folds() - 1} "is refused
 * rather than ignored" ({@link DatasetProvider#folds()}) with an {@link IllegalArgumentException}, and so is a label
 * scheme the target does not have ("the dataset checks the name when it is opened", {@link SampleOptions}).
 */
class ProviderOpenChecksTest {
    private static final Map<String, Path> ROOTS = Map.of(
            "echonet", PhantomDatasets.echonet(),
            "camus", CamusPhantoms.camus(CamusRelease.MHD),
            "tmed", TmedPhantoms.tmed());

    private static SampleOptions options(DatasetProvider p) {
        return SampleOptions.builder()
                .target(p.defaultTarget())
                .video(p.videoByDefault())
                .frameSize(16, 16)
                .build();
    }

    @Test
    void aFoldTheDatasetDoesNotHaveIsRefusedNamingIt() {
        for (String name : ROOTS.keySet()) {
            DatasetProvider p = DatasetRegistry.get(name);
            Path root = ROOTS.get(name);
            SampleOptions o = options(p);
            for (int fold : new int[] {-1, p.folds(), 99}) {
                assertThatThrownBy(() -> p.open(root, "all", null, fold, o).close())
                        .as(name + " fold " + fold)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("fold")
                        .hasMessageContaining(name);
                assertThatThrownBy(
                                () -> p.openNative(root, "all", null, fold, o).forEach(OpenedDataset::close))
                        .as(name + " native, fold " + fold)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("fold");
            }
            for (int fold = 0; fold < p.folds(); fold++) {
                try (OpenedDataset d = p.open(root, "all", null, fold, o)) {
                    assertThat(d.records()).as(name + " fold " + fold).isPositive();
                }
            }
        }
    }

    @Test
    void aLabelSchemeForATargetWithOneCodingIsRefusedByTheDatasetNotIgnored() {
        DatasetProvider camus = DatasetRegistry.get("camus");
        assertThat(camus.labelSchemes(Target.VIEW)).isEmpty();
        SampleOptions view = SampleOptions.builder()
                .target(Target.VIEW)
                .video(false)
                .frameSize(16, 16)
                .labelScheme("view5")
                .build();
        Path root = ROOTS.get("camus");
        assertThatThrownBy(() -> camus.open(root, "all", null, 0, view).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label scheme 'view5' does not apply to camus target 'view'");
        assertThatThrownBy(() -> camus.openNative(root, "all", null, 0, view).forEach(OpenedDataset::close))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label scheme 'view5'");
        // the same refusal Datasets.open gave already
        assertThatThrownBy(() -> Datasets.open("camus", root, "all", view).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label scheme 'view5' does not apply to camus target 'view'");
    }
}
