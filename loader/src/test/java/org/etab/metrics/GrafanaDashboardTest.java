package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config/grafana/etab-dashboard.json} and {@code config/prometheus.yml} against what a real run exposes:
 * every series the dashboard's PromQL names is in a scrape of {@code /metrics} over HTTP (the JVM's with
 * {@link JvmMeters} bound, as the command line binds them), except the GPU feed row's, which the CUDA feeder binds
 * (etab-cuda's {@code FeederDashboardTest} checks those).
 */
class GrafanaDashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Series names: the pipeline's ({@code etab_}) and the JVM's ({@link JvmMeters}: jvm_, process_, system_). */
    private static final Pattern METRIC = Pattern.compile("\\b(?:etab|jvm|process|system)_[a-zA-Z0-9_]+");

    private static final Pattern SELECTOR = Pattern.compile("((?:etab|jvm|process|system)_[a-zA-Z0-9_]+)\\{([^}]*)}");
    private static final Pattern QUANTILE = Pattern.compile("quantile=\"([0-9.]+)\"");
    /** The GPU feed row's series: the CUDA feeder's binder, checked by etab-cuda's FeederDashboardTest. */
    private static final Pattern FEEDER = Pattern.compile("etab_(?:upload|normalize)_.*");

    private static JsonNode dashboard;
    private static Path config;

    @BeforeAll
    static void load() throws Exception {
        config = configDirectory();
        dashboard = JSON.readTree(config.resolve("grafana/etab-dashboard.json").toFile());
    }

    /** The repository's {@code config/} (tests run in the module directory). */
    static Path configDirectory() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/grafana/etab-dashboard.json"))) {
                return p.resolve("config");
            }
        }
        throw new AssertionError("config/grafana/etab-dashboard.json not found above "
                + Path.of("").toAbsolutePath());
    }

    /** Every PromQL text in the dashboard: panel targets and the template variables' queries. */
    private static List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                out.add(t.get("expr").asText());
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.hasNonNull("definition")) {
                out.add(v.get("definition").asText());
            }
            if (v.path("query").isObject()) {
                out.add(v.get("query").path("query").asText());
            }
        }
        return out;
    }

    @Test
    void dashboardIsWellFormed() {
        assertThat(dashboard.get("title").asText()).isNotBlank();
        assertThat(dashboard.get("schemaVersion").asInt()).isPositive();
        Set<Integer> ids = new HashSet<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt()))
                    .as("unique panel id %s", panel.get("id"))
                    .isTrue();
            JsonNode pos = panel.get("gridPos");
            assertThat(pos.get("x").asInt() + pos.get("w").asInt())
                    .as(panel.get("title").asText())
                    .isLessThanOrEqualTo(24);
            if (!panel.get("type").asText().equals("row")) {
                titles.add(panel.get("title").asText());
                assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
                assertThat(panel.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
            }
        }
        assertThat(String.join("|", titles).toLowerCase())
                .contains(
                        "throughput",
                        "frames",
                        "stall",
                        "queue",
                        "failed samples by stage",
                        "time per sample",
                        "time per batch");
    }

    @Test
    void everySeriesTheDashboardQueriesIsExposed(@TempDir Path tmp) throws Exception {
        Set<String> used = new TreeSet<>();
        for (String e : expressions()) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(used.removeIf(name -> FEEDER.matcher(name).matches()))
                .as("the GPU feed row")
                .isTrue();
        // the catalogue in docs/metrics.md, as Prometheus names it
        assertThat(used)
                .contains(
                        "etab_samples_total",
                        "etab_frames_decoded_total",
                        "etab_bytes_read_bytes_total",
                        "etab_consumer_wait_seconds_sum",
                        "etab_batches_ready",
                        "etab_batches_inflight",
                        "etab_pool_buffers",
                        "etab_pool_outstanding",
                        "etab_errors_total",
                        "etab_decode_seconds",
                        "etab_decode_seconds_count",
                        "etab_batch_seconds",
                        "etab_batch_seconds_sum",
                        "process_cpu_usage",
                        "system_cpu_usage",
                        "jvm_compilation_time_ms_total",
                        "jvm_gc_pause_seconds_sum",
                        "jvm_memory_used_bytes");

        List<EchoNetRecord> records = MetricsTestSupport.damagedPhantom(tmp.resolve("echonet"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JsonNode prometheus = new ObjectMapper(new YAMLFactory())
                .readTree(config.resolve("prometheus.yml").toFile());
        JsonNode job = prometheus.get("scrape_configs").get(0);
        String target = job.get("static_configs").get(0).get("targets").get(0).asText();
        String host = target.substring(0, target.lastIndexOf(':'));
        assertThat(host).isEqualTo(MetricsServer.DEFAULT_HOST);
        try (MetricsServer server = MetricsServer.start(registry, host, 0);
                JvmMeters jvm = JvmMeters.bindTo(registry);
                Pipeline p = MetricsTestSupport.pipeline(records, registry)) {
            MetricsTestSupport.runEpoch(p, 0);
            // the path Prometheus is told to scrape, on the host it is told to scrape
            String url = "http://" + host + ":" + server.port()
                    + job.get("metrics_path").asText();
            // jvm_gc_pause_seconds appears with the first collection the JVM reports (asynchronously) after binding
            System.gc();
            String scrape = MetricsTestSupport.get(url).body();
            for (long end = System.nanoTime() + 30_000_000_000L;
                    !scrape.contains("jvm_gc_pause_seconds_sum") && System.nanoTime() < end; ) {
                Thread.sleep(50);
                scrape = MetricsTestSupport.get(url).body();
            }
            Map<String, Integer> exposed = MetricsTestSupport.seriesNames(scrape);
            assertThat(exposed.keySet()).containsAll(used);
            for (String e : expressions()) {
                Matcher m = SELECTOR.matcher(e);
                while (m.find()) {
                    Matcher q = QUANTILE.matcher(m.group(2));
                    if (q.find() && !FEEDER.matcher(m.group(1)).matches()) {
                        assertThat(scrape)
                                .as(e)
                                .containsPattern(Pattern.quote(m.group(1)) + "\\{[^}]*quantile=\""
                                        + Pattern.quote(q.group(1)) + "\"");
                    }
                }
            }
        }
    }

    /**
     * The stall is a share of one consumer's wall time: summed over the processes Prometheus scrapes (two ranks each
     * waiting 90 % of the time read as 180 %), it would pass 100 %. Every sum of the consumer's wait rate that is not
     * divided by a count (the mean wait per batch) keeps the processes apart: grouped by {@code instance}.
     */
    @Test
    void theStallIsNeverSummedOverProcesses() {
        Pattern sum = Pattern.compile("\\bsum\\s*(?:by\\s*\\(([^)]*)\\))?\\s*\\(");
        List<String> shares = expressions().stream()
                .filter(e -> e.contains("etab_consumer_wait_seconds_sum") && !e.contains("_count"))
                .toList();
        assertThat(shares).as("the stall's expressions").hasSizeGreaterThanOrEqualTo(2);
        for (String e : shares) {
            Matcher m = sum.matcher(e);
            assertThat(m.find()).as(e).isTrue();
            do {
                assertThat(m.group(1))
                        .as("grouping of a sum in %s", e)
                        .isNotNull()
                        .contains("instance");
            } while (m.find());
        }
    }

    /**
     * A share of time reads at most 100 %. The consumer's and the upload's waits are recorded when they end, so the
     * rate of their sums over a window that a long wait straddles passes 1 (a bench run scraped by
     * {@code config/prometheus.yml} showed a stall of 100.5 %): each share is clamped. The upload's wait is one
     * feeder's (a process may run one per GPU, a job one per rank): summed over feeders it would pass 100 % too.
     */
    @Test
    void sharesOfTimeNeverReadAbove100Percent() {
        List<String> shares = expressions().stream()
                .filter(e ->
                        (e.contains("etab_consumer_wait_seconds_sum") || e.contains("etab_upload_wait_seconds_sum"))
                                && !e.contains("_count"))
                .toList();
        assertThat(shares).as("the waits' shares of time").hasSizeGreaterThanOrEqualTo(3);
        for (String e : shares) {
            assertThat(e.replace(" ", "")).as(e).startsWith("clamp_max(").endsWith(",1)");
        }
        Pattern sum = Pattern.compile("\\bsum\\s*(?:by\\s*\\(([^)]*)\\))?\\s*\\(");
        for (String e : shares) {
            if (e.contains("etab_upload_wait_seconds_sum")) {
                Matcher m = sum.matcher(e);
                while (m.find()) {
                    assertThat(m.group(1))
                            .as("grouping of a sum in %s", e)
                            .isNotNull()
                            .contains("instance", "feeder");
                }
            }
        }
    }
}
