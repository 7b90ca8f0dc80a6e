package org.etab.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;

/** Shared pieces of the metrics server tests: a pipeline on a damaged phantom, HTTP on loopback, scrape parsing. */
final class MetricsTestSupport {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MetricsTestSupport() {}

    /** A copy of the EchoNet phantom with its first video deleted: that sample fails at stage {@code decode}. */
    static List<EchoNetRecord> damagedPhantom(Path into) {
        try {
            Path src = PhantomDatasets.echonet();
            Files.createDirectories(into.resolve("Videos"));
            for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
                Files.copy(src.resolve(f), into.resolve(f));
            }
            try (var videos = Files.list(src.resolve("Videos"))) {
                for (Path v : (Iterable<Path>) videos::iterator) {
                    Files.copy(v, into.resolve("Videos").resolve(v.getFileName()));
                }
            }
            List<EchoNetRecord> records = EchoNetReader.read(into).select("all");
            Files.delete(records.get(0).video());
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small, quick pipeline: 8-frame clips at 25 fps, RGB 32x32, batches of 4 on 2 threads. */
    static Pipeline pipeline(List<EchoNetRecord> records, MeterRegistry registry) {
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(8)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.FIRST)
                .frameSize(32, 32)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(1)
                .shuffle(false)
                .build();
        return new Pipeline(
                new EchoNetSource(records, o),
                PipelineOptions.builder().batchSize(4).threads(2).build(),
                registry,
                HostAllocator.NATIVE);
    }

    /** Streams one epoch the way a training loop does ({@code consume}, so the stall is recorded). */
    static void runEpoch(Pipeline p, int epoch) {
        for (Batch b : p.consume(p.batches(epoch))) {
            b.close();
        }
    }

    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    /**
     * Sums the values of the series of one name in Prometheus text whose labels contain every {@code label="value"}
     * of {@code labels} (e.g. {@code stage="decode"}).
     */
    static double sum(String scrape, String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find() || !m.group(1).equals(name)) {
                continue;
            }
            String labelText = m.group(2) == null ? "" : m.group(2);
            boolean all = true;
            for (String l : labels) {
                all &= labelText.contains(l);
            }
            if (all) {
                total += Double.parseDouble(m.group(3));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no series " + name + " " + List.of(labels) + " in the scrape");
        }
        return total;
    }

    /** Every series name in Prometheus text, with its number of series. */
    static Map<String, Integer> seriesNames(String scrape) {
        Map<String, Integer> names = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                names.merge(m.group(1), 1, Integer::sum);
            }
        }
        return names;
    }
}
