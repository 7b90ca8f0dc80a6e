package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.etab.metrics.MetricsTestSupport.damagedPhantom;
import static org.etab.metrics.MetricsTestSupport.get;
import static org.etab.metrics.MetricsTestSupport.pipeline;
import static org.etab.metrics.MetricsTestSupport.runEpoch;
import static org.etab.metrics.MetricsTestSupport.sum;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.RunAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines run one after another through {@link ContinuedMeters} (an export's size groups) are one pipeline's
 * series in a real scrape: counters that only grow, to the sum of the pipelines' accounts, and gauges at rest
 * between them; each pipeline's own totals stay its own, and the meters leave the registry at close.
 */
class ContinuedMetersTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard
    void pipelinesOneAfterAnotherAreOneSeriesThatOnlyGrows(@TempDir Path dir) {
        List<EchoNetRecord> records = damagedPhantom(dir);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = MetricsServer.start(registry, 0)) {
            String url = server.url() + "metrics";
            String ownScrape;
            try (Pipeline p = pipeline(records, registry)) { // a pipeline's meters straight in the registry
                runEpoch(p, 0);
                ownScrape = get(url).body();
            }
            RunAccount first;
            double firstBytes;
            try (ContinuedMeters run = new ContinuedMeters(registry)) {
                try (Pipeline p = pipeline(records, run.next())) {
                    runEpoch(p, 0);
                    first = p.account();
                    firstBytes = p.bytesRead();
                }
                String between = get(url).body();
                assertThat(sum(between, "etab_samples_total")).isEqualTo(first.delivered());
                assertThat(sum(between, "etab_errors_total", "stage=\"decode\""))
                        .isEqualTo(first.failed());
                assertThat(sum(between, "etab_batches_inflight")).isZero();
                assertThat(sum(between, "etab_pool_buffers")).isZero();

                try (Pipeline p = pipeline(records.subList(1, records.size()), run.next())) {
                    runEpoch(p, 0);
                    RunAccount second = p.account();
                    assertThat(p.bytesRead())
                            .as("the second pipeline's own total, not the run's")
                            .isPositive();
                    String during = get(url).body();
                    assertThat(MetricsTestSupport.seriesNames(during))
                            .containsEntry("etab_samples_total", 1)
                            .as("the names a pipeline's own meters have, no timer's percentile gauges")
                            .containsOnlyKeys(
                                    MetricsTestSupport.seriesNames(ownScrape).keySet());
                    assertThat(sum(during, "etab_samples_total")).isEqualTo(first.delivered() + second.delivered());
                    assertThat(sum(during, "etab_errors_total")).isEqualTo(first.failed() + second.failed());
                    assertThat(sum(during, "etab_decode_seconds_count"))
                            .isEqualTo(first.delivered() + second.delivered());
                    assertThat(sum(during, "etab_bytes_read_bytes_total")).isEqualTo(firstBytes + p.bytesRead());
                    assertThat(sum(during, "etab_decode_seconds", "quantile=\"0.99\""))
                            .isPositive();
                    assertThat(sum(during, "etab_pool_buffers"))
                            .as("the running pipeline's")
                            .isPositive();
                }
            }
            String after = get(url).body();
            assertThat(after).doesNotContain("etab_");
            assertThat(registry.getMeters()).isEmpty();
        }
    }

    @Test
    void aClosedRunGivesNoMoreRegistries() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ContinuedMeters run = new ContinuedMeters(registry);
        run.close();
        run.close(); // idempotent
        assertThatThrownBy(run::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPipelinesTimersCountInItsOwnAndInTheRunsHoweverTheyAreRecorded() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ContinuedMeters run = new ContinuedMeters(registry)) {
            MeterRegistry first = run.next();
            Timer own = Timer.builder("etab.decode").tag("pipeline", "1").register(first);
            own.record(3, TimeUnit.MILLISECONDS);
            assertThat(own.record(() -> "supplied")).isEqualTo("supplied");
            assertThat(own.recordCallable(() -> 7)).isEqualTo(7);
            boolean[] ran = {false};
            own.record((Runnable) () -> ran[0] = true); // the Runnable overload, not the Supplier one
            assertThat(ran[0]).isTrue();
            Timer total = registry.get("etab.decode").tag("pipeline", "1").timer();
            assertThat(own.count()).isEqualTo(4);
            assertThat(total.count()).isEqualTo(4);
            assertThat(own.totalTime(TimeUnit.NANOSECONDS))
                    .isEqualTo(total.totalTime(TimeUnit.NANOSECONDS))
                    .isGreaterThanOrEqualTo(3_000_000);
            assertThat(own.max(TimeUnit.NANOSECONDS)).isEqualTo(total.max(TimeUnit.NANOSECONDS));
            assertThat(own.baseTimeUnit()).isEqualTo(TimeUnit.SECONDS);
            assertThat(own.takeSnapshot().count()).isEqualTo(4);

            // the next pipeline's timer is its own, and the run's goes on under the first pipeline's number
            Timer second = Timer.builder("etab.decode").tag("pipeline", "2").register(run.next());
            second.record(5, TimeUnit.MILLISECONDS);
            assertThat(second.count()).isEqualTo(1);
            assertThat(total.count()).isEqualTo(5);
            assertThat(registry.find("etab.decode").tag("pipeline", "2").timer())
                    .isNull();

            // a meter without the pipeline tag is continued under its own tags
            Counter untagged = Counter.builder("etab.other").register(run.next());
            untagged.increment(2);
            assertThat(untagged.count()).isEqualTo(2);
            assertThat(registry.get("etab.other").counter().count()).isEqualTo(2);
        }
        assertThat(registry.getMeters()).isEmpty();
    }
}
