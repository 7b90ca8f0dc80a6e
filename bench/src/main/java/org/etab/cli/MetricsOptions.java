package org.etab.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.etab.metrics.JvmMeters;
import org.etab.metrics.MetricsServer;
import picocli.CommandLine.Option;

/** Live metrics of a run ({@code bench}, {@code export}, {@code demo}): the server's port and interface. */
final class MetricsOptions {
    @Option(
            names = "--metrics-port",
            paramLabel = "P",
            description =
                    "Serve live metrics during the run: a dashboard at /, Prometheus text at /metrics (0: any free port).")
    Integer port;

    /** Null when not given: {@value MetricsServer#DEFAULT_HOST}, and then not an option given without a port. */
    @Option(
            names = "--metrics-host",
            paramLabel = "H",
            description =
                    "Interface for --metrics-port (default: " + MetricsServer.DEFAULT_HOST + ", this machine only).")
    String host;

    /**
     * Fails on a {@code --metrics-port} no server could bind, or a {@code --metrics-host} that would serve nothing
     * (no port: the run would go on without the server it was meant to have), before the run starts rather than
     * when it serves.
     */
    void check() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("--metrics-port must be 0..65535 but was " + port);
        }
        if (host != null && port == null) {
            throw new IllegalArgumentException("--metrics-host applies with --metrics-port only");
        }
        if (host != null && host.isBlank()) {
            throw new IllegalArgumentException(
                    "--metrics-host must name an interface, e.g. " + MetricsServer.DEFAULT_HOST + ", but was blank");
        }
    }

    /** The tag that tells this process's series from those of the runs before it on the same port. */
    static final String RUN_TAG = "run";

    /**
     * A Prometheus registry when live metrics were asked for (the server reads it), else a simple one. The served
     * registry tags every meter with {@value #RUN_TAG}, this process's start (UTC, milliseconds): runs one after
     * another on one port are one Prometheus target, and their meters have the same names and tags (the first
     * pipeline of each is {@code pipeline="1"}), so without it each run's counters would go on in the series of
     * the run before: one that counted past the last run's total before its first scrape reads to Prometheus as no
     * reset at all, and rate(), increase() and the dashboard's failed samples lose what it did.
     */
    MeterRegistry registry() {
        if (port == null) {
            return new SimpleMeterRegistry();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(RUN_TAG, runId());
        return registry;
    }

    /** This process's start, e.g. {@code 2026-12-06T02:19:33.123Z}. */
    static String runId() {
        long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        return java.time.Instant.ofEpochMilli(started)
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                .toString();
    }

    /**
     * Starts the server on {@code registry} (one from {@link #registry()}) and says where it is on stderr; null when
     * no port was asked for. The caller closes it when the run ends.
     */
    MetricsServer serve(String command, MeterRegistry registry) {
        if (port == null) {
            return null;
        }
        MetricsServer server = MetricsServer.start(
                (PrometheusMeterRegistry) registry, host != null ? host : MetricsServer.DEFAULT_HOST, port);
        System.err.printf(
                "etab %s: live metrics at %s (dashboard), %smetrics (Prometheus)%n",
                command, server.url(), server.url());
        return server;
    }

    /** The JVM's own meters on the served registry (the dashboard's "Process" row); null when nothing is served. */
    JvmMeters jvmMeters(MeterRegistry registry) {
        return port == null ? null : JvmMeters.bindTo(registry);
    }
}
