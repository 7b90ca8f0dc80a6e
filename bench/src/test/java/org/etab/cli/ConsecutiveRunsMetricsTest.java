package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs one after another on one {@code --metrics-port} are one Prometheus target; each process's series must be its
 * own (the {@code run} tag), else a run's counters go on in the series of the run before, and a run that counted
 * past the last one's total before its first scrape reads to Prometheus as no reset at all.
 */
class ConsecutiveRunsMetricsTest {

    private static List<String> bench(int epochs) {
        return List.of(line(
                "bench --root %s --split all --clip-length 4 --frame-size 16x16 --threads 1"
                        + " --epochs %s --device cpu --quiet --metrics-port 0 --metrics-linger 120",
                PhantomDatasets.echonet(), epochs));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
    void eachRunsSeriesAreItsOwn() throws Exception {
        ExportMetricsTest.Run first = ExportMetricsTest.runAndScrapeAfterResult(bench(1));
        ExportMetricsTest.Run second = ExportMetricsTest.runAndScrapeAfterResult(bench(2));
        Map<String, Double> a = ExportMetricsTest.series(first.metrics(), "etab_samples_total");
        Map<String, Double> b = ExportMetricsTest.series(second.metrics(), "etab_samples_total");
        assertThat(a).hasSize(1);
        assertThat(b).hasSize(1);
        String labelsA = a.keySet().iterator().next();
        String labelsB = b.keySet().iterator().next();
        assertThat(labelsA)
                .as("the same dataset and pipeline number in both runs")
                .contains("pipeline=\"1\"");
        assertThat(labelsB).contains("pipeline=\"1\"");
        assertThat(labelsB)
                .as("a series of the second run's own, not the first run's counting on")
                .isNotEqualTo(labelsA);
        assertThat(labelsA).containsPattern("run=\"[0-9T:.-]+Z\"");
        assertThat(b.values()).containsExactly((double) ExportMetricsTest.field(second.result(), "delivered"));
        // the JVM's meters too: a restarted process's counters are as much a new series
        assertThat(ExportMetricsTest.series(second.metrics(), "jvm_compilation_time_ms_total")
                        .keySet())
                .allMatch(labels -> labels.contains("run=\""));
    }
}
