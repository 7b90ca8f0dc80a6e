package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.metrics.MetricsTestSupport.damagedPhantom;
import static org.etab.metrics.MetricsTestSupport.pipeline;
import static org.etab.metrics.MetricsTestSupport.runEpoch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard's queries evaluated by a real Prometheus ({@code /usr/bin/prometheus}: Debian's
 * {@code prometheus} package; skipped, with the reason, without it) that scrapes a real {@link MetricsServer} with
 * {@code config/prometheus.yml} (its target moved to the server's port, its interval shortened to 1 s).
 */
class GrafanaPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A run whose failures all happened before Prometheus's first scrape of them (a run shorter than the scrape
     * interval, which {@code --metrics-linger} keeps serving until one scrape; or Prometheus started late): the
     * "Failed samples" stat must say how many failed, as RESULT does, not 0 (increase() takes a series' first sample
     * as its baseline) nor more (increase() extrapolates to the ends of the range), and so must the last point of
     * "Failed samples by stage", per stage.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang guard
    void theFailedSamplesPanelsSayHowManyFailedThoughPrometheusFirstSawThemAllAtOnce(@TempDir Path dir)
            throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        Assumptions.assumeTrue(
                Files.isExecutable(prometheus), "no /usr/bin/prometheus (apt-get install prometheus) to run PromQL");
        List<EchoNetRecord> records = damagedPhantom(dir.resolve("data"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        long failed;
        String promUrl;
        Process prom = null;
        try (MetricsServer server = MetricsServer.start(registry, 0);
                Pipeline p = pipeline(records, registry)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                runEpoch(p, epoch);
            }
            failed = p.account().failed();
            assertThat(failed).isEqualTo(3);

            int promPort = freePort();
            promUrl = "http://127.0.0.1:" + promPort;
            String config =
                    Files.readString(GrafanaDashboardTest.configDirectory().resolve("prometheus.yml"));
            assertThat(config).contains("\"127.0.0.1:9464\"", "scrape_interval: 5s");
            Path yml = dir.resolve("prometheus.yml");
            Files.writeString(
                    yml,
                    config.replace("\"127.0.0.1:9464\"", "\"127.0.0.1:" + server.port() + "\"")
                            .replace("scrape_interval: 5s", "scrape_interval: 1s"));
            prom = new ProcessBuilder(
                            prometheus.toString(),
                            "--config.file=" + yml,
                            "--storage.tsdb.path=" + dir.resolve("tsdb"),
                            "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            // until Prometheus has stored the run's failures (the run is over: it sees them all in its first scrape)
            while (query(promUrl, "sum(etab_errors_total)") != failed) {
                assertThat(prom.isAlive()).as(() -> log(dir)).isTrue();
                Thread.sleep(200);
            }
            // while the run's series are live: the per-stage panel's last point, as Grafana draws it
            String byStage =
                    target("Failed samples by stage").replace("$dataset", ".*").replace("$__rate_interval", "1m");
            assertThat(queryBy(promUrl, byStage, "stage"))
                    .as(byStage)
                    .containsEntry("decode", (double) failed)
                    .containsEntry("fetch", 0.0)
                    .containsEntry("timeout", 0.0);
        }
        try {
            // the run has ended (its server closed), as when one looks at the dashboard afterwards
            String expr = target("Failed samples").replace("$dataset", ".*").replace("$__range", "5m");
            assertThat(query(promUrl, expr)).as(expr).isEqualTo(failed);
        } finally {
            prom.destroy();
            prom.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The first target's expression of the dashboard's panel titled {@code title}. */
    private static String target(String title) throws IOException {
        JsonNode dashboard = JSON.readTree(GrafanaDashboardTest.configDirectory()
                .resolve("grafana/etab-dashboard.json")
                .toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.path("title").asText().equals(title)) {
                return panel.get("targets").get(0).get("expr").asText();
            }
        }
        throw new AssertionError("no panel " + title);
    }

    /** An instant query's values by one label (empty when it has no result). */
    private static java.util.Map<String, Double> queryBy(String promUrl, String expr, String label)
            throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                promUrl + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        for (JsonNode series : JSON.readTree(r.body()).path("data").path("result")) {
            out.put(
                    series.path("metric").path(label).asText(),
                    Double.parseDouble(series.get("value").get(1).asText()));
        }
        return out;
    }

    /** An instant query's one value (a sum); -1 when it has no result. */
    private static double query(String promUrl, String expr) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    promUrl + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException starting) {
            return -1; // not listening yet
        }
        if (r.statusCode() != 200) {
            return -1; // not ready yet
        }
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        if (result.size() != 1) {
            return -1;
        }
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String log(Path dir) {
        try {
            File f = dir.resolve("prometheus.log").toFile();
            return f.exists() ? Files.readString(f.toPath()) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
