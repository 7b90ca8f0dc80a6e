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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MetricsServer#close()} with a client that stopped reading its answer, over real sockets. */
@Timeout(120)
class MetricsServerCloseTest {
    @Test
    void aClientThatStopsReadingDoesNotMakeCloseFail() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // a scrape of some 6 MB: more than the socket buffers on both sides hold (Linux's tcp_wmem caps the
        // server's at 4 MB), so its answer stays in progress while the client does not read
        String pad = "x".repeat(100);
        for (int i = 0; i < 50_000; i++) {
            registry.counter("filler", "i", i + pad);
        }
        MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0);
        int port = server.port();
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(1024);
            stuck.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            CompletableFuture<Boolean> scraped = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.awaitScrape(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            OutputStream out = stuck.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(scraped.get(60, TimeUnit.SECONDS)).isTrue(); // its answer is being written now

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
}
