package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.etab.metrics.MetricsTestSupport.get;
import static org.etab.metrics.MetricsTestSupport.sum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.RunAccount;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTP on loopback: what each endpoint answers, binding errors, and the port after close. */
class MetricsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metricsAndStatsAfterARunMatchTheAccount(@TempDir Path tmp) throws Exception {
        List<EchoNetRecord> records = MetricsTestSupport.damagedPhantom(tmp.resolve("echonet"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0);
                Pipeline p = MetricsTestSupport.pipeline(records, registry)) {
            MetricsTestSupport.runEpoch(p, 0);
            RunAccount account = p.account();
            assertThat(account.delivered()).isEqualTo(records.size() - 1);
            assertThat(account.failed()).isEqualTo(1);

            HttpResponse<String> res = get(server.url() + "metrics");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValue(MetricsServer.PROMETHEUS_TEXT);
            String text = res.body();
            assertThat(sum(text, "etab_samples_total", "dataset=\"echonet\"")).isEqualTo(account.delivered());
            assertThat(sum(text, "etab_errors_total", "stage=\"decode\"")).isEqualTo(account.failed());
            assertThat(sum(text, "etab_errors_total")).isEqualTo(account.failed());
            assertThat(sum(text, "etab_decode_seconds_count")).isEqualTo(account.delivered());
            assertThat(sum(text, "etab_frames_decoded_total"))
                    .isEqualTo(registry.get("etab.frames.decoded").counter().count())
                    .isEqualTo(account.delivered() * 8.0);
            assertThat(sum(text, "etab_bytes_read_bytes_total"))
                    .isEqualTo(p.bytesRead())
                    .isPositive();
            int batches = (int) Math.ceil(records.size() / 4.0);
            assertThat(sum(text, "etab_batch_seconds_count")).isEqualTo(batches);
            // hasNext once per batch and once more at the end
            assertThat(sum(text, "etab_consumer_wait_seconds_count")).isEqualTo(batches + 1);
            assertThat(sum(text, "etab_batches_ready")).isZero();
            assertThat(sum(text, "etab_batches_inflight")).isZero();
            assertThat(text).contains("etab_decode_seconds{dataset=\"echonet\"", "quantile=\"0.99\"");

            HttpResponse<String> stats = get(server.url() + "api/stats");
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.headers().firstValue("content-type")).hasValue(MetricsServer.JSON);
            JsonNode s = JSON.readTree(stats.body());
            assertThat(s.get("samples").asLong()).isEqualTo(account.delivered());
            assertThat(s.get("frames").asLong()).isEqualTo(account.delivered() * 8);
            assertThat(s.get("errors").asLong()).isEqualTo(1);
            assertThat(s.get("errorsByStage").get("decode").asLong()).isEqualTo(1);
            assertThat(s.get("pipelines").asInt()).isEqualTo(1);
            assertThat(s.get("datasets").get(0).asText()).isEqualTo("echonet");
            assertThat(s.get("samplesPerSecond").asDouble()).isPositive();
            assertThat(s.get("batchesReady").asDouble()).isZero();
            assertThat(s.get("millis").get("decode").get("count").asLong()).isEqualTo(account.delivered());
            assertThat(s.get("millis").get("decode").get("p99").asDouble()).isPositive();
        }
        // the pipeline took its meters with it; the registry is the caller's and stays usable
        assertThat(registry.find("etab.samples").counters()).isEmpty();
    }

    @Test
    void everyStageHasItsErrorCounterAtZeroBeforeItsFirstFailure(@TempDir Path tmp) throws Exception {
        // Prometheus takes a series' first sample as its baseline: a counter that first appears at 1 adds nothing to
        // increase() or rate(), so the dashboard's "Failed samples" would never show a stage's first failures
        List<EchoNetRecord> records = MetricsTestSupport.damagedPhantom(tmp.resolve("echonet"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<String> stages = List.of("plan", "fetch", "decode", "timeout", "target", "internal");
        try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0);
                Pipeline p = MetricsTestSupport.pipeline(records, registry)) {
            String before = get(server.url() + "metrics").body();
            for (String stage : stages) {
                assertThat(sum(before, "etab_errors_total", "stage=\"" + stage + "\""))
                        .as(stage)
                        .isZero();
            }
            assertThat(MetricsTestSupport.seriesNames(before)).containsEntry("etab_errors_total", stages.size());

            MetricsTestSupport.runEpoch(p, 0);
            String after = get(server.url() + "metrics").body();
            assertThat(sum(after, "etab_errors_total", "stage=\"decode\"")).isEqualTo(1);
            assertThat(sum(after, "etab_errors_total")).isEqualTo(p.account().failed());
            // the page's chart lists the stages that failed, not six lines at 0
            JsonNode byStage =
                    JSON.readTree(get(server.url() + "api/stats").body()).get("errorsByStage");
            assertThat(byStage.size()).isEqualTo(1);
            assertThat(byStage.get("decode").asLong()).isEqualTo(1);
        }
        assertThat(registry.find("etab.errors").meters()).isEmpty();
    }

    @Test
    void healthAnswersUp() throws Exception {
        try (MetricsServer server = MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 0)) {
            assertThat(server.host()).isEqualTo(MetricsServer.DEFAULT_HOST);
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> res = get(server.url() + "health");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(res.body()).get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void aServerOnEveryInterfaceNamesLocalhostInItsUrl() throws Exception {
        try (MetricsServer server =
                MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "0.0.0.0", 0)) {
            assertThat(server.host()).isEqualTo("0.0.0.0");
            assertThat(server.url()).isEqualTo("http://localhost:" + server.port() + "/");
            assertThat(get(server.url() + "health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void dashboardPageIsSelfContainedHtml() {
        try (MetricsServer server = MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 0)) {
            HttpResponse<String> res = get(server.url());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            String page = res.body();
            assertThat(page)
                    .startsWith("<!DOCTYPE html>")
                    .contains(
                            "id=\"throughput\"",
                            "id=\"stall\"",
                            "id=\"batches-ready\"",
                            "id=\"errors\"",
                            "api/stats",
                            "<svg");
            // nothing loaded from elsewhere: no script or style files, no CDN, no absolute URL but SVG's namespace
            assertThat(page).doesNotContain("<script src", "<link", "@import", "https://");
            assertThat(page.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");
        }
    }

    @Test
    void historyIsAJsonArray() throws Exception {
        try (MetricsServer server = MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 0)) {
            JsonNode h = JSON.readTree(get(server.url() + "api/history").body());
            assertThat(h.isArray()).isTrue();
        }
    }

    @Test
    void headAnswersAsGetWithoutABody() throws Exception {
        // RFC 9110: a general-purpose server supports HEAD on what it serves with GET (uptime checks, curl -I)
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (MetricsServer server = MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 0)) {
            for (String path : List.of("metrics", "", "api/stats", "api/history", "health")) {
                HttpResponse<String> res = http.send(
                        HttpRequest.newBuilder(URI.create(server.url() + path))
                                .timeout(Duration.ofSeconds(10))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as("HEAD /" + path).isEqualTo(200);
                assertThat(res.headers().firstValue("content-type"))
                        .as("HEAD /" + path)
                        .hasValue(get(server.url() + path)
                                .headers()
                                .firstValue("content-type")
                                .orElseThrow());
                assertThat(res.body()).as("HEAD /" + path).isEmpty();
            }
            HttpResponse<String> missing = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "nothing-here"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void headSendsGetsContentLengthAndKeepsTheConnection() throws Exception {
        // HEAD: GET's status and headers, content-length included (not chunked), and no body, so that the next
        // request on the same keep-alive connection reads its own response
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("etab.samples", "dataset", "echonet", "pipeline", "1").increment(3);
        try (MetricsServer server = MetricsServer.start(registry, 0)) {
            for (String path : List.of("health", "metrics", "api/stats", "nothing-here")) {
                URI uri = URI.create(server.url() + path);
                // /api/stats carries the time (uptimeSeconds ...), whose digits may change its length between two
                // requests: a few tries find two of the same length
                HttpResponse<String> head = null;
                HttpResponse<String> get = null;
                for (int tries = 0; tries < 10 && (head == null || !length(head).equals(length(get))); tries++) {
                    head = send(http, "HEAD", uri);
                    get = send(http, "GET", uri);
                }
                assertThat(head.statusCode()).as("HEAD /" + path).isEqualTo(get.statusCode());
                assertThat(length(get))
                        .as("GET /" + path)
                        .hasValue(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length));
                assertThat(length(head)).as("HEAD /" + path).isEqualTo(length(get));
                assertThat(head.headers().firstValue("transfer-encoding"))
                        .as("HEAD /" + path)
                        .isEmpty();
                assertThat(get.headers().firstValue("transfer-encoding"))
                        .as("GET /" + path)
                        .isEmpty();
                assertThat(head.body()).as("HEAD /" + path).isEmpty();
            }
            assertThat(send(http, "HEAD", URI.create(server.url() + "metrics")).statusCode())
                    .isEqualTo(200);
            HttpResponse<String> after = send(http, "GET", URI.create(server.url() + "health"));
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    private static java.util.Optional<String> length(HttpResponse<String> res) {
        return res.headers().firstValue("content-length");
    }

    private static HttpResponse<String> send(HttpClient http, String method, URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void awaitScrapeReturnsOnceMetricsIsReadAfterTheCallAndNotForOtherPages() throws Exception {
        try (MetricsServer server = MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 0)) {
            get(server.url() + "metrics"); // before the call: not the scrape it waits for
            assertThat(server.awaitScrape(Duration.ofMillis(200))).isFalse();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.awaitScrape(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            get(server.url() + "api/stats");
            get(server.url());
            assertThat(waiting).isNotDone();
            // a scrape before the waiter's call (a busy machine may start it late) does not count: ask until one does
            while (!waiting.isDone()) {
                assertThat(get(server.url() + "metrics").statusCode()).isEqualTo(200);
                Thread.sleep(50);
            }
            assertThat(waiting.get()).isTrue();
        }
    }

    @Test
    void awaitScrapeDoesNotCountAScrapeThatWasReadingAtTheCall() throws Exception {
        // a scrape in progress when the run ends may have read the meters before the end: lingering on it would
        // stop the server with the run's last numbers never served
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdOnce = new AtomicBoolean(true);
        Gauge.builder("held", () -> {
                    if (holdOnce.compareAndSet(true, false)) {
                        reading.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return 1;
                })
                .strongReference(true)
                .register(registry);
        try (MetricsServer server = MetricsServer.start(registry, 0)) {
            CompletableFuture<HttpResponse<String>> early =
                    CompletableFuture.supplyAsync(() -> get(server.url() + "metrics"));
            assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue(); // that scrape is reading the registry now
            Thread waiter = Thread.currentThread();
            Thread releaser = new Thread(() -> {
                // once the waiter sleeps in its loop, it has noted which scrapes were already under way
                while (waiter.getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
                release.countDown();
            });
            releaser.start();
            assertThat(server.awaitScrape(Duration.ofSeconds(5))).isFalse();
            releaser.join();
            assertThat(early.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.awaitScrape(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (!waiting.isDone()) { // a scrape begun before the waiter's call does not count: ask until one does
                assertThat(get(server.url() + "metrics").statusCode()).isEqualTo(200);
                Thread.sleep(50);
            }
            assertThat(waiting.get()).isTrue();
        }
    }

    @Test
    void unknownPathIsNotFound() {
        try (MetricsServer server = MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 0)) {
            assertThat(get(server.url() + "nothing-here").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void portInUseIsAClearErrorNamingHostAndPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> MetricsServer.start(
                            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", port))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("in use")
                    .hasMessageNotContaining("bind(");
        }
    }

    @Test
    void anIpv6PortInUseIsNamedInBrackets() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        ServerSocket taken;
        try {
            taken = new ServerSocket(0, 1, loopback6);
        } catch (java.io.IOException noIpv6) {
            Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
            return;
        }
        try (taken) {
            int port = taken.getLocalPort();
            // "::1:PORT" would read as an address of its own; "[::1]:PORT" is what a URL or curl takes
            assertThatThrownBy(() ->
                            MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "::1", port))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot serve metrics on [::1]:" + port + ": ")
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void aPrivilegedPortIsAClearErrorNamingWhatToDo() throws Exception {
        // below 1024 a user without the privilege gets EACCES: not a matter of the host, as the hint used to say
        try (ServerSocket probe = new ServerSocket(1, 1, InetAddress.getByName("127.0.0.1"))) {
            Assumptions.abort("this user may bind port 1 (root, or CAP_NET_BIND_SERVICE): nothing refuses it here");
        } catch (java.net.BindException refused) {
            Assumptions.assumeTrue(
                    String.valueOf(refused.getMessage()).contains("Permission denied"), refused.getMessage());
        }
        assertThatThrownBy(() ->
                        MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot serve metrics on 127.0.0.1:1: Permission denied")
                .hasMessageContaining("below 1024")
                .hasMessageNotContaining("address of this machine");
    }

    @Test
    void eachBindFailureHasItsOwnHint() {
        // what the messages above end with, for the reasons Linux gives (root binds port 1, so the test above
        // cannot see EACCES where it runs as root)
        assertThat(MetricsServer.bindHint("Address already in use")).contains("another port");
        assertThat(MetricsServer.bindHint("Permission denied"))
                .contains("below 1024", "or 0 for any free one")
                .doesNotContain("host");
        assertThat(MetricsServer.bindHint("Cannot assign requested address")).contains("address of this machine");
    }

    @Test
    void aHostThatIsNotThisMachineIsAClearError() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThatThrownBy(() -> MetricsServer.start(registry, "no-such-host.invalid", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-host.invalid:0")
                .hasMessageContaining("unknown host");
        // TEST-NET-1 (RFC 5737): never an address of this machine
        assertThatThrownBy(() -> MetricsServer.start(registry, "192.0.2.1", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("192.0.2.1:0")
                .hasMessageContaining("address of this machine");
    }

    @Test
    void badArgumentsAreNamed() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThatThrownBy(() -> MetricsServer.start(registry, "127.0.0.1", 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
        assertThatThrownBy(() -> MetricsServer.start(registry, "127.0.0.1", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> MetricsServer.start(registry, " ", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
    }

    @Test
    void closeFreesThePortAndIsIdempotent() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer first = MetricsServer.start(registry, "127.0.0.1", 0);
        int port = first.port();
        assertThat(port).isPositive();
        assertThat(get(first.url() + "health").statusCode()).isEqualTo(200);
        first.close();
        first.close();
        assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/health"))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(ConnectException.class);
        // the same port again, at once
        try (MetricsServer second = MetricsServer.start(registry, "127.0.0.1", port)) {
            assertThat(second.port()).isEqualTo(port);
            assertThat(get(second.url() + "health").statusCode()).isEqualTo(200);
        }
        // the event-loop thread ends too (it may take a moment to exit after its loop has terminated)
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metricsThreadAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metricsThreadAlive())
                .as("an etab-metrics thread is still alive")
                .isFalse();
    }

    private static boolean metricsThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("etab-metrics") && t.isAlive());
    }
}
