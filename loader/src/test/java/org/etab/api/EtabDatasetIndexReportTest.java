package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.etab.source.IndexProblem;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a load says about the index: the rows it left out, the selection's own apart, and the label coding. */
class EtabDatasetIndexReportTest {

    @Test
    void rowsTheIndexLeavesOutAreReportedAndTheSelectionsOwnAreTold(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("echonet");
        Trees.copy(PhantomDatasets.echonet(), root);
        Path fileList = root.resolve("FileList.csv");
        Files.writeString(
                fileList,
                Files.readString(fileList).stripTrailing()
                        + "\nBADTRAIN,50,10,20,112,112,fast,100,TRAIN\nBADTEST,50,10,20,112,112,fast,100,TEST\n");
        EtabDataset train =
                EtabDataset.builder().root(root).frameL(8).frameW(8).threads(2).build();
        assertThat(train.problems()).isEmpty(); // before the first load
        assertThat(train.rejected()).isEmpty();
        train.loadData(2);
        assertThat(train.data()).hasSize(2);
        assertThat(train.problems()).extracting(IndexProblem::id).contains("BADTRAIN", "BADTEST");
        assertThat(train.rejected()).extracting(IndexProblem::id).containsExactly("BADTRAIN"); // ETAB reads TRAIN
        assertThat(train.rejected().get(0).reason()).contains("fast");
    }

    @Test
    void theLabelSchemeIsTheOneNamedOrTheDatasetsFirstAndNoneForATargetWithOneCoding() {
        assertThat(EtabDataset.builder().name("tmed").target("view").build().labelScheme())
                .isEqualTo("view5");
        assertThat(EtabDataset.builder()
                        .name("tmed")
                        .target("AS")
                        .labelScheme("AS2")
                        .build()
                        .labelScheme())
                .isEqualTo("as2");
        assertThat(EtabDataset.builder().name("echonet").build().labelScheme()).isNull();
    }

    @Test
    void aLabelSchemeWithoutAClassForTheViewIsRefusedByBuildNotByTheLoad() {
        // view2 codes PLAX and PSAX only; build() used to accept 4CH with it and loadData refused (found by
        // EtabRandomOptionsTest)
        for (String view : new String[] {"4CH", "A2C", "all"}) {
            EtabDataset.Builder b =
                    EtabDataset.builder().name("tmed").target("view").view(view).labelScheme("view2");
            assertThatThrownBy(b::build)
                    .as(view)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("label scheme view2 has no class for ")
                    .hasMessageEndingWith(": select view PLAX, PSAX or PLAX+PSAX, or another scheme");
        }
        assertThat(EtabDataset.builder()
                        .name("tmed")
                        .target("view")
                        .view("PL")
                        .labelScheme("view2")
                        .build()
                        .labelScheme())
                .isEqualTo("view2");
    }
}
