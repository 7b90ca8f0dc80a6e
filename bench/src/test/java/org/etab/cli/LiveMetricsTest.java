package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.etab.metrics.JvmMeters;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void withMetricsLingerTheLastScrapeHoldsTheWholeRunAndTheProcessEndsRightAfterIt() throws Exception {
        lingersAfterResult(List.of(line(
                "bench --root %s --split all --clip-length 4 --frame-size 16x16 --threads 1"
                        + " --device cpu --quiet --metrics-port 0 --metrics-linger 120",
                PhantomDatasets.echonet())));
    }

    @Test
    void demoLingersAfterItsResultLineAsBenchDoes(@TempDir Path pictures) throws Exception {
        lingersAfterResult(List.of(line(
                "demo --root %s --out %s --epochs 1 --threads 1 --device cpu --quiet --metrics-port 0"
                        + " --metrics-linger 120",
                PhantomDatasets.echonet(), pictures)));
    }

    /**
     * Runs {@code args} in a fresh JVM: RESULT comes while it still serves, and one scrape after it ends it
     * ({@link ExportMetricsTest#runAndScrapeAfterResult}), whose samples counter is RESULT's delivered.
     */
    private static void lingersAfterResult(List<String> args) throws Exception {
        ExportMetricsTest.Run run = ExportMetricsTest.runAndScrapeAfterResult(args);
        Matcher delivered = Pattern.compile("delivered=(\\d+)").matcher(run.result());
        assertThat(delivered.find()).isTrue();
        Matcher samples =
                Pattern.compile("(?m)^etab_samples_total\\{[^}]*} ([0-9.E]+)$").matcher(run.metrics());
        assertThat(samples.find()).as(run.metrics()).isTrue();
        assertThat((long) Double.parseDouble(samples.group(1))).isEqualTo(Long.parseLong(delivered.group(1)));
    }

    @Test
    void lingerIsCheckedBeforeTheRun() {
        EtabCliTest.Run alone =
                EtabCliTest.etab("bench", "--root", PhantomDatasets.echonet().toString(), "--metrics-linger", "5");
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--metrics-linger applies with --metrics-port only");
        EtabCliTest.Run tooLong = EtabCliTest.etab(
                "bench",
                "--root",
                PhantomDatasets.echonet().toString(),
                "--metrics-port",
                "0",
                "--metrics-linger",
                "4000");
        assertThat(tooLong.code()).isEqualTo(2);
        assertThat(tooLong.err()).contains("--metrics-linger must be 0..3600 seconds but was 4000");
    }

    @Test
    void metricsHostIsCheckedBeforeTheRun() {
        // without a port nothing is served: the run would go on without the dashboard it was asked for
        EtabCliTest.Run alone =
                EtabCliTest.etab("bench", "--root", PhantomDatasets.echonet().toString(), "--metrics-host", "0.0.0.0");
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--metrics-host applies with --metrics-port only");
        assertThat(alone.out()).doesNotContain("RESULT");
        EtabCliTest.Run blank = EtabCliTest.etab(
                "bench", "--root", PhantomDatasets.echonet().toString(), "--metrics-port", "0", "--metrics-host", " ");
        assertThat(blank.code()).isEqualTo(2);
        assertThat(blank.err()).contains("--metrics-host must name an interface, e.g. 127.0.0.1, but was blank");
    }
}
