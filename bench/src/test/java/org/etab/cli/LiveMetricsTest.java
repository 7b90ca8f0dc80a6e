package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        lingersAfterResult(List.of(
                "bench",
                "--root",
                PhantomDatasets.echonet().toString(),
                "--split",
                "all",
                "--clip-length",
                "4",
                "--frame-size",
                "16x16",
                "--threads",
                "1",
                "--device",
                "cpu",
                "--quiet",
                "--metrics-port",
                "0",
                "--metrics-linger",
                "120"));
    }

    @Test
    void demoLingersAfterItsResultLineAsBenchDoes(@TempDir Path pictures) throws Exception {
        lingersAfterResult(List.of(
                "demo",
                "--root",
                PhantomDatasets.echonet().toString(),
                "--out",
                pictures.toString(),
                "--epochs",
                "1",
                "--threads",
                "1",
                "--device",
                "cpu",
                "--quiet",
                "--metrics-port",
                "0",
                "--metrics-linger",
                "120"));
    }

    /** Runs {@code args} in a fresh JVM: RESULT comes while it still serves, and one scrape after it ends it. */
    private static void lingersAfterResult(List<String> args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp, Etab.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String url = null;
            String result = null;
            List<String> seen = new ArrayList<>();
            for (String line; result == null && (line = out.readLine()) != null; ) {
                seen.add(line);
                Matcher m = Pattern.compile("live metrics at (http://\\S+/) \\(dashboard\\)")
                        .matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
            assertThat(url).as(String.join("\n", seen)).isNotNull();
            assertThat(result).as(String.join("\n", seen)).isNotNull();
            Matcher delivered = Pattern.compile("delivered=(\\d+)").matcher(result);
            assertThat(delivered.find()).isTrue();
            assertThat(p.isAlive()).as("waiting for the last scrape").isTrue();

            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create(url + "metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher samples = Pattern.compile("(?m)^etab_samples_total\\{[^}]*} ([0-9.E]+)$")
                    .matcher(metrics);
            assertThat(samples.find()).as(metrics).isTrue();
            assertThat((long) Double.parseDouble(samples.group(1))).isEqualTo(Long.parseLong(delivered.group(1)));
            assertThat(p.waitFor(30, TimeUnit.SECONDS))
                    .as("ends after the scrape, not after --metrics-linger's 120 s")
                    .isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
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
