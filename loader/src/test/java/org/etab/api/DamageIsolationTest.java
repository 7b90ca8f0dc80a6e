package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.datasets.camus.CamusRelease;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.IndexProblem;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged media files, as a property test on the three datasets' phantoms (real files, real FFmpeg): a few sample
 * files, chosen by seed, are cut short, emptied, deleted, overwritten in places or replaced by a directory or another
 * file, and one epoch is read through the pipeline with two threads (whose decoders are reused from sample to sample)
 * next to a run on the intact copy. Every sample of the intact run is delivered or reported; each reported one is a
 * damaged file's, its reason naming that file; and every other sample is delivered with the very bytes of the intact
 * run: a bad file changes nothing but its own samples.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DamageIsolationTest {
    private static final int TRIALS = Integer.getInteger("etab.damage.trials", 6);

    @TempDir
    Path tmp;

    /** What is done to one file. */
    private enum Damage {
        TRUNCATE,
        EMPTY,
        DELETE,
        FLIP_BYTES,
        ZERO_RUN,
        GARBLE_HEAD,
        DIRECTORY,
        OTHER_FILE
    }

    /** One epoch's delivered samples (id to a digest of its features and labels) and failures. */
    private record Run(
            Map<String, String> delivered,
            Map<String, SampleFailure> failed,
            Map<String, IndexProblem> rejected,
            Map<String, Path> files) {}

    @ParameterizedTest
    @ValueSource(strings = {"echonet", "camus-mhd", "camus-nifti", "tmed"})
    void aDamagedFileChangesNothingButItsOwnSamples(String which) throws Exception {
        Path phantom = switch (which) {
            case "echonet" -> PhantomDatasets.echonet();
            case "camus-mhd" -> CamusPhantoms.camus(CamusRelease.MHD);
            case "camus-nifti" -> CamusPhantoms.camus(CamusRelease.NIFTI);
            default -> TmedPhantoms.tmed();
        };
        String dataset = which.startsWith("camus") ? "camus" : which;
        Run intact = run(dataset, phantom);
        assertThat(intact.failed()).as("the intact phantom").isEmpty();
        List<Path> files = intact.files().values().stream().distinct().sorted().toList();
        long base = Long.getLong("etab.damage.seed", 20261206L);
        int reported = 0;
        for (int t = 0; t < TRIALS; t++) {
            long seed = base + t;
            SplittableRandom r = new SplittableRandom(seed);
            Path root = Trees.copy(phantom, tmp.resolve(which + "-" + seed));
            Map<Path, Damage> damaged = new LinkedHashMap<>();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                Path file = files.get(r.nextInt(files.size()));
                Path other = files.get(r.nextInt(files.size())); // from the intact phantom
                if (!damaged.containsKey(file)) {
                    damaged.put(file, damage(root.resolve(phantom.relativize(file)), other, r));
                }
            }
            String trial = which + ", seed " + seed + ": " + damaged;
            Run hurt = run(dataset, root);

            reported += hurt.failed().size() + hurt.rejected().size();
            Set<String> all = new TreeSet<>(hurt.delivered().keySet());
            all.addAll(hurt.failed().keySet());
            all.addAll(hurt.rejected().keySet());
            assertThat(all)
                    .as(trial + ": every sample delivered or reported")
                    .isEqualTo(intact.delivered().keySet());
            Set<String> damagedNames = damaged.keySet().stream()
                    .map(f -> phantom.relativize(f).toString())
                    .collect(Collectors.toSet());
            for (SampleFailure f : hurt.failed().values()) {
                String rel = root.relativize(Path.of(f.file())).toString();
                assertThat(damagedNames).as(trial + ": " + f).contains(rel);
                assertThat(f.reason()).as(trial + ": the reason names the file").contains(f.file());
            }
            for (IndexProblem rejected : hurt.rejected().values()) { // a CAMUS file the index looks for
                assertThat(damagedNames)
                        .as(trial + ": " + rejected)
                        .anyMatch(name -> rejected.toString()
                                .contains(Path.of(name).getFileName().toString()));
            }
            for (Map.Entry<String, String> d : hurt.delivered().entrySet()) {
                String rel = phantom.relativize(intact.files().get(d.getKey())).toString();
                if (!damagedNames.contains(rel)) {
                    assertThat(d.getValue())
                            .as(trial + ": " + d.getKey() + ", whose file is intact")
                            .isEqualTo(intact.delivered().get(d.getKey()));
                }
            }
        }
        assertThat(reported)
                .as("samples the damage made fail (else the trials tested nothing)")
                .isPositive();
    }

    /** Damages {@code file} in one of the ways above; returns which. */
    private static Damage damage(Path file, Path other, SplittableRandom r) throws IOException {
        Damage d = Damage.values()[r.nextInt(Damage.values().length)];
        long size = Files.size(file);
        switch (d) {
            case TRUNCATE -> {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(r.nextLong(1, Math.max(2, size)));
                }
            }
            case EMPTY -> Files.write(file, new byte[0]);
            case DELETE -> Files.delete(file);
            case FLIP_BYTES -> overwrite(file, r, 1 + r.nextInt(64), 1, size);
            case ZERO_RUN -> overwrite(file, r, 1, 4096, size);
            case GARBLE_HEAD -> {
                byte[] head = new byte[(int) Math.min(size, 64)];
                r.nextBytes(head);
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.write(head);
                }
            }
            case DIRECTORY -> {
                Files.delete(file);
                Files.createDirectory(file);
            }
            case OTHER_FILE -> Files.copy(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return d;
    }

    /** Writes {@code runs} runs of {@code length} bytes (random, or zeros when {@code length > 1}) at random places. */
    private static void overwrite(Path file, SplittableRandom r, int runs, int length, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < runs && size > 0; i++) {
                int n = (int) Math.min(length, size);
                f.seek(r.nextLong(0, size - n + 1));
                byte[] b = new byte[n];
                if (length == 1) {
                    r.nextBytes(b);
                }
                f.write(b);
            }
        }
    }

    private static SampleOptions options(String dataset) {
        SampleOptions.Builder o = SampleOptions.builder()
                .frameSize(48, 40)
                .channels(1)
                .dtype(DType.FLOAT32)
                .normalize(true)
                .seed(7)
                .shuffle(true);
        return switch (dataset) {
            case "echonet" ->
                o.target(Target.EF).clipLength(8).clipStart(ClipStart.RANDOM).build();
            case "camus" -> o.target(Target.LV_SEG).video(false).build();
            default -> o.target(Target.VIEW).video(false).build();
        };
    }

    private static Run run(String dataset, Path root) {
        Map<String, String> delivered = new TreeMap<>();
        Map<String, SampleFailure> failed = new TreeMap<>();
        Map<String, Path> files = new HashMap<>();
        Map<String, IndexProblem> rejected = new TreeMap<>();
        try (OpenedDataset d = Datasets.open(
                        dataset, root, dataset.equals("camus") ? "train" : "all", "all", 0, options(dataset));
                Pipeline p = new Pipeline(
                        d.source(),
                        PipelineOptions.builder()
                                .batchSize(3)
                                .threads(2)
                                .prefetch(1)
                                .build())) {
            p.schedule(0, 0, 3)
                    .forEach(s -> files.put(s.plan().id(), Path.of(s.plan().file())));
            try (BatchIterator<Batch> batches = p.iterate(0)) {
                while (batches.hasNext()) {
                    try (Batch b = batches.next()) {
                        List<SampleInfo> samples = b.samples();
                        for (int slot = 0; slot < samples.size(); slot++) {
                            delivered.put(samples.get(slot).id(), digest(b, slot));
                        }
                    }
                }
            }
            p.account().failures().forEach(f -> failed.put(f.id(), f));
            p.account().rejections().forEach(x -> rejected.put(x.id(), x));
            assertThat(p.account().planned())
                    .isEqualTo(p.account().delivered() + p.account().failed());
        }
        return new Run(delivered, failed, rejected, files);
    }

    private static String digest(Batch b, int slot) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b.features().slotBytes(slot));
            md.update(b.labels().slotBytes(slot));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
