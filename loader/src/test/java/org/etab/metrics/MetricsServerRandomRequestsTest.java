package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metrics server against requests made at random on a raw socket, as a property test of what a dashboard's
 * server owes anything that connects: methods, paths (routes, unknown ones, queries, encoded, very long), versions,
 * headers (many, very large, malformed), bodies with and without a length, two requests in one write, or a request
 * cut off. Each answer is well-formed HTTP with a status from a small set and never a server error (5xx); the
 * routes answer GET and HEAD with 200; and after every trial the server still serves {@code /health} and, once the
 * clients are gone, holds no connection. Each trial is a pure function of its seed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsServerRandomRequestsTest {
    private static final int TRIALS = Integer.getInteger("etab.http.trials", 150);
    private static final List<String> ROUTES = List.of("/metrics", "/api/stats", "/api/history", "/health", "/");
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3}) ");

    private static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    @Test
    void everyRequestGetsAWellFormedAnswerAndTheServerStaysUp() throws Exception {
        long base = Long.getLong("etab.http.seed", 20261206L);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = MetricsServer.start(registry, 0)) {
            for (int t = 0; t < TRIALS; t++) {
                long seed = base + t;
                SplittableRandom r = new SplittableRandom(seed);
                String method = r.nextInt(3) != 0
                        ? pick(r, List.of("GET", "HEAD"))
                        : pick(r, List.of("POST", "PUT", "DELETE", "OPTIONS", "BREW", "get"));
                String path = switch (r.nextInt(6)) {
                    case 0, 1 -> pick(r, ROUTES);
                    case 2 -> pick(r, ROUTES) + "?x=" + r.nextInt(100) + "&y=%41%zz";
                    case 3 -> pick(r, List.of("/nope", "/metrics/", "//metrics", "/%2e%2e/etc", "*", "/api", "/../"));
                    case 4 -> "/" + "a".repeat(r.nextInt(1, 20_000));
                    default -> "/api/st%61ts";
                };
                String version = r.nextInt(5) != 0
                        ? pick(r, List.of("HTTP/1.1", "HTTP/1.0"))
                        : pick(r, List.of("HTTP/2.0", "HTTP/9", "FOO"));
                StringBuilder req = new StringBuilder(method + " " + path + " " + version + "\r\n");
                if (r.nextInt(8) != 0) {
                    req.append("Host: localhost\r\n");
                }
                int extraHeaders = r.nextBoolean() ? 0 : r.nextInt(1, 4);
                for (int h = extraHeaders; h > 0; h--) {
                    req.append(pick(
                            r,
                            List.of(
                                    "X-Junk: " + "v".repeat(r.nextInt(1, 20_000)) + "\r\n",
                                    "Accept: */*\r\n",
                                    "Connection: close\r\n",
                                    "Connection: keep-alive\r\n",
                                    "NoColonHere\r\n",
                                    "Content-Length: abc\r\n",
                                    "Transfer-Encoding: chunked\r\n")));
                }
                String body = "";
                if (r.nextInt(4) == 0) {
                    body = "hello";
                    req.append("Content-Length: ").append(body.length()).append("\r\n");
                }
                req.append("\r\n").append(body);
                boolean twice = r.nextInt(5) == 0;
                boolean cut = r.nextInt(8) == 0;
                String trial = "seed " + seed + ": " + abbreviate(req.toString()) + (twice ? " (twice)" : "")
                        + (cut ? " (cut)" : "");
                String sent = twice ? req.toString() + req : req.toString();
                if (cut) {
                    sent = sent.substring(0, r.nextInt(1, sent.length()));
                }
                String answer = exchange(server.port(), sent, cut);
                boolean plain = extraHeaders == 0 && body.isEmpty() && !cut;
                check(trial, method, path, version, plain, answer);
                assertThat(exchange(
                                server.port(), "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false))
                        .as(trial + ": the server after it")
                        .startsWith("HTTP/1.1 200 ");
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.openConnections() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(server.openConnections())
                    .as("connections once the clients are gone")
                    .isZero();
        }
    }

    /** Writes {@code request}, half-closes, and reads what comes back within 2 s (empty: nothing came). */
    private static String exchange(int port, String request, boolean cut) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput(); // a cut request ends here: the server sees the end of the stream
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // keep-alive: the answer is in, the connection stays open
            } catch (IOException e) {
                // reset by the server: what came before counts
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void check(String trial, String method, String path, String version, boolean plain, String answer) {
        if (answer.isEmpty()) {
            return; // closed without an answer (a cut or malformed request): allowed, the server must stay up
        }
        Matcher m = STATUS.matcher(answer);
        assertThat(m.find())
                .as(trial + ": a status line, got " + abbreviate(answer))
                .isTrue();
        int status = Integer.parseInt(m.group(1));
        assertThat(status).as(trial + ": " + abbreviate(answer)).isIn(200, 400, 404, 405, 413, 414, 431, 501, 505);
        assertThat(answer).as(trial).contains("\r\n\r\n");
        boolean route =
                ROUTES.contains(path) || (path.contains("?") && ROUTES.contains(path.substring(0, path.indexOf('?'))));
        if (route && plain && (method.equals("GET") || method.equals("HEAD")) && version.matches("HTTP/1\\.[01]")) {
            assertThat(status).as(trial + ": a route").isEqualTo(200);
        }
    }

    private static String abbreviate(String s) {
        String one = s.replace("\r\n", "\\r\\n");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...(" + one.length() + " chars)";
    }
}
