package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.RunAccount;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's bounds with real sockets: a crowd of idle connections is held to {@code maxConnections} while a
 * pipeline decodes the phantom (no sample fails, the server's file descriptors stay under the cap), and idle
 * connections are closed after {@code idleTimeout}.
 */
@Timeout(120)
class MetricsServerBoundsTest {
    private static final int CAP = 50;

    private static long openFiles() {
        return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    private static long maxFiles() {
        return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    }

    /** {@code n} plain TCP connections that send nothing, registered for reading (EOF = closed by the server). */
    private static List<SocketChannel> connect(MetricsServer server, Selector selector, int n) throws IOException {
        List<SocketChannel> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            held.add(ch);
        }
        return held;
    }

    /** Waits until {@code expected} of the selector's connections have been closed by the server; returns how many. */
    private static int awaitClosedByServer(Selector selector, int expected, Duration within) throws IOException {
        int closed = 0;
        ByteBuffer buf = ByteBuffer.allocate(1024);
        long deadline = System.nanoTime() + within.toNanos();
        while (closed < expected && System.nanoTime() < deadline) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                buf.clear();
                int r;
                try {
                    r = ((SocketChannel) key.channel()).read(buf);
                } catch (IOException reset) {
                    r = -1;
                }
                if (r < 0) {
                    key.cancel(); // the channel stays open on our side, so the file count below stays honest
                    closed++;
                }
            }
            selector.selectedKeys().clear();
        }
        return closed;
    }

    /** The server's count of open connections once it is {@code expected} (it lags the client's EOF a little). */
    private static int awaitOpen(MetricsServer server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.openConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return server.openConnections();
    }

    private static int status(String url) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aCrowdOfIdleConnectionsIsCappedAndTakesNoFileDescriptorsFromARun() throws Exception {
        // as many connections as this process can honestly hold: each costs this test one descriptor of its own
        long room = maxFiles() - openFiles();
        int crowd = (int) Math.min(2_000, room / 4);
        assumeThat(crowd)
                .as("open-file limit " + maxFiles() + " leaves room for " + crowd + " connections")
                .isGreaterThan(4 * CAP);
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServerOptions options = MetricsServerOptions.builder()
                .maxConnections(CAP)
                .idleTimeout(Duration.ofMinutes(5))
                .build();
        try (MetricsServer server = MetricsServer.start(registry, options);
                Selector selector = Selector.open();
                Pipeline p = MetricsTestSupport.pipeline(records, registry)) {
            long before = openFiles();
            List<SocketChannel> held = connect(server, selector, crowd);
            try {
                // every connection beyond the cap is closed by the server as soon as it is accepted
                assertThat(awaitClosedByServer(selector, crowd - CAP, Duration.ofSeconds(60)))
                        .isEqualTo(crowd - CAP);
                assertThat(awaitOpen(server, CAP)).isEqualTo(CAP);
                long serverSide = openFiles() - before - crowd; // our own sockets aside
                assertThat(serverSide)
                        .as("descriptors the server holds for %d connections", crowd)
                        .isLessThanOrEqualTo(CAP + 16); // slack for a jar the JVM opens meanwhile

                for (int epoch = 0; epoch < 3; epoch++) {
                    MetricsTestSupport.runEpoch(p, epoch);
                }
                RunAccount account = p.account();
                assertThat(account.failed()).isZero();
                assertThat(account.delivered()).isEqualTo(3L * records.size());

                // at the cap a newcomer is closed too: the dashboard waits for the idle ones to time out
                assertThatThrownBy(() -> status(server.url() + "health")).isInstanceOf(IOException.class);
                assertThat(awaitClosedByServer(selector, 1, Duration.ofMillis(500)))
                        .isZero(); // the held ones stay
            } finally {
                for (SocketChannel ch : held) {
                    ch.close();
                }
            }
            assertThat(awaitOpen(server, 0)).isZero();
            assertThat(status(server.url() + "health")).isEqualTo(200);
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheTimeout() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServerOptions options = MetricsServerOptions.builder()
                .maxConnections(CAP)
                .idleTimeout(Duration.ofMillis(500))
                .build();
        try (MetricsServer server = MetricsServer.start(registry, options);
                Selector selector = Selector.open()) {
            List<SocketChannel> silent = connect(server, selector, 20);
            // and one that asked once and kept its connection alive
            SocketChannel asked = silent.get(0);
            asked.write(ByteBuffer.wrap("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
            long start = System.nanoTime();
            int closed = awaitClosedByServer(selector, 20, Duration.ofSeconds(20));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(closed).isEqualTo(20);
            assertThat(millis).as("closed after the idle timeout, not at once").isGreaterThanOrEqualTo(400);
            assertThat(awaitOpen(server, 0)).isZero();
            for (SocketChannel ch : silent) {
                ch.close();
            }
            assertThat(status(server.url() + "health")).isEqualTo(200);
        }
    }

    @Test
    void optionsNameABadValue() {
        assertThatThrownBy(
                        () -> MetricsServerOptions.builder().maxConnections(0).build())
                .hasMessage("maxConnections >= 1 required but was 0");
        assertThatThrownBy(() -> MetricsServerOptions.builder()
                        .idleTimeout(Duration.ZERO)
                        .build())
                .hasMessage("idleTimeout > 0 required but was PT0S");
        assertThatThrownBy(() -> MetricsServerOptions.builder().port(70000).build())
                .hasMessage("port 0..65535 required but was 70000");
        MetricsServerOptions o =
                MetricsServerOptions.builder().port(9464).maxConnections(8).build();
        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
        assertThat(o.maxConnections()).isEqualTo(8);
        assertThat(MetricsServerOptions.builder().build().maxConnections())
                .isEqualTo(MetricsServerOptions.DEFAULT_MAX_CONNECTIONS);
        // the bounds themselves are taken, and options differing in any setting are not equal
        MetricsServerOptions edges = MetricsServerOptions.builder()
                .port(65535)
                .maxConnections(1)
                .idleTimeout(Duration.ofNanos(1))
                .build();
        assertThat(edges.port()).isEqualTo(65535);
        assertThat(edges).isNotEqualTo(o).isNotEqualTo(edges.toBuilder().port(0).build());
        assertThatThrownBy(() -> MetricsServerOptions.builder().port(-1).build())
                .hasMessage("port 0..65535 required but was -1");
        assertThatThrownBy(() -> MetricsServerOptions.builder().host(" ").build())
                .hasMessage("host required but was blank");
    }
}
