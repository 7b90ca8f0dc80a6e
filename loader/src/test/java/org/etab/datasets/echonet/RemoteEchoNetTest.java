package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.decode.DatasetException;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.storage.FaultProxy;
import org.etab.storage.HttpStoreOptions;
import org.etab.storage.Nginx;
import org.etab.storage.RemoteException;
import org.etab.storage.ScriptedServer;
import org.etab.storage.TricklingServer;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EchoNet-Dynamic served by a real nginx on loopback (in ETAB's {@code data/} layout), through a fault-injecting
 * relay: the same samples as from disk, byte for byte, despite broken connections; a missing video is a
 * reported failure naming its URL.
 */
class RemoteEchoNetTest {
    private static final HttpStoreOptions DEFAULT_STORE =
            HttpStoreOptions.builder().build();
    private static Path dir;
    private static Nginx nginx;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        dir = Files.createTempDirectory("etab-remote-echonet");
        nginx = new Nginx(dir);
        Path served = Files.createDirectories(nginx.root().resolve("echonet/data"));
        Trees.copy(PhantomDatasets.echonet(), served);
        proxy = new FaultProxy(nginx.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    private static SampleOptions options() {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(16)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.RANDOM)
                .frameSize(64, 64)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(9)
                .shuffle(true)
                .build();
    }

    /** id, frames and a checksum of every sample's bytes, in delivery order. */
    private static List<String> samples(OpenedDataset opened, List<SampleFailure> failures) {
        return samples(opened, failures, 1, e -> {});
    }

    /** As above over {@code epochs} epochs, calling {@code before} with each epoch's number before it starts. */
    private static List<String> samples(
            OpenedDataset opened, List<SampleFailure> failures, int epochs, java.util.function.IntConsumer before) {
        return samples(
                opened,
                failures,
                epochs,
                before,
                PipelineOptions.builder().batchSize(4).threads(2).build());
    }

    /** As above, streamed with {@code pipeline}'s options. */
    private static List<String> samples(
            OpenedDataset opened,
            List<SampleFailure> failures,
            int epochs,
            java.util.function.IntConsumer before,
            PipelineOptions pipeline) {
        List<String> out = new ArrayList<>();
        try (opened;
                Pipeline p = new Pipeline(opened.source(), pipeline, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            for (int e = 0; e < epochs; e++) {
                before.accept(e);
                for (Batch b : p.batches(e).toIterable(1)) {
                    try (b) {
                        for (int i = 0; i < b.size(); i++) {
                            CRC32 crc = new CRC32();
                            crc.update(b.features().slotBytes(i));
                            crc.update(b.labels().slotBytes(i));
                            out.add(b.samples().get(i).id() + ":" + crc.getValue());
                        }
                    }
                }
            }
            failures.addAll(p.account().failures());
        }
        return out;
    }

    @Test
    void remoteSamplesEqualLocalOnesEvenWhenConnectionsBreak() throws IOException {
        List<String> local =
                samples(Datasets.open("echonet", PhantomDatasets.echonet(), "all", options()), new ArrayList<>());
        assertThat(local).hasSize(PhantomDatasets.ECHONET_VIDEOS);

        // break a few downloads mid-body: the store resumes them with Range requests
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (int i = 0; i < 3; i++) {
            proxy.script(
                    "/echonet/data/Videos/" + records.get(i).video().getFileName(), FaultProxy.Fault.cutAfter(20_000));
        }
        proxy.script("/echonet/data/Videos/" + records.get(3).video().getFileName(), FaultProxy.Fault.status(503));
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet?token=abc");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> remote =
                samples(Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures);
        assertThat(failures).isEmpty();
        assertThat(remote).isEqualTo(local);
        assertThat(proxy.requests(
                        "/echonet/data/Videos/" + records.get(0).video().getFileName()))
                .extracting(r -> r.header("range"))
                .contains("bytes=20000-");
        assertThat(Files.readString(nginx.access())).contains("/echonet/data/FileList.csv?token=abc");
    }

    @Test
    void withoutASampleTimeoutSamplesWaitForTheirFetchesAndEqualLocalOnes() throws IOException {
        List<String> local =
                samples(Datasets.open("echonet", PhantomDatasets.echonet(), "all", options()), new ArrayList<>());
        URI root = URI.create("http://127.0.0.1:" + nginx.port() + "/echonet");
        PipelineOptions noTimeout = PipelineOptions.builder()
                .batchSize(4)
                .threads(2)
                .sampleTimeout(Duration.ZERO) // no deadline
                .build();
        List<SampleFailure> failures = new ArrayList<>();
        List<String> remote = samples(
                Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()),
                failures,
                1,
                e -> {},
                noTimeout);
        assertThat(failures).isEmpty();
        assertThat(remote).isEqualTo(local);
    }

    /** Closing a remote dataset closes its HTTP store: a pipeline over its source afterwards fetches nothing. */
    @Test
    void theSourceOfAClosedRemoteDatasetFetchesNothing() throws IOException {
        URI root = URI.create("http://127.0.0.1:" + nginx.port() + "/echonet");
        OpenedDataset opened = Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options());
        opened.close();
        List<SampleFailure> failures = new ArrayList<>();
        assertThat(samples(opened, failures)).isEmpty();
        assertThat(failures).hasSize(PhantomDatasets.ECHONET_VIDEOS).allSatisfy(f -> {
            assertThat(f.stage()).isEqualTo(Stage.FETCH);
            assertThat(f.reason()).contains("store closed");
        });
    }

    @Test
    void laterEpochsFetchOnlyEachClipsBytesAndStillEqualLocalSamples() throws IOException {
        List<String> local = samples(
                Datasets.open("echonet", PhantomDatasets.echonet(), "all", options()), new ArrayList<>(), 3, e -> {});
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        String first = "/echonet/data/Videos/" + records.get(0).video().getFileName();
        String second = "/echonet/data/Videos/" + records.get(1).video().getFileName();
        proxy.script(second, FaultProxy.Fault.PASS, FaultProxy.Fault.cutAfter(5_000)); // epoch 1's range is cut
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> remote = samples(
                Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures, 3, e -> {});
        assertThat(failures).isEmpty();
        assertThat(remote).isEqualTo(local);
        long size = Files.size(records.get(0).video());
        List<String> ranges =
                proxy.requests(first).stream().map(r -> r.header("range")).toList();
        assertThat(ranges).hasSize(3);
        assertThat(ranges.get(0)).isNull(); // the first use fetches the whole video and learns its layout
        for (String r : ranges.subList(1, 3)) {
            assertThat(r).matches("bytes=\\d+-\\d+");
            String[] ends = r.substring(6).split("-");
            long bytes = Long.parseLong(ends[1]) - Long.parseLong(ends[0]) + 1;
            assertThat(bytes).as(r).isLessThan(size / 2); // 16 frames at 25 of the phantom's 50 fps
        }
        List<String> cut =
                proxy.requests(second).stream().map(r -> r.header("range")).toList();
        assertThat(cut).hasSize(4);
        assertThat(cut.get(2)).startsWith("bytes=").isNotEqualTo(cut.get(1)); // resumed inside the range
    }

    /**
     * A clip's range answered 416 (not satisfiable: the object is now shorter than its layout, as a server without
     * validators says after a replacement) drops the layout and fetches the video whole: the sample is still the
     * local one. Any other failure of a range (404) fails its sample, as a whole fetch's would.
     */
    @Test
    void aClipRangeAnswered416IsFetchedWholeInsteadAndOtherRefusalsFailTheSample() throws IOException {
        List<String> local = samples(
                Datasets.open("echonet", PhantomDatasets.echonet(), "all", options()), new ArrayList<>(), 2, e -> {});
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        String shorter = "/echonet-416/data/Videos/" + records.get(0).video().getFileName();
        String refused = "/echonet-416/data/Videos/" + records.get(1).video().getFileName();
        Path served = Files.createDirectories(nginx.root().resolve("echonet-416"));
        Files.createSymbolicLink(served.resolve("data"), nginx.root().resolve("echonet/data"));
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet-416");
        OpenedDataset opened = Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options());
        EchoNetSource source = (EchoNetSource) opened.source();
        List<SampleFailure> failures = new ArrayList<>();
        List<String> remote = samples(opened, failures, 2, e -> {
            if (e == 1) { // epoch 0 fetched every video whole and learned its layout: epoch 1 fetches ranges
                assertThat(source.layoutsKnown()).isEqualTo(records.size());
                proxy.script(shorter, FaultProxy.Fault.status(416));
                proxy.script(refused, FaultProxy.Fault.status(404));
            }
        });
        assertThat(proxy.requests(shorter))
                .extracting(r -> String.valueOf(r.header("range")))
                .satisfiesExactly(
                        whole -> assertThat(whole).isEqualTo("null"),
                        range -> assertThat(range).startsWith("bytes="),
                        again -> assertThat(again).isEqualTo("null"));
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(records.get(1).id());
            assertThat(f.stage()).isEqualTo(Stage.FETCH);
            assertThat(f.reason()).contains("404").doesNotContain("Exception"); // the store's own words
        });
        int missing = records.size(); // the first sample of epoch 1, then on to the refused video's
        while (!local.get(missing).startsWith(records.get(1).id() + ":")) {
            missing++;
        }
        List<String> expected = new ArrayList<>(local);
        expected.remove(missing);
        assertThat(remote).isEqualTo(expected);
    }

    @Test
    void theClipsOfAVideoScheduledTogetherShareItsFirstWholeDownload() throws IOException {
        // every 4-frame clip of each video, in index order: a batch of 4 holds clips of one video, fetched together
        SampleOptions all = options().toBuilder()
                .clipLength(4)
                .clipStart(ClipStart.ALL)
                .shuffle(false)
                .build();
        List<String> local =
                samples(Datasets.open("echonet", PhantomDatasets.echonet(), "all", all), new ArrayList<>());
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        assertThat(local).hasSizeGreaterThan(4 * records.size());
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet-shared");
        Path served = nginx.root().resolve("echonet-shared");
        Files.createDirectories(served);
        Files.createSymbolicLink(served.resolve("data"), nginx.root().resolve("echonet/data"));
        List<SampleFailure> failures = new ArrayList<>();
        List<String> remote = samples(Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, all), failures);
        assertThat(failures).isEmpty();
        assertThat(remote).isEqualTo(local);
        for (EchoNetRecord r : records) {
            List<String> ranges = proxy
                    .requests("/echonet-shared/data/Videos/" + r.video().getFileName())
                    .stream()
                    .map(q -> q.header("range"))
                    .toList();
            assertThat(ranges).as(r.id()).filteredOn(java.util.Objects::isNull).hasSize(1); // one whole download
        }
    }

    @Test
    void aBatchAgainstAServerSlowerThanTheSampleTimeoutTimesOutOnceNotOneSampleAfterAnother() throws IOException {
        // every video answered after 4 s; samples may take 1.5 s: a batch's fetches start together with the batch
        Path served = nginx.root().resolve("echonet-slow");
        Files.createDirectories(served);
        Files.createSymbolicLink(served.resolve("data"), nginx.root().resolve("echonet/data"));
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (EchoNetRecord r : records) {
            proxy.always("/echonet-slow/data/Videos/" + r.video().getFileName(), FaultProxy.Fault.delay(4_000));
        }
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet-slow");
        Duration timeout = Duration.ofMillis(1_500);
        long t0 = System.nanoTime();
        try (OpenedDataset opened = Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options());
                Pipeline p = new Pipeline(
                        opened.source(),
                        PipelineOptions.builder()
                                .batchSize(4)
                                .threads(1)
                                .sampleTimeout(timeout)
                                .build(),
                        new SimpleMeterRegistry(),
                        HostAllocator.NATIVE)) {
            assertThat(p.batches(0).doOnNext(Batch::close).count().block()).isZero();
            assertThat(p.account().failures()).hasSize(records.size()).allSatisfy(f -> {
                assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
                assertThat(f.reason())
                        .contains("not fetched within the sample's timeout since its fetch began with its batch");
            });
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // one sample timeout after another would take 12 x 1.5 = 18 s; three batches of four, about 4.5 s
        assertThat(seconds).isLessThan(records.size() * timeout.toMillis() / 1000.0 / 2);
    }

    @Test
    void aVideoReplacedBetweenEpochsIsFetchedWholeAgain() throws IOException {
        Path served = nginx.root().resolve("echonet-replaced/data");
        Path src = PhantomDatasets.echonet();
        Files.createDirectories(served.resolve("Videos"));
        Files.copy(src.resolve("FileList.csv"), served.resolve("FileList.csv"));
        Files.copy(src.resolve("VolumeTracings.csv"), served.resolve("VolumeTracings.csv"));
        List<EchoNetRecord> records = EchoNetReader.read(src).select("all");
        for (EchoNetRecord r : records) {
            Files.copy(r.video(), served.resolve("Videos").resolve(r.video().getFileName()));
        }
        Path a = served.resolve("Videos").resolve(records.get(0).video().getFileName());
        EchoNetRecord other = records.stream()
                .filter(r -> {
                    try {
                        return Files.size(r.video())
                                != Files.size(records.get(0).video());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .findFirst()
                .orElseThrow();
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet-replaced");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> got =
                samples(Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures, 2, e -> {
                    if (e == 1) {
                        try {
                            Files.copy(other.video(), a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        } catch (IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    }
                });
        assertThat(failures).isEmpty();
        assertThat(got).hasSize(2 * records.size());
        // epoch 1 asked for a range of the old layout's version (If-Range), and nginx sent the new object whole
        List<String> asked = proxy.requests("/echonet-replaced/data/Videos/" + a.getFileName()).stream()
                .map(r -> String.valueOf(r.header("range")))
                .toList();
        assertThat(asked).hasSize(2);
        assertThat(asked.get(0)).isEqualTo("null");
        assertThat(asked.get(1)).startsWith("bytes=");
    }

    /** A copy of the phantom's index files and videos under {@code into}. */
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

    @Test
    void aVideoReplacedByOneOfTheSameSizeBetweenEpochsIsDecodedFromItsNewBytes(@TempDir Path after) throws Exception {
        Path served = nginx.root().resolve("echonet-same-size/data");
        List<EchoNetRecord> records = copyPhantom(served);
        copyPhantom(after);
        // the largest video is replaced by the next largest, padded with zeros to exactly its size: decoded with the
        // old layout, its clip came out wrong without any error
        EchoNetRecord big = records.stream()
                .max(java.util.Comparator.comparingLong(r -> r.video().toFile().length()))
                .orElseThrow();
        EchoNetRecord small = records.stream()
                .filter(r -> r != big)
                .max(java.util.Comparator.comparingLong(r -> r.video().toFile().length()))
                .orElseThrow();
        String name = big.video().getFileName().toString();
        byte[] replacement = java.util.Arrays.copyOf(Files.readAllBytes(small.video()), (int) Files.size(big.video()));
        assertThat(replacement)
                .hasSize((int) Files.size(served.resolve("Videos").resolve(name)));
        assertThat(replacement).isNotEqualTo(Files.readAllBytes(big.video()));
        Files.write(after.resolve("Videos").resolve(name), replacement);

        int n = records.size();
        List<String> before = samples(
                Datasets.open("echonet", PhantomDatasets.echonet(), "all", options()), new ArrayList<>(), 2, e -> {});
        List<String> replaced =
                samples(Datasets.open("echonet", after, "all", options()), new ArrayList<>(), 2, e -> {});
        List<String> expected = new ArrayList<>(before.subList(0, n)); // epoch 0: the old video
        expected.addAll(replaced.subList(n, 2 * n)); // epoch 1: the new one
        assertThat(expected).isNotEqualTo(before);

        Path target = served.resolve("Videos").resolve(name);
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet-same-size");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> got =
                samples(Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures, 2, e -> {
                    if (e == 1) {
                        try {
                            // atomically, as a sync tool would; a later mtime, so nginx's ETag (mtime-size) changes
                            // even within the second the old file was written
                            Path tmp = target.resolveSibling(name + ".tmp");
                            Files.write(tmp, replacement);
                            Files.setLastModifiedTime(
                                    tmp,
                                    java.nio.file.attribute.FileTime.fromMillis(
                                            Files.getLastModifiedTime(target).toMillis() + 3_600_000));
                            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        } catch (IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    }
                });
        assertThat(failures).isEmpty();
        assertThat(got).isEqualTo(expected);
        // epoch 1's range request carried the layout's ETag, and nginx answered with the whole new object
        List<FaultProxy.Request> asked = proxy.requests("/echonet-same-size/data/Videos/" + name);
        assertThat(asked).hasSize(2);
        assertThat(asked.get(1).header("range")).startsWith("bytes=");
        assertThat(asked.get(1).header("if-range")).startsWith("\"");
        assertThat(Files.readString(nginx.access()))
                .contains("/echonet-same-size/data/Videos/" + name + " 200 \""
                        + asked.get(1).header("range") + "\" " + replacement.length);
    }

    @Test
    void videosWithoutAnIndexOrWithInterFramesEqualLocalSamplesFetchedAsTheirShapeAllows(@TempDir Path local)
            throws Exception {
        // the same odd videos locally and on the server: the first re-encoded with inter frames, the second's idx1
        // hidden
        Path src = PhantomDatasets.echonet();
        List<EchoNetRecord> records = EchoNetReader.read(src).select("all");
        Path served = nginx.root().resolve("echonet-odd/data");
        for (Path into : List.of(local, served)) {
            Files.createDirectories(into.resolve("Videos"));
            Files.copy(src.resolve("FileList.csv"), into.resolve("FileList.csv"));
            Files.copy(src.resolve("VolumeTracings.csv"), into.resolve("VolumeTracings.csv"));
            for (EchoNetRecord r : records) {
                Files.copy(r.video(), into.resolve("Videos").resolve(r.video().getFileName()));
            }
        }
        String inter = records.get(0).video().getFileName().toString();
        String unindexed = records.get(1).video().getFileName().toString();
        OddVideos.reencodeAsMpeg4(records.get(0), local.resolve("Videos").resolve(inter));
        Files.copy(
                local.resolve("Videos").resolve(inter),
                served.resolve("Videos").resolve(inter),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        OddVideos.hideIndex(local.resolve("Videos").resolve(unindexed));
        OddVideos.hideIndex(served.resolve("Videos").resolve(unindexed));

        List<SampleFailure> failures = new ArrayList<>();
        List<String> expected = samples(Datasets.open("echonet", local, "all", options()), failures, 3, e -> {});
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet-odd");
        List<String> remote = samples(
                Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures, 3, e -> {});
        assertThat(failures).isEmpty();
        assertThat(remote).isEqualTo(expected).hasSize(3 * records.size());
        // inter frames: no layout, so every epoch fetches the whole video
        assertThat(proxy.requests("/echonet-odd/data/Videos/" + inter))
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.header("range")).isNull());
        // no index: whole once, the layout learned from its packets in memory, then one range per clip
        List<String> ranges = proxy.requests("/echonet-odd/data/Videos/" + unindexed).stream()
                .map(r -> String.valueOf(r.header("range")))
                .toList();
        assertThat(ranges).hasSize(3);
        assertThat(ranges.get(0)).isEqualTo("null");
        assertThat(ranges.subList(1, 3)).allSatisfy(r -> assertThat(r).matches("bytes=\\d+-\\d+"));
    }

    @Test
    void anUnreachableServerIsReportedForTheRootsFileListWithoutTryingDataToo() throws IOException {
        URI nobody = URI.create("http://127.0.0.1:" + Nginx.freePort() + "/echonet");
        HttpStoreOptions twice = HttpStoreOptions.builder()
                .maxAttempts(2)
                .backoff(java.time.Duration.ofMillis(10))
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Datasets.openRemote("echonet", nobody, twice, "all", null, options()))
                .isInstanceOf(RemoteException.class)
                .hasMessageStartingWith(nobody + "/FileList.csv: failed after 2 attempts; last: Connection refused")
                .satisfies(e -> assertThat(((RemoteException) e).attempts()).isEqualTo(2));
    }

    @Test
    void anIndexFileTrickledByteByByteFailsTheOpeningAtTheReadDeadline() throws Exception {
        try (TricklingServer trickle = new TricklingServer(1_000_000, Duration.ofMillis(100))) {
            URI root = URI.create("http://127.0.0.1:" + trickle.port() + "/echonet?sig=secret");
            // 3 s, not less: the JVM's first request (Netty's classes and native transport) can take a second
            HttpStoreOptions deadline = HttpStoreOptions.builder()
                    .readDeadline(Duration.ofSeconds(3))
                    .build();
            long start = System.nanoTime();
            assertThatThrownBy(() -> Datasets.openRemote("echonet", root, deadline, "all", null, options()))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageStartingWith("http://127.0.0.1:" + trickle.port()
                            + "/echonet/FileList.csv?...: not received within the read deadline of 3 s"
                            + " (HttpStoreOptions.readDeadline)")
                    .hasMessageNotContaining("secret");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("failed after %d ms", millis).isBetween(2_900L, 15_000L);
            // the server answered: a slow root is not a reason to look under data/
            assertThat(trickle.targets()).containsExactly("/echonet/FileList.csv?sig=secret");
        }
    }

    @Test
    void anErrorPageServedAsTheIndexIsRefusedNamingItsUrlNotALocalCopy() throws Exception {
        byte[] page = "<html><body>Service temporarily unavailable</body></html>".getBytes(StandardCharsets.US_ASCII);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
            out.write(ScriptedServer.head("200 OK", "Content-Type: text/html", "Content-Length: " + page.length));
            out.write(page);
            return true;
        })) {
            URI root = URI.create("http://alice:s3cret@127.0.0.1:" + server.port() + "/echonet?sig=secret");
            assertThatThrownBy(() -> Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("http://127.0.0.1:" + server.port()
                            + "/echonet/FileList.csv?...: missing required columns FileName")
                    .hasMessageContaining("header is [<html><body>Service temporarily unavailable</body></html>]")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void aVideoThatFailsToDecodeUnderARootWithUserInfoIsNamedWithoutIt() throws IOException {
        Path served = nginx.root().resolve("echonet-corrupt/data");
        Path src = PhantomDatasets.echonet();
        Files.createDirectories(served.resolve("Videos"));
        Files.copy(src.resolve("FileList.csv"), served.resolve("FileList.csv"));
        Files.copy(src.resolve("VolumeTracings.csv"), served.resolve("VolumeTracings.csv"));
        List<EchoNetRecord> records = EchoNetReader.read(src).select("all");
        for (EchoNetRecord r : records) {
            Files.copy(r.video(), served.resolve("Videos").resolve(r.video().getFileName()));
        }
        String corrupt = records.get(0).video().getFileName().toString();
        byte[] noise = new byte[50_000];
        new java.util.Random(3).nextBytes(noise);
        Files.write(served.resolve("Videos").resolve(corrupt), noise);
        URI root = URI.create("http://alice:s3cret@127.0.0.1:" + nginx.port() + "/echonet-corrupt?sig=x");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> got =
                samples(Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures);
        assertThat(got).hasSize(records.size() - 1);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).id()).isEqualTo(records.get(0).id());
        assertThat(failures.get(0).stage()).isEqualTo(Stage.DECODE);
        assertThat(failures.get(0).reason())
                .startsWith("http://127.0.0.1:" + nginx.port() + "/echonet-corrupt/data/Videos/" + corrupt + "?...: ")
                .doesNotContain("alice")
                .doesNotContain("s3cret")
                .doesNotContain("sig=x");
        assertThat(failures.get(0).toString()).doesNotContain("alice").doesNotContain("s3cret");
    }

    @Test
    void theArchiveFolderIsFoundAndARootWithoutFileListNamesEachPlaceAsked() throws IOException {
        // served as the download unpacks: <root>/EchoNet-Dynamic/{FileList.csv, VolumeTracings.csv, Videos/}
        Path unpacked = Files.createDirectories(nginx.root().resolve("echonet-archive/EchoNet-Dynamic"));
        Path data = nginx.root().resolve("echonet/data");
        Files.copy(data.resolve("FileList.csv"), unpacked.resolve("FileList.csv"));
        Files.copy(data.resolve("VolumeTracings.csv"), unpacked.resolve("VolumeTracings.csv"));
        Files.createSymbolicLink(unpacked.resolve("Videos"), data.resolve("Videos"));
        String base = "http://127.0.0.1:" + nginx.port();
        List<String> local =
                samples(Datasets.open("echonet", PhantomDatasets.echonet(), "all", options()), new ArrayList<>());
        assertThat(samples(
                        Datasets.openRemote(
                                "echonet",
                                URI.create(base + "/echonet-archive"),
                                DEFAULT_STORE,
                                "all",
                                null,
                                options()),
                        new ArrayList<>()))
                .isEqualTo(local);

        Files.createDirectories(nginx.root().resolve("echonet-nothing"));
        assertThatThrownBy(() -> Datasets.openRemote(
                        "echonet", URI.create(base + "/echonet-nothing"), DEFAULT_STORE, "all", null, options()))
                .isInstanceOf(DatasetException.class)
                .hasMessage(base + "/echonet-nothing/FileList.csv: not found (HTTP 404 there, at " + base
                        + "/echonet-nothing/data/FileList.csv and at " + base
                        + "/echonet-nothing/EchoNet-Dynamic/FileList.csv)");
    }

    @Test
    void aMissingRemoteVideoIsAFailedSampleNamingItsUrl() throws IOException {
        Path hidden = nginx.root().resolve("echonet-missing/data");
        Files.createDirectories(hidden.resolve("Videos"));
        Path src = PhantomDatasets.echonet();
        Files.copy(src.resolve("FileList.csv"), hidden.resolve("FileList.csv"));
        Files.copy(src.resolve("VolumeTracings.csv"), hidden.resolve("VolumeTracings.csv"));
        List<EchoNetRecord> records = EchoNetReader.read(src).select("all");
        for (EchoNetRecord r : records.subList(1, records.size())) {
            Files.copy(r.video(), hidden.resolve("Videos").resolve(r.video().getFileName()));
        }
        URI root = URI.create("http://127.0.0.1:" + nginx.port() + "/echonet-missing");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> got =
                samples(Datasets.openRemote("echonet", root, DEFAULT_STORE, "all", null, options()), failures);
        assertThat(got).hasSize(records.size() - 1);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).id()).isEqualTo(records.get(0).id());
        assertThat(failures.get(0).stage()).isEqualTo(Stage.FETCH);
        assertThat(failures.get(0).reason())
                .contains(records.get(0).video().getFileName().toString())
                .contains("404");
    }
}
