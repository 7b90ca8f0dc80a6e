package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.etab.datasets.camus.CamusRelease;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.Target;
import org.etab.storage.HttpStoreOptions;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

/** The facade the CLI opens datasets through: names, targets, views and folds checked, a URL root where one can be. */
class DatasetsTest {
    private static SampleOptions stills(Target target) {
        return SampleOptions.builder()
                .target(target)
                .video(false)
                .frameSize(16, 16)
                .build();
    }

    @Test
    void namesAndTargetsAreTheRegistrysAnyCase() {
        assertThat(Datasets.names()).isEqualTo(DatasetRegistry.names()).contains("echonet", "camus", "tmed");
        assertThat(Datasets.targets("CAMUS"))
                .isEqualTo(DatasetRegistry.get("camus").targets());
        assertThat(Datasets.defaultTarget("echonet")).isEqualTo(Target.EF);
        assertThat(Datasets.defaultTarget("Tmed")).isEqualTo(Target.VIEW); // TMED-2 has no EF
        assertThat(Datasets.target("camus", "lv_seg")).isEqualTo(Target.LV_SEG);
        assertThatThrownBy(() -> Datasets.targets("echonet-pediatric"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataset 'echonet-pediatric' is not supported; available: "
                        + String.join(", ", DatasetRegistry.names()));
    }

    @Test
    void aSplitOpensWithTheDefaultViewAndFoldZeroAndAViewInEtabsSpellingSelectsTheSame() {
        SampleOptions o = stills(Target.EF);
        try (OpenedDataset plain = Datasets.open("echonet", PhantomDatasets.echonet(), "all", o);
                OpenedDataset etab = Datasets.open("EchoNet", PhantomDatasets.echonet(), "all", "A4CH", 0, o)) {
            assertThat(plain.records()).isEqualTo(PhantomDatasets.ECHONET_VIDEOS);
            assertThat(etab.source().plan(0))
                    .extracting(SamplePlan::id)
                    .isEqualTo(
                            plain.source().plan(0).stream().map(SamplePlan::id).toList());
        }
        assertThatThrownBy(() -> Datasets.open("echonet", PhantomDatasets.echonet(), "all", "PLAX", 0, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("view 'PLAX' is not available for echonet; available: ");
        assertThatThrownBy(() -> Datasets.open("echonet", PhantomDatasets.echonet(), "all", null, 1, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fold 1: echonet has no folds (fold 0 only)");
        assertThatThrownBy(() -> Datasets.openNative("echonet", PhantomDatasets.echonet(), "all", null, 1, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fold 1: echonet has no folds (fold 0 only)");
    }

    @Test
    void nativeSizesOpenOneGroupPerSizeThatTogetherHoldTheSelection() {
        SampleOptions o = SampleOptions.builder()
                .target(Target.LV_SEG)
                .video(false)
                .frameSize(0, 0)
                .build();
        List<OpenedDataset> groups =
                Datasets.openNative("camus", CamusPhantoms.camus(CamusRelease.MHD), "all", "AP4CH", 0, o);
        try {
            assertThat(groups).hasSizeGreaterThan(1); // the phantom's patients have several image sizes
            Set<List<Integer>> sizes = new HashSet<>();
            int records = 0;
            for (OpenedDataset g : groups) {
                int[] shape = g.source().labels().shape();
                assertThat(sizes.add(List.of(shape[0], shape[1])))
                        .as("one group per size")
                        .isTrue();
                records += g.records();
            }
            try (OpenedDataset all = Datasets.open(
                    "camus", CamusPhantoms.camus(CamusRelease.MHD), "all", "AP4CH", 0, stills(Target.LV_SEG))) {
                assertThat(records).isEqualTo(all.records());
            }
        } finally {
            groups.forEach(OpenedDataset::close);
        }
    }

    @Test
    void aUrlRootIsForTheDatasetsThatReadOneAndOthersAreToldWhich() {
        HttpStoreOptions store = HttpStoreOptions.builder().build();
        assertThatThrownBy(() -> Datasets.openRemote(
                        "camus", URI.create("http://127.0.0.1:9/camus/"), store, "all", null, stills(Target.EF)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a URL root is supported for echonet; camus needs a local directory");
    }
}
