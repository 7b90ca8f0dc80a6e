package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered dataset promises the pipeline, checked once for all of them (the three real ones and any
 * dataset on the test class path) on data made by each dataset's own phantom generator.
 */
class DatasetContractTest {
    /** Units (videos, patients, images) per phantom: a few records, enough for a shuffle to show. */
    private static final int UNITS = 5;

    private static final long SEED = 11;
    private static final Map<String, Path> PHANTOMS = new ConcurrentHashMap<>();

    @TempDir
    Path tmp;

    static List<String> datasets() {
        return DatasetRegistry.names();
    }

    /** The dataset's phantom, written once per JVM through the registry. */
    private static Path phantom(String name) {
        return PHANTOMS.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("etab-contract-" + n + "-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "etab-contract-cleanup"));
                Path root = dir.resolve(n);
                DatasetRegistry.get(n).phantom().write(root, UNITS, SEED, Map.of(), done -> {});
                return root;
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the " + n + " phantom", e);
            }
        });
    }

    /** The dataset's default target and kind (clip or still), 4-frame clips, 24x20, shuffled. */
    private static SampleOptions options(DatasetProvider d, Target target, DType dtype) {
        return SampleOptions.builder()
                .target(target)
                .video(d.videoByDefault())
                .clipLength(4)
                .fps(0)
                .frameSize(24, 20)
                .normalize(dtype == DType.FLOAT32)
                .dtype(dtype)
                .seed(SEED)
                .shuffle(true)
                .build();
    }

    private static OpenedDataset open(String name, Path root, Target target, DType dtype) {
        DatasetProvider d = DatasetRegistry.get(name);
        return d.open(root, "all", null, 0, options(d, target, dtype));
    }

    private static SamplePlan firstPlan(SampleSource source) {
        return source.plan(0).stream()
                .filter(p -> p.failure() == null)
                .findFirst()
                .orElseThrow(() -> new AssertionError(source.dataset() + ": no loadable sample in epoch 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void declaredShapesAreExactlyTheBytesAWorkerWrites(String name) {
        DatasetProvider d = DatasetRegistry.get(name);
        for (Target target : d.targets()) {
            for (DType dtype : List.of(DType.FLOAT32, DType.UINT8)) {
                try (OpenedDataset opened = open(name, phantom(name), target, dtype)) {
                    SampleSource s = opened.source();
                    TensorSpec x = s.features();
                    assertThat(x).isEqualTo(options(d, target, dtype).featureSpec(24, 20));
                    assertThat(s.labels()).isEqualTo(target.labelSpec(24, 20));
                    SamplePlan plan = firstPlan(s);
                    try (BatchPool pool = new BatchPool(x, s.labels(), 3, 1);
                            SampleWorker w = s.newWorker()) {
                        BatchPool.Buffers b = pool.acquire();
                        // slot 1 of 3, twice over different fillings: every byte of the slot is written (the same
                        // both times), and no byte of another slot
                        byte[][] runs = new byte[2][];
                        for (int run = 0; run < 2; run++) {
                            byte fill = (byte) (run == 0 ? 0x5A : 0xA5);
                            fill(b, fill);
                            w.load(plan, b, 1);
                            runs[run] = bytes(b);
                            assertUntouched(b, 0, fill, name + " " + target);
                            assertUntouched(b, 2, fill, name + " " + target);
                        }
                        assertThat(runs[0])
                                .as("%s %s %s: the slot is written whole", name, target, dtype)
                                .isEqualTo(runs[1]);
                        pool.release(b);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void plansArePureFunctionsOfSeedAndEpoch(String name) {
        DatasetProvider d = DatasetRegistry.get(name);
        try (OpenedDataset a = open(name, phantom(name), d.defaultTarget(), DType.FLOAT32);
                OpenedDataset b = open(name, phantom(name), d.defaultTarget(), DType.FLOAT32)) {
            assertThat(a.records()).isGreaterThan(2);
            List<String> a0 = text(a.source().plan(0));
            assertThat(text(b.source().plan(0))).isEqualTo(a0);
            assertThat(text(a.source().plan(0))).isEqualTo(a0);
            assertThat(text(a.source().plan(1)))
                    .isEqualTo(text(b.source().plan(1)))
                    .isNotEqualTo(a0);
            assertThatThrownBy(() -> a.source().plan(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("epoch >= 0 required but was -1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void anUnavailableTargetIsRefusedAtConstructionListingTheAvailableOnes(String name) {
        DatasetProvider d = DatasetRegistry.get(name);
        String available =
                String.join(", ", d.targets().stream().map(Target::etabName).toList());
        Target missing = Arrays.stream(Target.values())
                .filter(t -> !d.targets().contains(t))
                .findFirst()
                .orElseThrow();
        assertThatThrownBy(() -> open(name, phantom(name), missing, DType.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + missing.etabName() + "'")
                .hasMessageContaining("available: " + available);
        assertThatThrownBy(() -> DatasetRegistry.target(name, missing.etabName()))
                .hasMessage("target '" + missing.etabName() + "' is not available for " + name + "; available: "
                        + available);
        assertThatThrownBy(() -> DatasetRegistry.target(name, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target 'null' is not available for " + name + "; available: " + available);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void aMissingFileIsAFailureNamingIt(String name) throws IOException {
        Path copy = tmp.resolve(name);
        copyTree(phantom(name), copy);
        DatasetProvider d = DatasetRegistry.get(name);
        try (OpenedDataset opened = open(name, copy, d.defaultTarget(), DType.FLOAT32)) {
            SamplePlan victim = firstPlan(opened.source());
            Files.delete(Path.of(victim.file()));
            PipelineOptions po = PipelineOptions.builder()
                    .batchSize(2)
                    .threads(1)
                    .onError(ErrorPolicy.SKIP)
                    .build();
            try (Pipeline p = new Pipeline(opened.source(), po)) {
                p.batches(0).doOnNext(Batch::close).blockLast();
                List<SampleFailure> failures = p.account().failures();
                assertThat(failures)
                        .as(name)
                        .isNotEmpty()
                        .allSatisfy(f -> assertThat(f.file()).isEqualTo(victim.file()))
                        .anySatisfy(f -> {
                            assertThat(f.id()).isEqualTo(victim.id());
                            assertThat(f.stage()).isEqualTo(Stage.DECODE);
                            assertThat(f.reason())
                                    .contains(
                                            Path.of(victim.file()).getFileName().toString());
                        });
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void workerCloseIsIdempotent(String name) {
        DatasetProvider d = DatasetRegistry.get(name);
        try (OpenedDataset opened = open(name, phantom(name), d.defaultTarget(), DType.FLOAT32);
                BatchPool pool = new BatchPool(
                        opened.source().features(), opened.source().labels(), 1, 1)) {
            SampleWorker unused = opened.source().newWorker();
            unused.close();
            unused.close();
            SampleWorker used = opened.source().newWorker();
            BatchPool.Buffers b = pool.acquire();
            used.load(firstPlan(opened.source()), b, 0);
            pool.release(b);
            used.close();
            used.close();
        }
    }

    private static List<String> text(List<SamplePlan> plans) {
        return plans.stream()
                .map(p -> p.position() + " " + p.record() + " " + p.id() + " " + p.file() + " "
                        + Arrays.toString(p.frames()) + " " + p.failure())
                .toList();
    }

    private static void fill(BatchPool.Buffers b, byte value) {
        for (ByteBuffer buf : List.of(b.features().buffer(), b.labels().buffer())) {
            while (buf.hasRemaining()) {
                buf.put(value);
            }
        }
    }

    private static byte[] bytes(BatchPool.Buffers b) {
        byte[] x = b.features().slotBytes(1);
        byte[] y = b.labels().slotBytes(1);
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static void assertUntouched(BatchPool.Buffers b, int slot, byte fill, String what) {
        for (byte[] other : List.of(b.features().slotBytes(slot), b.labels().slotBytes(slot))) {
            for (byte v : other) {
                if (v != fill) {
                    throw new AssertionError(what + ": the worker wrote outside its slot (slot " + slot + ")");
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp directory left behind is harmless
        }
    }
}
