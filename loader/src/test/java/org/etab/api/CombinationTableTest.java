package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.camus.CamusRelease;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dataset x target x video of the table in docs/datasets.md: what each gives (shapes and dtypes, one sample
 * through the real pipeline) or the exact error.
 */
class CombinationTableTest {
    private static final int H = 32;
    private static final int W = 24;
    private static final int T = 4;

    /** The label each available target declares (same for stills and clips). */
    private static final Map<Target, String> LABELS = Map.of(
            Target.EF,
            "float32[1]",
            Target.CM,
            "int32[1]",
            Target.ES_ED,
            "int32[2]",
            Target.LV_SEG,
            "uint8[" + H + ", " + W + "]",
            Target.LA_SEG,
            "uint8[" + H + ", " + W + "]",
            Target.MY_SEG,
            "uint8[" + H + ", " + W + "]",
            Target.VIEW,
            "int32[1]",
            Target.AS,
            "int32[1]");

    static List<Arguments> table() {
        List<Arguments> rows = new java.util.ArrayList<>();
        for (String dataset : List.of("echonet", "camus", "tmed")) {
            for (Target target : Target.values()) {
                for (boolean video : new boolean[] {false, true}) {
                    rows.add(Arguments.of(dataset, target, video));
                }
            }
        }
        return rows;
    }

    private static Path root(String dataset) {
        return switch (dataset) {
            case "echonet" -> PhantomDatasets.echonet();
            case "camus" -> CamusPhantoms.camus(CamusRelease.NIFTI);
            default -> TmedPhantoms.tmed();
        };
    }

    @ParameterizedTest(name = "{0} {1} video={2}")
    @MethodSource("table")
    void eachCombinationGivesItsShapesOrTheExactError(String dataset, Target target, boolean video) {
        List<Target> offered = Datasets.targets(dataset);
        if (!offered.contains(target)) {
            String available =
                    String.join(", ", offered.stream().map(Target::etabName).toList());
            assertThatThrownBy(() -> Datasets.target(dataset, target.etabName()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("target '" + target.etabName() + "' is not available for " + dataset + "; available: "
                            + available);
            return;
        }
        ClipSpec clip = video ? new ClipSpec(true, T, 0, true, ClipStart.FIRST) : ClipSpec.frame();
        SampleOptions o = SampleOptions.builder()
                .target(target)
                .clip(clip)
                .frameSize(H, W)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(1)
                .shuffle(false)
                .build();
        if (dataset.equals("tmed") && video) {
            assertThatThrownBy(() -> Datasets.open(dataset, root(dataset), "all", o))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("TMED-2 has still images only: video=true is not available");
            return;
        }
        OpenedDataset opened = Datasets.open(dataset, root(dataset), "all", o);
        int[] x = video ? new int[] {3, T, H, W} : new int[] {3, H, W};
        assertThat(opened.source().features().shape()).containsExactly(x);
        assertThat(opened.source().features().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(opened.source().labels().toString()).isEqualTo(LABELS.get(target));
        try (Pipeline p = new Pipeline(
                opened.source(),
                PipelineOptions.builder().batchSize(2).threads(1).limit(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    assertThat(b.size()).isEqualTo(2);
                    assertThat(b.features().spec().shape()).containsExactly(x);
                    float[] f = b.features().slotFloats(1);
                    assertThat(Arrays.stream(new int[] {0, f.length / 2, f.length - 1})
                                    .mapToDouble(i -> f[i]))
                            .allMatch(Double::isFinite);
                }
            }
            assertThat(p.account().delivered())
                    .as(p.account().failures().toString())
                    .isEqualTo(2);
        }
    }
}
