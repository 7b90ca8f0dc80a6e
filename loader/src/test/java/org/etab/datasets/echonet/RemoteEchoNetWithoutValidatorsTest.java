package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.zip.CRC32;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.storage.HttpStoreOptions;
import org.etab.storage.ScriptedServer;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A URL root whose server sends neither an ETag nor a Last-Modified (a plain object server, a proxy that strips
 * them): a video replaced by another of the same size goes unseen by the range requests of its clips (nothing tells
 * the versions apart), so its first clip after the change fails, naming why; the layout that failed is dropped, so the
 * video's later clips come from its new bytes rather than failing for the rest of the run. Served by
 * {@link ScriptedServer}, which reads each file when asked and answers ranges with 206: no nginx needed.
 */
@Timeout(120)
class RemoteEchoNetWithoutValidatorsTest {
    private static SampleOptions options() {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(16)
                .fps(25)
                .frameSize(32, 32)
                .channels(1)
                .dtype(DType.UINT8)
                .build();
    }

    /** Each epoch's samples as "id:crc", calling {@code before} with each epoch's number before it starts. */
    private static List<List<String>> epochs(
            OpenedDataset opened, List<SampleFailure> failures, int epochs, IntConsumer before) {
        List<List<String>> out = new ArrayList<>();
        try (opened;
                Pipeline p = new Pipeline(
                        opened.source(),
                        PipelineOptions.builder().batchSize(4).threads(2).build(),
                        new SimpleMeterRegistry(),
                        HostAllocator.NATIVE)) {
            for (int e = 0; e < epochs; e++) {
                before.accept(e);
                List<String> samples = new ArrayList<>();
                for (Batch b : p.batches(e).toIterable(1)) {
                    try (b) {
                        for (int i = 0; i < b.size(); i++) {
                            CRC32 crc = new CRC32();
                            crc.update(b.features().slotBytes(i));
                            samples.add(b.samples().get(i).id() + ":" + crc.getValue());
                        }
                    }
                }
                out.add(samples);
            }
            failures.addAll(p.account().failures());
        }
        return out;
    }

    private static List<EchoNetRecord> copyPhantom(Path into) throws IOException {
        Path src = PhantomDatasets.echonet();
        Files.createDirectories(into.resolve("Videos"));
        Files.copy(src.resolve("FileList.csv"), into.resolve("FileList.csv"));
        Files.copy(src.resolve("VolumeTracings.csv"), into.resolve("VolumeTracings.csv"));
        List<EchoNetRecord> records = EchoNetReader.read(src).select("all");
        for (EchoNetRecord r : records) {
            Files.copy(r.video(), into.resolve("Videos").resolve(r.video().getFileName()));
        }
        return records;
    }

    /** The store's options: a disk cache in {@code cache}, or none. */
    private static HttpStoreOptions store(boolean diskCache, Path cache) {
        return diskCache
                ? HttpStoreOptions.builder()
                        .cacheDir(cache)
                        .cacheMaxBytes(1L << 30)
                        .build()
                : HttpStoreOptions.builder().build();
    }

    /** What streaming a served copy of the phantom gave, and what the same epochs give from local files. */
    private record Replaced(
            EchoNetRecord video,
            URI root,
            List<List<String>> local,
            List<List<String>> got,
            List<SampleFailure> failures) {}

    /**
     * Three epochs from a server of the phantom without validators, its largest video replaced before epoch 1 by the
     * next largest padded with zeros to the old size plus {@code extraBytes}; {@code local}: the same epochs from the
     * files as they are after the replacement. Clips are fetched as ranges once a video's layout is known.
     */
    private static Replaced replacedBeforeEpochOne(Path served, Path after, int extraBytes, HttpStoreOptions store)
            throws Exception {
        List<EchoNetRecord> records = copyPhantom(served);
        copyPhantom(after);
        EchoNetRecord big = records.stream()
                .max(Comparator.comparingLong(r -> r.video().toFile().length()))
                .orElseThrow();
        EchoNetRecord small = records.stream()
                .filter(r -> r != big)
                .max(Comparator.comparingLong(r -> r.video().toFile().length()))
                .orElseThrow();
        String name = big.video().getFileName().toString();
        byte[] replacement =
                Arrays.copyOf(Files.readAllBytes(small.video()), (int) Files.size(big.video()) + extraBytes);
        Files.write(after.resolve("Videos").resolve(name), replacement);
        List<List<String>> local =
                epochs(Datasets.open("echonet", after, "all", options()), new ArrayList<>(), 3, e -> {});

        List<SampleFailure> failures = new ArrayList<>();
        try (ScriptedServer server = ScriptedServer.serving(served, "404 Not Found", true)) {
            URI root = URI.create("http://127.0.0.1:" + server.port() + "/");
            List<List<String>> got = epochs(
                    Datasets.openRemote("echonet", root, store, "all", null, options(), true), failures, 3, e -> {
                        if (e == 1) {
                            try {
                                Files.write(served.resolve("Videos").resolve(name), replacement);
                            } catch (IOException x) {
                                throw new java.io.UncheckedIOException(x);
                            }
                        }
                    });
            return new Replaced(big, root, local, got, failures);
        }
    }

    /**
     * A same-size replacement goes unseen by the ranges of epoch 1, whose clip of it fails; epoch 2 fetches it whole.
     * With a disk cache that whole fetch asks the server again rather than trusting the copy cached in epoch 0.
     */
    @ParameterizedTest(name = "disk cache: {0}")
    @ValueSource(booleans = {false, true})
    void aSameSizeReplacementFailsOneClipThenTheVideoIsLearnedAgain(
            boolean diskCache, @TempDir Path served, @TempDir Path after, @TempDir Path cache) throws Exception {
        HttpStoreOptions store = store(diskCache, cache);
        Replaced r = replacedBeforeEpochOne(served, after, 0, store);
        String name = r.video().video().getFileName().toString();
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(r.video().id());
            assertThat(f.file()).isEqualTo(r.root() + "Videos/" + name);
            assertThat(f.reason()).contains("does not start with a JPEG start-of-image marker");
        });
        // epoch 1: every other video as it was; epoch 2: every video from its current bytes, the replaced one too
        assertThat(r.got().get(1)).hasSize(r.local().get(1).size() - 1);
        assertThat(r.local().get(1)).containsAll(r.got().get(1));
        assertThat(r.got().get(2)).isEqualTo(r.local().get(2));
    }

    /** A replacement of another size is seen by the size a range answer gives: the clip is fetched whole instead. */
    @Test
    void aReplacementOfAnotherSizeIsFetchedWholeForItsNextClip(@TempDir Path served, @TempDir Path after)
            throws Exception {
        Replaced r = replacedBeforeEpochOne(
                served, after, 1024, HttpStoreOptions.builder().build());
        assertThat(r.failures()).isEmpty();
        // epoch 0 had the old video; from epoch 1 on, every video comes from its current bytes
        assertThat(r.got().subList(1, 3)).isEqualTo(r.local().subList(1, 3));
    }

    /** Opened without saying how clips are fetched: as byte ranges once learned, unless a disk cache keeps videos whole. */
    @ParameterizedTest(name = "disk cache: {0}")
    @ValueSource(booleans = {false, true})
    void clipsAreFetchedAsRangesOnceLearnedUnlessADiskCacheKeepsVideosWhole(boolean diskCache, @TempDir Path cache)
            throws IOException {
        HttpStoreOptions store = store(diskCache, cache);
        try (ScriptedServer server = ScriptedServer.serving(PhantomDatasets.echonet(), "404 Not Found", true);
                RemoteEchoNet remote =
                        RemoteEchoNet.open(URI.create("http://127.0.0.1:" + server.port() + "/"), store)) {
            EchoNetSource source = remote.source(remote.index().select("all"), options());
            List<SampleFailure> failures = new ArrayList<>();
            epochs(new OpenedDataset(source, List.of(), remote.index().records().size()), failures, 1, e -> {});
            assertThat(failures).isEmpty();
            assertThat(source.layoutsKnown()).isEqualTo(diskCache ? 0 : PhantomDatasets.ECHONET_VIDEOS);
        }
    }
}
