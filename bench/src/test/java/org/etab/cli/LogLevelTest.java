package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code --log-level} reaches the bundled SLF4J backend. Run in a child JVM: slf4j-simple reads its level once,
 * when the first logger is made, so only a fresh JVM shows what a user gets.
 */
class LogLevelTest {

    /**
     * The child: sets up logging and parses the CLI arguments as {@code etab} does, then logs one line at each
     * level; with a first argument {@code serve}, instead sends a malformed request to a metrics server.
     */
    public static void main(String[] args) throws Exception {
        Etab.configureLogging();
        if (args.length > 0 && args[0].equals("serve")) {
            new CommandLine(new Etab()).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
            sendMalformedRequest();
            return;
        }
        if (args.length > 0 && args[0].equals("fetch")) {
            new CommandLine(new Etab()).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
            fetchFromAPresignedRoot();
            return;
        }
        if (args.length > 0 && args[0].equals("pointer")) {
            new CommandLine(new Etab()).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
            // JavaCPP logs each native allocation's registration and release at debug
            try (var p = new org.bytedeco.javacpp.BytePointer(64)) {
                p.put((byte) 1);
            }
            LoggerFactory.getLogger("org.bytedeco.javacpp.probe").info("bytedeco-info");
            LoggerFactory.getLogger("org.etab.probe").debug("probe-debug");
            return;
        }
        new CommandLine(new Etab()).parseArgs(args);
        var log = LoggerFactory.getLogger("org.etab.probe");
        log.debug("probe-debug");
        log.info("probe-info");
        log.warn("probe-warn");
        log.error("probe-error");
    }

    /** A header name with an escape sequence, which the server refuses (400), then its response read to the end. */
    private static void sendMalformedRequest() throws Exception {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (var server = org.etab.metrics.MetricsServer.start(registry, "127.0.0.1", 0);
                var socket = new java.net.Socket()) {
            java.net.URI url = java.net.URI.create(server.url());
            socket.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\nX\u001b[2J: y\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            System.err.println("response: " + response.lines().findFirst().orElse("(none)"));
        }
    }

    /** One GET through the HTTP store under a root whose query is a secret, from a one-answer server on loopback. */
    private static void fetchFromAPresignedRoot() throws Exception {
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (var s = server.accept()) {
                    s.getInputStream().read(new byte[8192]);
                    s.getOutputStream()
                            .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                    .getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            answer.start();
            var root = java.net.URI.create("http://127.0.0.1:" + server.getLocalPort() + "/echonet?sig=SIGSECRET");
            try (var store = org.etab.storage.HttpStore.open(
                    root, org.etab.storage.HttpStoreOptions.builder().build())) {
                System.err.println("read " + store.read("FileList.csv").remaining() + " bytes");
            }
            answer.join();
        }
    }

    private static String stderrOf(Path tmp, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                cp,
                LogLevelTest.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    @Test
    void warnByDefault(@TempDir Path tmp) throws Exception {
        assertThat(stderrOf(tmp, "synth", "--dataset", "echonet", "--out", "x"))
                .contains("probe-warn", "probe-error")
                .doesNotContain("probe-info", "probe-debug");
    }

    @Test
    void levelOnTheCommandOrItsSubcommand(@TempDir Path tmp) throws Exception {
        assertThat(stderrOf(tmp, "--log-level", "debug", "synth", "--dataset", "echonet", "--out", "x"))
                .contains("probe-debug", "probe-info", "probe-warn");
        assertThat(stderrOf(tmp, "bench", "--dataset", "echonet", "--log-level", "error"))
                .contains("probe-error")
                .doesNotContain("probe-warn");
    }

    /**
     * Clients of the metrics server cannot write to stderr: reactor-netty's warning about a malformed request (which
     * quotes its header names raw, escape sequences included) is shown only when debug or trace asks for it.
     */
    @Test
    void malformedRequestsToTheMetricsServerStayOffStderrUnlessDebugAsks(@TempDir Path tmp) throws Exception {
        String quiet = stderrOf(tmp, "serve", "bench", "--quiet");
        assertThat(quiet).startsWith("response: HTTP/1.1 400 Bad Request").doesNotContain("\u001b");
        assertThat(quiet.strip().lines()).hasSize(1);
        assertThat(stderrOf(tmp, "serve", "--log-level", "info", "bench"))
                .contains("response: HTTP/1.1 400 Bad Request")
                .doesNotContain("Decoding failed");
        assertThat(stderrOf(tmp, "serve", "--log-level", "debug", "bench"))
                .contains("WARN reactor.netty.http.server.")
                .contains("Decoding failed");
    }

    /** A presigned root's signature stays out of stderr at every level: reactor-netty's client prints full URLs. */
    @Test
    void aPresignedRootsQueryIsNotLoggedEvenAtTrace(@TempDir Path tmp) throws Exception {
        for (String level : List.of("debug", "trace")) {
            assertThat(stderrOf(tmp, "fetch", "--log-level", level, "bench"))
                    .as(level)
                    .contains("read 2 bytes")
                    .doesNotContain("SIGSECRET");
        }
    }

    /** JavaCPP's debug lines (one per native allocation) stay off stderr at debug and trace; its info lines show. */
    @Test
    void javacppStaysAtInfoWhenDebugOrTraceIsAsked(@TempDir Path tmp) throws Exception {
        for (String level : List.of("debug", "trace")) {
            assertThat(stderrOf(tmp, "pointer", "--log-level", level, "bench"))
                    .as(level)
                    .contains("probe-debug", "bytedeco-info")
                    .doesNotContain("org.bytedeco.javacpp.Pointer", "Registering");
        }
        assertThat(stderrOf(tmp, "pointer", "--log-level", "info", "bench")).contains("bytedeco-info");
        assertThat(stderrOf(tmp, "pointer", "bench")).doesNotContain("bytedeco-info", "probe-debug");
        assertThat(stderrOf(tmp, "pointer", "--log-level", "off", "bench")).isEmpty();
    }

    @Test
    void unknownLevelIsAUsageError() {
        int code = Etab.commandLine()
                .setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
                .execute("bench", "--log-level", "loud");
        assertThat(code).isEqualTo(2);
    }
}
