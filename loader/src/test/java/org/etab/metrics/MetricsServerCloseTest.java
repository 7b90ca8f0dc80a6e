package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.etab.metrics.MetricsTestSupport.get;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MetricsServer#close()} with a client that stopped reading its answer, over real sockets. */
@Timeout(120)
class MetricsServerCloseTest {
    /**
     * A registry whose scrape is some 6 MB: more than the socket buffers on both sides hold (Linux's tcp_wmem caps
     * the server's at 4 MB), so its answer stays in progress while the client does not read.
     */
    private static PrometheusMeterRegistry largeRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String pad = "x".repeat(100);
        for (int i = 0; i < 50_000; i++) {
            registry.counter("filler", "i", i + pad);
        }
        return registry;
    }

    /**
     * Connects with a small receive buffer, asks for {@code /metrics} and returns once the server has read the
     * registry for it (the ticket is read before the request goes out: a scrape begun after it is this one).
     */
    private static Socket stuckClient(MetricsServer server) throws Exception {
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(1024);
        stuck.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        long before = server.scrapeTicket();
        OutputStream out = stuck.getOutputStream();
        out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.scrapedAfter(before)) {
            assertThat(System.nanoTime() - deadline)
                    .as("the scrape read the registry within 60 s")
                    .isNegative();
            Thread.sleep(5);
        }
        return stuck; // its answer is being written now
    }

    @Test
    void aClientThatStopsReadingDoesNotMakeCloseFail() throws Exception {
        MetricsServer server = MetricsServer.start(largeRegistry(), "127.0.0.1", 0);
        int port = server.port();
        try (Socket stuck = stuckClient(server)) {

            // the run ends: closing the server must not fail the run (it used to throw "Socket couldn't be stopped
            // within 5000ms" out of close(), and etab bench exited 1 after printing its RESULT)
            server.close();

            assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/health"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(ConnectException.class);
            // the stuck connection was closed by the server: reading on drains what was sent, then ends
            stuck.setSoTimeout(30_000);
            InputStream in = stuck.getInputStream();
            byte[] buf = new byte[1 << 16];
            try {
                while (in.read(buf) >= 0) {
                    // drain
                }
            } catch (java.net.SocketException reset) {
                // closed with unsent data: a reset, also an end
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aResponseItsClientDoesNotReadIsDroppedAfterTheIdleTimeout() throws Exception {
        // else a client that stopped reading (a stopped process, a peer gone from the network) holds one of the
        // maxConnections for as long as TCP keeps retrying, and enough of them lock Prometheus out for the run
        MetricsServerOptions options = MetricsServerOptions.builder()
                .idleTimeout(Duration.ofMillis(500))
                .build();
        try (MetricsServer server = MetricsServer.start(largeRegistry(), options);
                Socket stuck = stuckClient(server)) {
            assertThat(server.openConnections()).isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.openConnections()).as("connections still open").isZero();
            // the server answers the next client as ever
            assertThat(get(server.url() + "health").statusCode()).isEqualTo(200);
        }
    }
}
