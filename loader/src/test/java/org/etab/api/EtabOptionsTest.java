package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.etab.batch.DType;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.ClipLayout;
import org.etab.source.DatasetRegistry;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;
import org.junit.jupiter.api.Test;

/** ETAB's options turned into the source layer's: sample options per load kind, the directory, a changed copy. */
class EtabOptionsTest {

    /** TMED-2's view task as the builder would resolve it, with the builder's other values. */
    private static EtabOptions tmed(EtabDataset.Builder b) {
        return new EtabOptions(b, DatasetRegistry.get("tmed"), Target.VIEW, "PLAX+PSAX", "view3");
    }

    @Test
    void aRandomLoadShufflesAndStartsClipsAnywhereAnOrderedOneStartsAtFrameZero() {
        EtabOptions clips =
                tmed(EtabDataset.builder().video(true).clipL(4).fps(25).padding(true));
        SampleOptions random = clips.sampleOptions(true);
        SampleOptions ordered = clips.sampleOptions(false);
        assertThat(random.shuffle()).isTrue();
        assertThat(random.clip()).isEqualTo(new ClipSpec(true, 4, 25, true, ClipStart.RANDOM));
        assertThat(ordered.shuffle()).isFalse();
        assertThat(ordered.clip()).isEqualTo(new ClipSpec(true, 4, 25, true, ClipStart.FIRST));
        // single frames ignore the clip settings whichever the order
        EtabOptions frames = tmed(EtabDataset.builder().clipL(4).fps(25));
        assertThat(frames.sampleOptions(true).clip()).isEqualTo(ClipSpec.frame());
        assertThat(frames.sampleOptions(false).clip()).isEqualTo(ClipSpec.frame());
    }

    @Test
    void sampleOptionsCarryTheBuildersValuesAsFloats() {
        SampleOptions o = tmed(EtabDataset.builder()
                        .frameL(20)
                        .frameW(12)
                        .channels(1)
                        .normalize(false)
                        .seed(9)
                        .resize(ResizeFilter.NEAREST)
                        .layout(ClipLayout.CTHW))
                .sampleOptions(false);
        assertThat(o.target()).isEqualTo(Target.VIEW);
        assertThat(o.frameHeight()).isEqualTo(20);
        assertThat(o.frameWidth()).isEqualTo(12);
        assertThat(o.channels()).isEqualTo(1);
        assertThat(o.normalize()).isFalse();
        assertThat(o.seed()).isEqualTo(9);
        assertThat(o.labelScheme()).isEqualTo("view3");
        assertThat(o.layout()).isEqualTo(ClipLayout.CTHW);
        assertThat(o.dtype()).isEqualTo(DType.FLOAT32);
        // the filter given, its antialiasing left to ETAB's for the dataset (none: ETAB has no TMED-2 loader)
        assertThat(o.resampling()).isEqualTo(new Resampling(ResizeFilter.NEAREST, Resampling.DEFAULT.antialias()));
    }

    @Test
    void aFoldIsCheckedAgainstTheDatasetsFoldsWhenBuilt() {
        assertThatThrownBy(() -> EtabDataset.builder().name("echonet").fold(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fold 1: echonet has no folds (fold 0 only)");
        assertThatThrownBy(() -> EtabDataset.builder().name("tmed").fold(3).build())
                .hasMessage("fold must be 0..2 for tmed but was 3");
        assertThatThrownBy(() -> EtabDataset.builder().name("camus").fold(-1).build())
                .hasMessage("fold -1: camus has no folds (fold 0 only)");
        assertThat(EtabDataset.builder().name("tmed").fold(2).build().toBuilder()
                        .build())
                .isNotNull();
    }

    @Test
    void impossibleSizesFailWhenSampleOptionsAreMade() {
        EtabOptions tooSmall = tmed(EtabDataset.builder().frameL(0));
        assertThatThrownBy(() -> tooSmall.sampleOptions(true)).hasMessageContaining("frame size");
    }

    @Test
    void theDirectoryIsTheRootGivenElseTheDatasetsEnvironmentVariable() {
        Path given = Path.of("/data/given");
        assertThat(tmed(EtabDataset.builder().root(given)).directory(Map.of("ETAB_TMED_DIR", "/data/env")))
                .isEqualTo(given);
        EtabOptions configured = tmed(EtabDataset.builder());
        assertThat(configured.directory(Map.of("ETAB_TMED_DIR", "/data/env"))).isEqualTo(Path.of("/data/env"));
        assertThatThrownBy(() -> configured.directory(Map.of("ETAB_ECHONET_DIR", "/data/env")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no directory for tmed: call root(...) or set ETAB_TMED_DIR");
    }

    @Test
    void toBuilderGivesTheValuesAsGivenAndACopyForAnotherTargetOrDatasetResolvesItsOwn() {
        EtabOptions camus =
                EtabOptions.of(EtabDataset.builder().name("camus").seed(5).strict(true));
        EtabDataset.Builder copy = camus.toBuilder();
        assertThat(copy.name).isEqualTo("camus");
        assertThat(copy.target).isNull(); // left to the dataset, as given
        assertThat(copy.view).isNull();
        assertThat(copy.split).isNull();
        assertThat(copy.resize).isNull();
        assertThat(copy.antialias).isNull();
        assertThat(copy.seed).isEqualTo(5);
        assertThat(copy.strict).isTrue();
        assertThat(copy.labelScheme).isNull();

        // TMED-2: the view target's scheme and view are not carried over to AS
        EtabDataset tmedAs = EtabDataset.builder().name("tmed").build().toBuilder()
                .target("AS")
                .build();
        EtabDataset freshAs = EtabDataset.builder().name("tmed").target("AS").build();
        assertThat(tmedAs.labelScheme()).isEqualTo(freshAs.labelScheme());
        assertThat(tmedAs.view()).isEqualTo(freshAs.view());
        // EchoNet to CAMUS: CAMUS's own split, view and resize
        EtabDataset toCamus = EtabDataset.builder().name("echonet").build().toBuilder()
                .name("camus")
                .build();
        EtabDataset freshCamus = EtabDataset.builder().name("camus").build();
        assertThat(toCamus.split()).isEqualTo(freshCamus.split());
        assertThat(toCamus.view()).isEqualTo(freshCamus.view());
        assertThat(toCamus.resampling()).isEqualTo(freshCamus.resampling());
        // what was given stays given
        EtabDataset given =
                EtabDataset.builder().name("echonet").view("A4").split("all").build();
        assertThat(given.toBuilder().frameL(64).build())
                .satisfies(d -> assertThat(d.view()).isEqualTo("AP4CH"))
                .satisfies(d -> assertThat(d.split()).isEqualTo("all"));
    }

    @Test
    void etabResizesEchonetBicubicCamusBilinearAndOthersWithThePipelinesDefault() {
        assertThat(DatasetRegistry.get("echonet").etabResampling())
                .isEqualTo(new Resampling(ResizeFilter.BICUBIC, true));
        assertThat(DatasetRegistry.get("camus").etabResampling())
                .isEqualTo(new Resampling(ResizeFilter.BILINEAR, true));
        assertThat(DatasetRegistry.get("tmed").etabResampling()).isEqualTo(Resampling.DEFAULT);
    }
}
