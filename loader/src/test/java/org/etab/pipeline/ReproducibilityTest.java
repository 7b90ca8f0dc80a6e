package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.etab.api.DataTools;
import org.etab.api.Datasets;
import org.etab.api.EtabDataset;
import org.etab.api.Item;
import org.etab.api.SampleIterator;
import org.etab.api.Splits;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.batch.HostTensor;
import org.etab.batch.Sample;
import org.etab.batch.SampleInfo;
import org.etab.datasets.camus.CamusRelease;
import org.etab.sampling.ClipStart;
import org.etab.sampling.Sharding;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The same seed and options give the same samples, compared by content: every delivered sample is one line of its id,
 * epoch, position, source frames, valid frames, repeat flag and a hash of its x and y bytes. Batch memory comes from an
 * allocator that fills it with noise ({@link #NOISY}), so that a sample that leaves any byte of its slot unwritten
 * shows up as a difference. Together with {@code ClipSeedingTest} (clip starts keyed by the sample's id) this is the
 * build's guard on docs/sampling.md's "Order is a pure function of (seed, epoch)".
 */
class ReproducibilityTest {
    /**
     * New batch memory full of noise: {@link HostAllocator#allocate} promises nothing about its content, so no sample
     * may depend on it; each pipeline's buffers then start different.
     */
    private static final HostAllocator NOISY = new HostAllocator() {
        private final SplittableRandom random = new SplittableRandom();

        @Override
        public synchronized BytePointer allocate(long bytes) {
            BytePointer p = new BytePointer(bytes);
            byte[] noise = new byte[(int) Math.min(bytes, 1 << 20)];
            for (long at = 0; at < bytes; at += noise.length) {
                random.nextBytes(noise);
                p.position(at).put(noise, 0, (int) Math.min(noise.length, bytes - at));
            }
            return p.position(0);
        }

        @Override
        public void free(BytePointer memory) {
            memory.deallocate();
        }
    };

    @TempDir
    Path tmp;

    /** Random clips, long enough that some videos are padded, resampled from 50 and 30 fps. */
    private static SampleOptions.Builder clips() {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(48)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.RANDOM)
                .frameSize(32, 32)
                .seed(7)
                .shuffle(true);
    }

    private static Supplier<OpenedDataset> echonet() {
        return () -> Datasets.open("echonet", PhantomDatasets.echonet(), "all", clips().build());
    }

    private static PipelineOptions options(int batch, int threads) {
        return PipelineOptions.builder().batchSize(batch).threads(threads).build();
    }

    @Test
    void orderedDeliveryIsOneSequenceWhateverTheThreadsBatchesAndPrefetch() {
        List<String> base = run(echonet(), options(4, 1), 0, 2, 0);
        assertThat(base).hasSize(3 * PhantomDatasets.ECHONET_VIDEOS);
        assertThat(base).anyMatch(line -> !line.contains(" valid 48 ")); // padding is exercised
        assertThat(run(echonet(), options(4, 1), 0, 2, 0)).isEqualTo(base);
        for (int threads : new int[] {2, 7}) {
            for (int batch : new int[] {1, 3, 16}) {
                assertThat(run(echonet(), options(batch, threads), 0, 2, 0))
                        .as("threads %d, batch %d", threads, batch)
                        .isEqualTo(base);
            }
        }
        PipelineOptions deep = options(5, 2).toBuilder().prefetch(6).build();
        assertThat(run(echonet(), deep, 0, 2, 0)).isEqualTo(base);
    }

    @Test
    void unorderedDeliveryIsTheSameSamplesInSomeOrder() {
        List<String> ordered = run(echonet(), options(3, 2), 0, 1, 0);
        PipelineOptions unordered = options(3, 3).toBuilder().ordered(false).build();
        assertThat(run(echonet(), unordered, 0, 1, 0)).containsExactlyInAnyOrderElementsOf(ordered);
    }

    @Test
    void anEpochIsTheSameAloneInAFreshPipelineRunTwiceOrReachedAfterTheOthers() {
        List<String> together = run(echonet(), options(4, 2), 0, 2, 0);
        List<String> alone = new ArrayList<>();
        for (int epoch = 0; epoch <= 2; epoch++) {
            alone.addAll(run(echonet(), options(5, 3), epoch, epoch, 0));
        }
        assertThat(alone).isEqualTo(together);
        // one pipeline, epoch 1 twice: the layouts and decoders it keeps from the first pass change nothing
        try (OpenedDataset d = echonet().get();
                Pipeline p = new Pipeline(d.source(), options(3, 2), new SimpleMeterRegistry(), NOISY)) {
            List<String> first = lines(p, p.batches(1));
            assertThat(lines(p, p.batches(1))).isEqualTo(first).isEqualTo(inEpoch(together, 1));
        }
    }

    @Test
    void resumingMidEpochWithOtherThreadsAndBatchGivesTheRestOfTheUninterruptedRun() {
        List<String> uninterrupted = run(echonet(), options(4, 1), 0, 2, 0);
        List<String> rest = new ArrayList<>();
        for (String line : uninterrupted) {
            if (epoch(line) == 2 || (epoch(line) == 1 && position(line) >= 5)) {
                rest.add(line);
            }
        }
        assertThat(run(echonet(), options(3, 7), 1, 2, 5)).isEqualTo(rest);
    }

    @Test
    void theRanksShareEachEpochExactly() {
        List<String> epoch = run(echonet(), options(4, 2), 1, 1, 0);
        List<String> own = new ArrayList<>();
        List<String> repeats = new ArrayList<>();
        for (int rank = 0; rank < 5; rank++) { // 12 samples over 5 ranks: 3 each, 3 of them repeats
            PipelineOptions o = options(2, 2).toBuilder()
                    .sharding(new Sharding(rank, 5, false))
                    .build();
            for (String line : run(echonet(), o, 1, 1, 0)) {
                (line.endsWith(" repeat") ? repeats : own).add(line);
            }
        }
        assertThat(own).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(epoch);
        assertThat(repeats).hasSize(3);
        for (String r : repeats) {
            assertThat(own).contains(r.substring(0, r.length() - " repeat".length()));
        }
    }

    @Test
    void aCorruptVideoChangesNoOtherSample() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("echonet"));
        String corrupt = PhantomDatasets.echonetWithACorruptVideo(root);
        List<String> clean = run(echonet(), options(4, 2), 0, 2, 0);
        List<String> withFailures =
                run(() -> Datasets.open("echonet", root, "all", clips().build()), options(4, 2), 0, 2, 0);
        assertThat(withFailures)
                .hasSize(clean.size() - 3)
                .isEqualTo(clean.stream()
                        .filter(line -> !line.startsWith(corrupt + " "))
                        .toList());
    }

    @Test
    void camusClipsAndTmedStillsAreReproducibleToo() {
        Path camus = CamusPhantoms.camus(CamusRelease.NIFTI);
        Supplier<OpenedDataset> camusClips = () -> Datasets.open(
                "camus",
                camus,
                "all",
                "all",
                0,
                clips().target(Target.LV_SEG).clipLength(12).fps(0).build());
        Supplier<OpenedDataset> tmedStills = () -> Datasets.open(
                "tmed",
                TmedPhantoms.tmed(),
                "all",
                "all",
                0,
                SampleOptions.builder()
                        .target(Target.VIEW)
                        .video(false)
                        .frameSize(40, 40)
                        .seed(3)
                        .shuffle(true)
                        .build());
        for (Supplier<OpenedDataset> dataset : List.of(camusClips, tmedStills)) {
            List<String> base = run(dataset, options(2, 1), 0, 1, 0);
            assertThat(base).isNotEmpty();
            assertThat(run(dataset, options(5, 3), 0, 1, 0)).isEqualTo(base);
            assertThat(run(dataset, options(3, 2), 1, 1, 0)).isEqualTo(inEpoch(base, 1));
        }
    }

    @Test
    void theEtabApiGivesTheSameItemsEveryWay() {
        List<String> loaded = items(echonetApi(1).loadData(0, true).data());
        assertThat(loaded).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        assertThat(items(echonetApi(3).loadData(0, true).data())).isEqualTo(loaded);
        assertThat(items(echonetApi(2).loadData(5, true).data())).isEqualTo(loaded.subList(0, 5));
        List<String> streamed = new ArrayList<>();
        for (Sample s : echonetApi(2).stream(0).toIterable(1)) {
            try (s) {
                streamed.add(s.id() + " x " + sha(s.features().slotBytes(0)) + " y "
                        + sha(s.labels().slotBytes(0)));
            }
        }
        assertThat(streamed).isEqualTo(loaded);
        List<String> iterated = new ArrayList<>();
        try (SampleIterator it = echonetApi(3).iterate(0)) {
            while (it.hasNext()) {
                try (Sample s = it.next()) {
                    iterated.add(s.id() + " x " + sha(s.features().slotBytes(0)) + " y "
                            + sha(s.labels().slotBytes(0)));
                }
            }
        }
        assertThat(iterated).isEqualTo(loaded);
        Splits one = DataTools.trainingDataSplit(echonetApi(1).loadData(0, true));
        Splits two = DataTools.trainingDataSplit(echonetApi(3).loadData(0, true));
        assertThat(items(two.train())).isEqualTo(items(one.train()));
        assertThat(items(two.val())).isEqualTo(items(one.val()));
        assertThat(items(two.test())).isEqualTo(items(one.test()));
    }

    private static EtabDataset echonetApi(int threads) {
        return EtabDataset.builder()
                .name("echonet")
                .root(PhantomDatasets.echonet())
                .target("EF")
                .split("all")
                .clipL(8)
                .fps(25)
                .frameL(32)
                .frameW(32)
                .seed(9)
                .threads(threads)
                .build();
    }

    /** Epochs {@code first..last} from position {@code startAt}, on a fresh pipeline over noisy memory. */
    private static List<String> run(
            Supplier<OpenedDataset> dataset, PipelineOptions options, int first, int last, long startAt) {
        try (OpenedDataset d = dataset.get();
                Pipeline p = new Pipeline(d.source(), options, new SimpleMeterRegistry(), NOISY)) {
            return lines(p, p.batches(first, last, startAt));
        }
    }

    private static List<String> lines(Pipeline p, Flux<Batch> batches) {
        List<String> out = new ArrayList<>();
        for (Batch b : p.consume(batches)) {
            try (b) {
                for (int i = 0; i < b.size(); i++) {
                    out.add(line(b.samples().get(i), b.features(), b.labels(), i));
                }
            }
        }
        return out;
    }

    private static String line(SampleInfo s, HostTensor x, HostTensor y, int slot) {
        return s.id() + " epoch " + s.epoch() + " position " + s.position() + " frames "
                + Arrays.toString(s.sourceFrames()) + " valid " + s.validFrames() + " x " + sha(x.slotBytes(slot))
                + " y " + sha(y.slotBytes(slot)) + (s.repeat() ? " repeat" : "");
    }

    private static List<String> items(List<Item> items) {
        return items.stream()
                .map(i -> i.id() + " x " + sha(bytes(i.x().data())) + " y " + sha(bytes(i.y().data())))
                .toList();
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        return b;
    }

    private static List<String> inEpoch(List<String> lines, int epoch) {
        return lines.stream().filter(line -> epoch(line) == epoch).toList();
    }

    private static int epoch(String line) {
        return Integer.parseInt(line.split(" ")[2]);
    }

    private static long position(String line) {
        return Long.parseLong(line.split(" ")[4]);
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
