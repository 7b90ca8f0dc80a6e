package org.etab.datasets.raw8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.etab.api.Datasets;
import org.etab.api.EtabDataset;
import org.etab.api.Item;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.config.EtabConfig;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset that is only a package and a {@code META-INF/services} line works end to end: found by name, its
 * phantom written through the registry, opened, planned, delivered by a {@link Pipeline}, loaded through
 * {@link EtabDataset}, and its directory found by config key and environment variable.
 */
class FourthDatasetTest {
    private static final int IMAGES = 6;

    @TempDir
    static Path dir;

    private static Path root;
    private static DatasetPhantom.Written written;
    private static final AtomicInteger STEPS = new AtomicInteger();

    @BeforeAll
    static void writePhantomThroughTheRegistry() throws IOException {
        root = dir.resolve("raw8");
        written = DatasetRegistry.get("raw8").phantom().write(root, IMAGES, 5, Map.of(), n -> STEPS.incrementAndGet());
    }

    @Test
    void registeredByItsServicesLineAlone() {
        assertThat(DatasetRegistry.names()).contains("raw8", "echonet", "camus", "tmed");
        DatasetProvider raw8 = DatasetRegistry.get(" RAW8 ");
        assertThat(raw8).isInstanceOf(Raw8Provider.class);
        assertThat(raw8.configKey()).isEqualTo("raw8_dir");
        assertThat(raw8.environmentVariable()).isEqualTo("ETAB_RAW8_DIR");
        assertThat(Datasets.names()).contains("raw8");
        assertThatThrownBy(() -> DatasetRegistry.get("raw9"))
                .hasMessageContaining("available: ")
                .hasMessageContaining("raw8");
    }

    @Test
    void phantomWrittenThroughTheRegistry() {
        assertThat(written.root()).isEqualTo(root);
        assertThat(written.summary()).startsWith(IMAGES + " images");
        assertThat(STEPS.get()).isEqualTo(IMAGES);
        assertThat(root.resolve("index.csv")).isRegularFile();
        assertThatThrownBy(() -> DatasetRegistry.get("raw8")
                        .phantom()
                        .write(dir.resolve("x"), 1, 1, Map.of("release", "mhd"), n -> {}))
                .hasMessage("the raw8 phantom has no setting 'release'; it takes none");
    }

    @Test
    void openedByNamePlannedAndDeliveredByAPipeline() throws IOException {
        SampleOptions raw = SampleOptions.builder()
                .target(Target.EF)
                .video(false)
                .frameSize(0, 0)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .build();
        Map<String, byte[]> pixels = new HashMap<>();
        Map<String, Float> ef = new HashMap<>();
        for (Raw8Record r : Raw8Index.read(root).records()) {
            pixels.put(r.id(), Files.readAllBytes(r.file()));
            ef.put(r.id(), r.ef());
        }
        try (OpenedDataset opened = Datasets.open("raw8", root, "all", raw)) {
            assertThat(opened.records()).isEqualTo(IMAGES);
            assertThat(opened.problems()).isEmpty();
            assertThat(opened.source().plan(0)).hasSize(IMAGES);
            assertThat(opened.source().features().shape()).containsExactly(1, Raw8Phantom.ROWS, Raw8Phantom.COLS);
            List<String> seen = new ArrayList<>();
            PipelineOptions po =
                    PipelineOptions.builder().batchSize(4).threads(2).build();
            try (Pipeline p = new Pipeline(opened.source(), po)) {
                for (Batch b : p.batches(0).toIterable(1)) {
                    try (b) {
                        for (int i = 0; i < b.size(); i++) {
                            String id = b.samples().get(i).id();
                            seen.add(id);
                            assertThat(b.features().slotBytes(i)).isEqualTo(pixels.get(id));
                            assertThat(b.labels().slotFloats(i)).containsExactly(ef.get(id));
                        }
                    }
                }
                assertThat(p.account().delivered()).isEqualTo(IMAGES);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(pixels.keySet());
        }
    }

    @Test
    void loadedThroughEtabDataset() {
        EtabDataset d = EtabDataset.builder()
                .name("raw8")
                .root(root)
                .target("view")
                .view("AP4CH")
                .frameL(12)
                .frameW(10)
                .threads(1)
                .build()
                .loadData(0, false);
        assertThat(d.target()).isEqualTo(Target.VIEW);
        assertThat(d.data()).hasSize(IMAGES / 2);
        for (Item item : d.data()) {
            assertThat(item.x().shape()).containsExactly(3, 12, 10);
            assertThat(item.y().ints()).containsExactly(1);
        }
        assertThat(EtabDataset.builder().name("raw8").root(root).build().target())
                .isEqualTo(Target.EF);
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("raw8")
                        .root(root)
                        .target("LV_seg")
                        .build())
                .hasMessage("target 'LV_seg' is not available for raw8; available: EF, view");
        assertThatThrownBy(() -> EtabDataset.builder()
                        .name("raw8")
                        .root(root)
                        .view("PLAX")
                        .build())
                .hasMessage("view 'PLAX' is not available for raw8; available: AP2CH, AP4CH, all"
                        + " (ETAB spellings: AP4CH (or A4CH, A4, 4CH, A4C), AP2CH (or A2CH, A2, 2CH, A2C), PLAX (or PL), PSAX"
                        + " (or PS))");
    }

    @Test
    void itsDirectoryIsFoundByConfigKeyAndEnvironmentVariable() throws IOException {
        Path file = Files.writeString(dir.resolve("etab.yaml"), "raw8_dir: raw8\nechonet_dir: /e\n");
        EtabConfig cfg = EtabConfig.load(file, Map.of());
        assertThat(cfg.directory("raw8")).isEqualTo(root);
        assertThat(cfg.directory("echonet")).isEqualTo(Path.of("/e"));
        EtabConfig env = EtabConfig.builtIn().withEnvironment(Map.of("ETAB_RAW8_DIR", "/from/env"));
        assertThat(env.directory("raw8")).isEqualTo(Path.of("/from/env"));
        assertThat(env.directory("camus")).isNull();
    }
}
