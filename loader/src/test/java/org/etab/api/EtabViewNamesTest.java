package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.etab.datasets.camus.CamusRelease;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;

/** ETAB's view spellings (A4CH, A4, 4CH, PL, ...) select the same records as the datasets' own names. */
class EtabViewNamesTest {

    private static List<String> ids(String dataset, Path root, String view, Target target) {
        SampleOptions o = SampleOptions.builder().target(target).video(false).build();
        try (OpenedDataset d = Datasets.open(dataset, root, "train", view, 0, o)) {
            return d.source().plan(0).stream().map(p -> p.id()).toList();
        }
    }

    @Test
    void etabsDefaultViewA4chWorksOnEchoNetAndCamus() {
        Path echonet = PhantomDatasets.echonet();
        assertThat(ids("echonet", echonet, "A4CH", Target.EF))
                .isNotEmpty()
                .isEqualTo(ids("echonet", echonet, "AP4CH", Target.EF));
        EtabDataset d = EtabDataset.builder()
                .name("echonet")
                .root(echonet)
                .view("A4CH")
                .threads(2)
                .build();
        assertThat(d.view()).isEqualTo("AP4CH");
        assertThat(d.loadData(2, false).data()).hasSize(2);

        Path camus = CamusPhantoms.camus(CamusRelease.MHD);
        List<String> four = ids("camus", camus, "AP4CH", Target.EF);
        assertThat(four).isNotEmpty().allSatisfy(id -> assertThat(id).endsWith("_4CH"));
        for (String v : new String[] {"A4CH", "A4", "4CH"}) {
            assertThat(ids("camus", camus, v, Target.EF)).as(v).isEqualTo(four);
        }
        List<String> two = ids("camus", camus, "AP2CH", Target.EF);
        assertThat(two).isNotEmpty().allSatisfy(id -> assertThat(id).endsWith("_2CH"));
        for (String v : new String[] {"A2CH", "A2", "2CH"}) {
            assertThat(ids("camus", camus, v, Target.EF)).as(v).isEqualTo(two);
        }
    }

    @Test
    void tmedBenchmarkCodesPlAndPsSelectPlaxAndPsax() {
        Path tmed = TmedPhantoms.tmed();
        assertThat(ids("tmed", tmed, "PL", Target.AS)).isNotEmpty().isEqualTo(ids("tmed", tmed, "PLAX", Target.AS));
        assertThat(ids("tmed", tmed, "PS", Target.AS)).isNotEmpty().isEqualTo(ids("tmed", tmed, "PSAX", Target.AS));
        assertThat(ids("tmed", tmed, "PL+PS", Target.VIEW)).isEqualTo(ids("tmed", tmed, "PLAX+PSAX", Target.VIEW));
    }

    @Test
    void aViewTheDatasetLacksIsRefusedInBuildNamingTheSpellings() {
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("echonet")
                        .root(PhantomDatasets.echonet())
                        .view("A2CH")
                        .build())
                .hasMessageStartingWith("view 'A2CH' is not available for echonet; available: AP4CH")
                .hasMessageContaining("AP4CH (or A4CH, A4, 4CH, A4C)");
    }

    private static EtabDataset echonet(String view) {
        return EtabDataset.builder()
                .root(PhantomDatasets.echonet())
                .view(view)
                .frameL(16)
                .frameW(16)
                .threads(2)
                .build();
    }

    @Test
    void aViewReadsBackAsTheDatasetSpellsIt() {
        assertThat(echonet("ALL").view()).isEqualTo("all");
        assertThat(EtabDataset.builder().name("camus").view("Both").build().view())
                .isEqualTo("both");
        assertThat(EtabDataset.builder().name("tmed").view(" BOTH ").build().view())
                .isEqualTo("both");
        assertThat(EtabDataset.builder().name("tmed").view("pl+ps").build().view())
                .isEqualTo("PLAX+PSAX");
        assertThat(EtabDataset.builder().name("camus").view("a2c").build().view())
                .isEqualTo("AP2CH");
        // "ALL" selects what "all" selects
        assertThat(echonet("ALL").loadData(0).data())
                .extracting(Item::id)
                .isEqualTo(
                        echonet("all").loadData(0).data().stream().map(Item::id).toList());
    }
}
