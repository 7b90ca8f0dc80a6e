package org.etab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.etab.api.DataTools;
import org.etab.api.Datasets;
import org.etab.api.EtabDataset;
import org.etab.api.Item;
import org.etab.api.SampleIterator;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.batch.Sample;
import org.etab.datasets.camus.CamusRelease;
import org.etab.metrics.JvmMeters;
import org.etab.metrics.MetricsServer;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.Leaks;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.etab.viz.VideoTools;
import org.etab.viz.Visualization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Each public entry point's lifecycle (open, use, close) run many times in one JVM, as a training service runs one
 * per experiment of a sweep: afterwards no thread, file descriptor, native byte or meter may be left of them. Each
 * lifecycle runs twice first, so that what a JVM loads once (classes, FFmpeg's tables) is in the baseline; the counts
 * after are taken once every thread the cycles started has ended (a bounded wait for that condition).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleLeakTest {
    private static final int CYCLES = 60;

    @TempDir
    Path tmp;

    /** Runs {@code cycle} twice, then {@code n} times, and checks that nothing is left of the {@code n}. */
    private static void leavesNothing(String what, int n, MeterRegistry registry, Leaks.Cycle cycle) throws Exception {
        Leaks.assertLeavesNothing(what, n, registry, true, cycle);
    }

    private static EtabDataset.Builder echonet(Path root) {
        return EtabDataset.builder()
                .name("echonet")
                .root(root)
                .split("all")
                .frameL(16)
                .frameW(16)
                .clipL(8)
                .threads(2);
    }

    @Test
    void theEtabStyleApiLeavesNothingBehind() throws Exception {
        Path root = PhantomDatasets.echonet();
        MeterRegistry global = Metrics.globalRegistry; // where the API's pipelines put their meters
        leavesNothing(
                "loadData(4, true)", CYCLES, global, i -> echonet(root).build().loadData(4, true));
        leavesNothing(
                "loadData(4, false)", CYCLES, global, i -> echonet(root).build().loadData(4, false));
        EtabDataset d = echonet(root).build();
        leavesNothing(
                "stream(epoch) consumed",
                CYCLES,
                global,
                i -> d.stream(i).doOnNext(Sample::close).blockLast());
        leavesNothing(
                "stream(epoch).take(2)",
                CYCLES,
                global,
                i -> d.stream(i).take(2).doOnNext(Sample::close).blockLast());
        leavesNothing("stream(epoch) failing in the subscriber", CYCLES, global, i -> {
            Flux<Sample> failing = d.stream(i).doOnNext(s -> {
                s.close();
                throw new IllegalStateException("a training step failed");
            });
            assertThatThrownBy(failing::blockLast).hasMessage("a training step failed");
        });
        leavesNothing("iterate(epoch) left after one sample", CYCLES, global, i -> {
            try (SampleIterator samples = d.iterate(i)) {
                samples.next().close();
            }
        });
        EtabDataset loaded = echonet(root).build().loadData(0);
        leavesNothing("trainingDataSplit", CYCLES, global, i -> DataTools.trainingDataSplit(loaded));
    }

    @Test
    void drawingLeavesNothingBehindButTheFilesAsked() throws Exception {
        Path root = PhantomDatasets.echonet();
        EtabDataset.Builder gray = echonet(root).channels(1).normalize(false);
        Item frame =
                gray.target("LV_seg").video(false).build().loadData(1).data().get(0);
        Item clip = gray.target("EF").video(true).build().loadData(1).data().get(0);
        Path out = Files.createDirectories(tmp.resolve("out"));
        leavesNothing("plotSegment", CYCLES, null, i -> {
            Visualization.plotSegment(frame.x(), frame.y(), true, Color.RED, out.resolve("lv.png"));
        });
        leavesNothing("createEchoClip", CYCLES, null, i -> {
            VideoTools.createEchoClip(clip.x(), out.resolve("clip.gif"), 50);
        });
        try (Stream<Path> files = Files.list(out)) { // no temporary file of a replaced picture is left
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("lv.png", "clip.gif");
        }
    }

    private static OpenedDataset open(String dataset, Path root) {
        SampleOptions options = SampleOptions.builder()
                .target(Datasets.defaultTarget(dataset))
                .video(dataset.equals("echonet"))
                .clipLength(8)
                .frameSize(16, 16)
                .build();
        return Datasets.open(dataset, root, "all", options);
    }

    @Test
    void pipelinesOverEachDatasetLeaveNothingBehind() throws Exception {
        PipelineOptions options =
                PipelineOptions.builder().batchSize(2).threads(2).build();
        List<Path> roots =
                List.of(PhantomDatasets.echonet(), CamusPhantoms.camus(CamusRelease.MHD), TmedPhantoms.tmed());
        List<String> names = List.of("echonet", "camus", "tmed");
        int n = CYCLES / 3;
        for (int k = 0; k < names.size(); k++) {
            String name = names.get(k);
            Path root = roots.get(k);
            // the caller's registry: every meter a pipeline put there goes with its close
            MeterRegistry registry = new SimpleMeterRegistry();
            leavesNothing(name + ": full epochs", n, registry, i -> {
                try (OpenedDataset o = open(name, root);
                        Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE)) {
                    p.batches(i).doOnNext(Batch::close).blockLast();
                }
            });
            leavesNothing(name + ": a for loop that breaks", n, registry, i -> {
                try (OpenedDataset o = open(name, root);
                        Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE)) {
                    for (Batch b : p.consume(p.batches(i))) {
                        b.close();
                        break;
                    }
                }
            });
            leavesNothing(name + ": an iteration left early, everything closed twice", n, registry, i -> {
                OpenedDataset o = open(name, root);
                Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE);
                try (BatchIterator<Batch> batches = p.iterate(i)) {
                    batches.next().close();
                }
                p.close();
                p.close();
                o.close();
                o.close();
            });
            leavesNothing(name + ": a cancelled stream", n, registry, i -> {
                try (OpenedDataset o = open(name, root);
                        Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE)) {
                    p.batches(i).take(1).doOnNext(Batch::close).blockLast();
                }
            });
            leavesNothing(name + ": closed while an epoch runs", n, registry, i -> {
                try (OpenedDataset o = open(name, root)) {
                    Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE);
                    Disposable running = p.batches(i).subscribe(Batch::close, e -> {});
                    p.close();
                    running.dispose();
                }
            });
            assertThat(registry.getMeters()).as(name).isEmpty();
        }
    }

    @Test
    void aCorruptVideoLeavesNothingBehindUnderEitherPolicy() throws Exception {
        Path root = tmp.resolve("echonet");
        Files.createDirectories(root);
        PhantomDatasets.echonetWithACorruptVideo(root);
        leavesNothing("a strict loadData failing", CYCLES, Metrics.globalRegistry, i -> {
            assertThatThrownBy(() -> echonet(root).strict(true).build().loadData(0, i % 2 == 0))
                    .isInstanceOf(SampleException.class);
        });
        for (ErrorPolicy policy : ErrorPolicy.values()) {
            PipelineOptions options = PipelineOptions.builder()
                    .batchSize(2)
                    .threads(2)
                    .onError(policy)
                    .build();
            MeterRegistry registry = new SimpleMeterRegistry();
            leavesNothing("a corrupt video, " + policy, CYCLES / 2, registry, i -> {
                try (OpenedDataset o = open("echonet", root);
                        Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE)) {
                    p.batches(i).doOnNext(Batch::close).onErrorComplete().blockLast();
                    assertThat(p.account().failures()).isNotEmpty();
                }
            });
        }
    }

    @Test
    void manyPipelinesAliveAtOnceLeaveNothingOnceClosed() throws Exception {
        PipelineOptions options =
                PipelineOptions.builder().batchSize(2).threads(2).build();
        MeterRegistry registry = new SimpleMeterRegistry();
        leavesNothing("30 pipelines open at once", 2, registry, round -> {
            List<OpenedDataset> opened = new ArrayList<>();
            List<Pipeline> pipelines = new ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) {
                    opened.add(open("echonet", PhantomDatasets.echonet()));
                    pipelines.add(new Pipeline(opened.get(i).source(), options, registry, HostAllocator.NATIVE));
                    pipelines.get(i).batches(i).take(1).doOnNext(Batch::close).blockLast();
                }
            } finally {
                pipelines.forEach(Pipeline::close);
                opened.forEach(OpenedDataset::close);
            }
        });
    }

    @Test
    void metricsServersAndTheirPipelinesLeaveNothingBehind() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        leavesNothing("MetricsServer start, scrape, stop", CYCLES, registry, i -> {
            try (MetricsServer server = MetricsServer.start(registry, 0)) {
                assertThat(get(server.port(), "/metrics")).startsWith("HTTP/1.0 200");
            }
        });
        try (MetricsServer taken = MetricsServer.start(registry, 0)) {
            leavesNothing("MetricsServer refused a port in use", CYCLES, registry, i -> {
                assertThatThrownBy(() -> MetricsServer.start(registry, taken.port()))
                        .isInstanceOf(IllegalArgumentException.class);
            });
            PipelineOptions options =
                    PipelineOptions.builder().batchSize(2).threads(2).build();
            leavesNothing("a pipeline on the served registry, scraped", CYCLES / 2, registry, i -> {
                try (OpenedDataset o = open("echonet", PhantomDatasets.echonet());
                        Pipeline p = new Pipeline(o.source(), options, registry, HostAllocator.NATIVE)) {
                    p.batches(i).take(1).doOnNext(Batch::close).blockLast();
                    assertThat(get(taken.port(), "/metrics")).contains("etab_samples_total");
                }
            });
            assertThat(get(taken.port(), "/metrics")).doesNotContain("etab_");
        }
        JvmMeters.bindTo(registry).close(); // its meters stay in the registry by design: bound once before counting
        leavesNothing("JvmMeters bind and close", CYCLES, registry, i -> {
            try (JvmMeters jvm = JvmMeters.bindTo(registry)) {
                assertThat(jvm).isNotNull();
            }
        });
    }

    /** GET over a plain socket (HTTP/1.0, the server closes): no client of its own with threads to count. */
    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
