package org.etab.dataset.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.dataset.EchoNetReader;
import org.etab.dataset.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.SampleFailure;
import org.etab.pipeline.SampleOptions;
import org.etab.sample.ClipSpec;
import org.etab.sample.ClipStart;
import org.etab.target.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EchoNet-Dynamic served by a real nginx on loopback (in ETAB's {@code data/} layout), through a fault-injecting
 * relay: the same samples as from disk, byte for byte, despite broken connections; a missing video is a
 * reported failure naming its URL.
 */
class RemoteEchoNetTest {
    private static Path dir;
    private static Nginx nginx;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(Nginx.available()).as("nginx not installed at " + Nginx.BINARY + " (apt-get install nginx): skipped")
                .isTrue();
        dir = Files.createTempDirectory("etab-remote-echonet");
        nginx = new Nginx(dir);
        Path served = Files.createDirectories(nginx.root().resolve("echonet/data"));
        Path src = PhantomDatasets.echonet();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = served.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
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
        return new SampleOptions(Target.EF, new ClipSpec(true, 16, 25, true, ClipStart.RANDOM), 64, 64, 3, true,
                DType.FLOAT32, 9, true);
    }

    /** id, frames and a checksum of every sample's bytes, in delivery order. */
    private static List<String> samples(Datasets.Opened opened, List<SampleFailure> failures) {
        List<String> out = new ArrayList<>();
        try (opened; Pipeline p = new Pipeline(opened.source(), PipelineOptions.defaults().withBatchSize(4).withThreads(2),
                new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    for (int i = 0; i < b.size(); i++) {
                        CRC32 crc = new CRC32();
                        crc.update(b.features().slotBytes(i));
                        crc.update(b.labels().slotBytes(i));
                        out.add(b.samples().get(i).id() + ":" + crc.getValue());
                    }
                }
            }
            failures.addAll(p.account().failures());
        }
        return out;
    }

    @Test
    void remoteSamplesEqualLocalOnesEvenWhenConnectionsBreak() throws IOException {
        List<String> local = samples(Datasets.open("echonet", PhantomDatasets.echonet(), "all", null, 0, options()),
                new ArrayList<>());
        assertThat(local).hasSize(PhantomDatasets.ECHONET_VIDEOS);

        // break a few downloads mid-body: the store resumes them with Range requests
        List<EchoNetRecord> records = EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (int i = 0; i < 3; i++) {
            proxy.script("/echonet/data/Videos/" + records.get(i).video().getFileName(), FaultProxy.Fault.cutAfter(20_000));
        }
        proxy.script("/echonet/data/Videos/" + records.get(3).video().getFileName(), FaultProxy.Fault.status(503));
        URI root = URI.create("http://127.0.0.1:" + proxy.port() + "/echonet?token=abc");
        List<SampleFailure> failures = new ArrayList<>();
        List<String> remote = samples(Datasets.openRemote("echonet", root, HttpStore.Options.defaults(), "all", null,
                options()), failures);
        assertThat(failures).isEmpty();
        assertThat(remote).isEqualTo(local);
        assertThat(proxy.requests("/echonet/data/Videos/" + records.get(0).video().getFileName()))
                .extracting(r -> r.header("range")).contains("bytes=20000-");
        assertThat(Files.readString(nginx.access())).contains("/echonet/data/FileList.csv?token=abc");
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
        List<String> got = samples(Datasets.openRemote("echonet", root, HttpStore.Options.defaults(), "all", null,
                options()), failures);
        assertThat(got).hasSize(records.size() - 1);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).id()).isEqualTo(records.get(0).id());
        assertThat(failures.get(0).stage()).isEqualTo("fetch");
        assertThat(failures.get(0).reason()).contains(records.get(0).video().getFileName().toString()).contains("404");
    }
}
