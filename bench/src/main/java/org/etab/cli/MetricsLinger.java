package org.etab.cli;

import java.time.Duration;
import org.etab.metrics.MetricsServer;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-linger}: a run's last numbers for Prometheus. The server stops with the run, so what happened after
 * the last scrape would never be stored; lingering waits for one more scrape while the pipeline's meters are still
 * there. For {@code bench} and {@code demo}, whose one pipeline is open when the run ends, and {@code export}, whose
 * size groups' pipelines count on in one set of meters ({@code ContinuedMeters}) kept until then.
 */
final class MetricsLinger {
    static final int MAX_SECONDS = 3600;

    @Option(
            names = "--metrics-linger",
            paramLabel = "S",
            defaultValue = "0",
            description = "With --metrics-port: after the run, keep serving until /metrics is read once more (so "
                    + "Prometheus stores the run's last numbers), at most S seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    /** Refuses a value out of range, or one given without {@code --metrics-port}, before the run. */
    void check(MetricsOptions metrics) {
        if (seconds < 0 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException(
                    "--metrics-linger must be 0.." + MAX_SECONDS + " seconds but was " + seconds);
        }
        if (seconds > 0 && metrics.port == null) {
            throw new IllegalArgumentException("--metrics-linger applies with --metrics-port only");
        }
    }

    /** Waits for the next scrape of {@code server}, at most the seconds asked; nothing without a server. */
    void await(String command, MetricsServer server) {
        if (server == null || seconds == 0) {
            return;
        }
        System.err.printf(
                "etab %s: serving metrics until /metrics is read once more, at most %d s (--metrics-linger)%n",
                command, seconds);
        try {
            server.awaitScrape(Duration.ofSeconds(seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
