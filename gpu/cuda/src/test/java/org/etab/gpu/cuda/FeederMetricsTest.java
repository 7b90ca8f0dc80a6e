package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The feeder's binder: four meters, tagged, recorded in whole nanoseconds, removed on close. */
class FeederMetricsTest {

    @Test
    void bindsFourTaggedMetersAndRemovesThemOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.counter("etab.other"); // someone else's meter stays
        FeederMetrics m = new FeederMetrics("camus");
        m.bindTo(registry);
        m.enqueued(480);
        m.slotWaited(2_000);
        m.copyTook(1.5f);
        m.kernelTook(0.25f);
        assertThat(registry.get("etab.upload.bytes")
                        .tags("dataset", "camus", "device", "cuda")
                        .counter()
                        .count())
                .isEqualTo(480);
        assertThat(registry.get("etab.upload.wait").timer().totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo(2_000);
        Timer upload = registry.get("etab.upload.duration").timer();
        assertThat(upload.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_500_000);
        assertThat(registry.get("etab.normalize.duration").timer().totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo(250_000);

        m.close();
        m.close(); // idempotent
        assertThat(registry.getMeters())
                .extracting(meter -> meter.getId().getName())
                .containsExactly("etab.other");
        m.copyTook(1f); // a time owed to a closed binder is recorded nowhere that matters, and does not throw
        assertThat(upload.count()).isEqualTo(2);
    }

    @Test
    void twoFeedersOfOneDatasetKeepTheirOwnMetersInASharedRegistry() {
        // e.g. a training and a validation feeder of one dataset, or one feeder per GPU, in one process
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FeederMetrics train = new FeederMetrics("echonet");
        FeederMetrics validation = new FeederMetrics("echonet");
        train.bindTo(registry);
        validation.bindTo(registry);
        train.enqueued(100);
        validation.enqueued(7);
        assertThat(registry.find("etab.upload.bytes").counters()).hasSize(2);
        assertThat(registry.find("etab.upload.bytes").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum())
                .isEqualTo(107);

        validation.close(); // takes its own meters only
        train.enqueued(20);
        train.copyTook(1f);
        assertThat(registry.get("etab.upload.bytes").counter().count()).isEqualTo(120);
        assertThat(registry.get("etab.upload.duration").timer().count()).isEqualTo(1);
        assertThat(registry.find("etab.upload.wait").timers()).hasSize(1);
        assertThat(registry.find("etab.normalize.duration").timers()).hasSize(1);
        train.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void anUnboundBinderClosesQuietly() {
        new FeederMetrics("echonet").close();
    }
}
