package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.etab.metrics.JvmMeters;
import org.junit.jupiter.api.Test;

/** What {@code --metrics-port} adds to the run's registry: the JVM's meters, only when a server serves them. */
class LiveMetricsTest {

    @Test
    void theServedRegistryAlsoHoldsTheJvmsMeters() {
        MetricsOptions asked = new MetricsOptions();
        asked.port = 0;
        MeterRegistry served = asked.registry();
        assertThat(served).isInstanceOf(PrometheusMeterRegistry.class);
        try (JvmMeters jvm = asked.jvmMeters(served)) {
            assertThat(jvm).isNotNull();
            assertThat(served.find("process.cpu.usage").gauge()).isNotNull();
            assertThat(served.find("jvm.compilation.time").functionCounter()).isNotNull();
            assertThat(served.find("jvm.memory.used").gauges()).isNotEmpty();
            assertThat(served.find("jvm.threads.live").gauge()).isNotNull();
            assertThat(((PrometheusMeterRegistry) served).scrape()).contains("jvm_compilation_time_ms_total");
        }

        MetricsOptions none = new MetricsOptions();
        MeterRegistry plain = none.registry();
        assertThat(none.jvmMeters(plain)).isNull();
        assertThat(none.serve("bench", plain)).isNull();
        assertThat(plain.getMeters()).isEmpty();
    }
}
