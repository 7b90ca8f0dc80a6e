package org.etab.examples;

// README: metrics starts
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.metrics.JvmMeters;
import org.etab.metrics.MetricsServer;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

public final class MetricsExample {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        SampleOptions options = SampleOptions.builder().target(Target.EF).clipLength(16).frameSize(64, 64).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (OpenedDataset echonet = Datasets.open("echonet", root, "all", options);
                MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0);   // 0: any free port
                JvmMeters jvm = JvmMeters.bindTo(registry);        // CPU, memory, GC, JIT: the dashboard's Process row
                Pipeline pipeline = new Pipeline(echonet.source(), PipelineOptions.builder().batchSize(4).build(),
                        registry, HostAllocator.NATIVE);
                BatchIterator<Batch> batches = pipeline.iterate(0)) {
            while (batches.hasNext()) {
                batches.next().close();                            // train here
            }
            String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();   // what Prometheus scrapes
            text.lines().filter(l -> l.startsWith("etab_samples") || l.startsWith("jvm_compilation"))
                    .forEach(System.out::println);
        }
    }
}
// README: metrics ends
