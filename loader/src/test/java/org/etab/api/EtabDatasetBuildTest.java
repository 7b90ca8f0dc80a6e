package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.etab.datasets.camus.CamusRelease;
import org.etab.pipeline.PipelineOptions;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;

/**
 * {@link EtabDataset.Builder#build()} refuses what a load would refuse, naming the value, before any file is read.
 */
class EtabDatasetBuildTest {
    private static EtabDataset.Builder echonet() {
        return EtabDataset.builder()
                .root(PhantomDatasets.echonet())
                .frameL(16)
                .frameW(16)
                .threads(2);
    }

    @Test
    void aNativeFrameSizeIsRefusedWhenBuiltAsEtabHasNone() {
        // 0x0 is SampleOptions' native size: EchoNet gave 112x112 frames, CAMUS failed only when loading
        assertThatThrownBy(() -> echonet().frameL(0).frameW(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame size frameL x frameW must be two numbers in 1..4096 but was 0x0");
        Path camus = CamusPhantoms.camus(CamusRelease.MHD);
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("camus")
                        .root(camus)
                        .frameL(0)
                        .frameW(0)
                        .build())
                .hasMessageContaining("but was 0x0");
        assertThatThrownBy(() -> echonet().frameL(0).frameW(10).build()).hasMessageContaining("frame size");
    }

    @Test
    void threadsAreCheckedAgainstThePipelinesThatLoadWhenBuilt() {
        // the pipelines that load keep prefetch 2: 1023 threads used to fail only at loadData, naming a prefetch
        // nobody set
        assertThatThrownBy(() -> echonet().threads(EtabOptions.MAX_THREADS + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be 1..1022 but was 1023");
        assertThatThrownBy(() -> echonet().threads(5000).build()).hasMessage("threads must be 1..1022 but was 5000");
        assertThatThrownBy(() -> echonet().threads(0).build()).hasMessage("threads must be 1..1022 but was 0");
        assertThat(echonet().threads(EtabOptions.MAX_THREADS).build()).isNotNull();
        assertThat(PipelineOptions.builder()
                        .threads(EtabOptions.MAX_THREADS)
                        .build()
                        .threads())
                .isEqualTo(EtabOptions.MAX_THREADS);
        assertThatThrownBy(() -> PipelineOptions.builder()
                        .threads(EtabOptions.MAX_THREADS + 1)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownSplitIsRefusedWhenBuiltAndAKnownOneReadsBackInLowerCase() {
        assertThatThrownBy(() -> echonet().split("training").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split must be one of train, val, test, all (any case) but was 'training'");
        EtabDataset upper = echonet().split(" TRAIN ").build();
        assertThat(upper.split()).isEqualTo("train");
        assertThat(upper.loadData(0).data())
                .extracting(Item::id)
                .isEqualTo(echonet().split("train").build().loadData(0).data().stream()
                        .map(Item::id)
                        .toList());
        assertThat(echonet().split("All").build().split()).isEqualTo("all");
    }

    @Test
    void videoIsRefusedWhenBuiltForADatasetOfStillImages() {
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("tmed")
                        .root(TmedPhantoms.tmed())
                        .video(true)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("video(true) is not available for tmed: it has still images only");
        assertThat(EtabDataset.builder()
                        .name("tmed")
                        .root(TmedPhantoms.tmed())
                        .frameL(16)
                        .frameW(16)
                        .threads(2)
                        .build()
                        .loadData(2)
                        .data())
                .hasSize(2);
    }
}
