package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.batch.DType;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.metrics.MetricsServer;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard's GPU feed row against what a feeder bound with {@link DeviceFeeder#bindTo} exposes: every
 * series its PromQL names, quantiles included, is in a scrape of {@code /metrics} over HTTP after one epoch through
 * a feeder attached to a pipeline (on the fake device), and the bytes counter says what was uploaded.
 */
class FeederDashboardTest {
    private static final Pattern FEEDER_SERIES = Pattern.compile("\\betab_(?:upload|normalize)_[a-z_]+");
    private static final Pattern QUANTILE_SELECTOR = Pattern.compile("(etab_[a-z_]+)\\{[^}]*quantile=\"([0-9.]+)\"");

    @Test
    void everySeriesOfTheGpuRowIsExposedByABoundFeeder(@TempDir Path dir) throws Exception {
        List<String> expressions = gpuRowExpressions();
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(3);

        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(4).seed(5).build()).write(dir);
        SampleOptions asked = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(4)
                .frameSize(16, 16)
                .clipStart(ClipStart.FIRST)
                .dtype(DType.FLOAT32)
                .build();
        FakeDevice device = new FakeDevice().timing(1e-6, 1e-6);
        FeederOptions fo = FeederOptions.builder()
                .normalization(Normalization.matching(asked))
                .build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        long uploaded = 0;
        String scrape;
        try (MetricsServer server = MetricsServer.start(registry, MetricsServer.DEFAULT_HOST, 0);
                Pipeline p = new Pipeline(
                        new EchoNetSource(EchoNetReader.read(dir).records(), DeviceFeeder.hostSamples(asked)),
                        fo.pipelineOptions(PipelineOptions.builder()
                                .batchSize(2)
                                .threads(2)
                                .build()),
                        registry,
                        new PinnedAllocator(device));
                DeviceFeeder feeder = DeviceFeeder.builder()
                        .device(device)
                        .pipeline(p)
                        .options(fo)
                        .build()
                        .bindTo(registry, "echonet")) {
            for (DeviceBatch db : feeder.feed(p.batches(0)).toIterable(1)) {
                try (db) {
                    db.synchronize();
                    uploaded += (long) db.size() * 3 * 4 * 16 * 16; // uint8 [3, 4, 16, 16] per sample
                }
            }
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url() + "metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            scrape = r.body();
        }
        Set<String> used = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = FEEDER_SERIES.matcher(e);
            while (m.find()) {
                used.add(m.group());
            }
            Matcher q = QUANTILE_SELECTOR.matcher(e);
            while (q.find()) {
                assertThat(scrape)
                        .as(e)
                        .containsPattern(
                                Pattern.quote(q.group(1)) + "\\{[^}]*quantile=\"" + Pattern.quote(q.group(2)) + "\"");
            }
        }
        assertThat(used)
                .contains(
                        "etab_upload_bytes_total",
                        "etab_upload_wait_seconds_sum",
                        "etab_upload_duration_seconds",
                        "etab_normalize_duration_seconds");
        for (String series : used) {
            assertThat(scrape).as(series).containsPattern("(?m)^" + Pattern.quote(series) + "[{ ]");
        }
        assertThat(uploaded).isPositive();
        assertThat(scrape)
                .containsPattern("(?m)^etab_upload_bytes_total\\{[^}]*dataset=\"echonet\"[^}]*} "
                        + Pattern.quote(uploaded + ".0") + "$");
        assertThat(device.violations()).isEmpty();
    }

    /** PromQL of the panels under the row titled "GPU feed", up to the next row. */
    private static List<String> gpuRowExpressions() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(dashboardFile().toFile());
        List<String> out = new ArrayList<>();
        boolean inRow = false;
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asText().equals("row")) {
                inRow = panel.get("title").asText().startsWith("GPU feed");
                continue;
            }
            if (inRow) {
                panel.get("targets").forEach(t -> out.add(t.get("expr").asText()));
            }
        }
        return out;
    }

    private static Path dashboardFile() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("config/grafana/etab-dashboard.json");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new AssertionError("config/grafana/etab-dashboard.json not found above "
                + Path.of("").toAbsolutePath());
    }
}
