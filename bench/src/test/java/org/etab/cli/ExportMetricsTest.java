package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.cli.CommandLines.line;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.etab.datasets.camus.CamusRelease;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus stores of an {@code etab export} with {@code --metrics-port}: its last scrape (after RESULT,
 * {@code --metrics-linger}) holds the whole run, one series per meter even when the export runs one pipeline per
 * size group, and the consumer's wait (the dashboard's stall) is recorded as bench records it.
 */
class ExportMetricsTest {

    /** A scrape's samples of one metric: labels (as written) to value. */
    static Map<String, Double> series(String metrics, String name) {
        Map<String, Double> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$")
                .matcher(metrics);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    static long field(String result, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=(\\d+)").matcher(result);
        assertThat(m.find()).as(result).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
    void aNativeSizeExportsLastScrapeHoldsTheWholeRunInOneSeriesPerMeter(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("camus");
        Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), root);
        try (Stream<Path> raws = Files.walk(root)) {
            Path raw = raws.filter(f -> f.getFileName().toString().endsWith("_4CH_sequence.raw"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
            Files.write(raw, new byte[] {1, 2, 3}); // its clips fail: shorter than the header says
        }
        Run run = runAndScrapeAfterResult(List.of(line(
                "export --dataset camus --root %s --split all --target EF --clip-length 2 --fps 0"
                        + " --frame-size native --dtype uint8 --normalize false --channels 1 --batch 2"
                        + " --threads 2 --out %s --quiet --metrics-port 0 --metrics-linger 120",
                root, tmp.resolve("out"))));
        long delivered = field(run.result(), "delivered");
        long failed = field(run.result(), "failed");
        assertThat(delivered).isGreaterThan(1);
        assertThat(failed).as("the truncated sequence's clips").isPositive();

        Map<String, Double> samples = series(run.metrics(), "etab_samples_total");
        assertThat(samples)
                .as("one series for the run, not one per size group: " + samples)
                .hasSize(1);
        assertThat(samples.values().iterator().next()).isEqualTo((double) delivered);
        Map<String, Double> errors = series(run.metrics(), "etab_errors_total");
        assertThat(errors.values().stream().mapToDouble(Double::doubleValue).sum())
                .as(errors.toString())
                .isEqualTo((double) failed);
        assertThat(series(run.metrics(), "etab_decode_seconds_count").values()).containsExactly((double) delivered);
        String pipeline = samples.keySet().iterator().next().replaceAll(".*pipeline=\"([^\"]*)\".*", "$1");
        assertThat(series(run.metrics(), "etab_batches_ready").keySet())
                .as("the gauges carry the same pipeline tag")
                .allMatch(labels -> labels.contains("pipeline=\"" + pipeline + "\""))
                .hasSize(1);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
    void anExportRecordsTheWritersWaitForEachBatchAsBenchDoes(@TempDir Path tmp) throws Exception {
        Run run = runAndScrapeAfterResult(List.of(line(
                "export --root %s --split all --clip-length 4 --frame-size 16x16 --batch 4"
                        + " --threads 1 --out %s --quiet --metrics-port 0 --metrics-linger 120",
                echonet(), tmp.resolve("out"))));
        long delivered = field(run.result(), "delivered");
        assertThat(delivered).isEqualTo(PhantomDatasets.ECHONET_VIDEOS);
        assertThat(series(run.metrics(), "etab_samples_total").values()).containsExactly((double) delivered);
        // one record per batch taken and one for the end (docs/metrics.md, etab.consumer.wait)
        long batches = (delivered + 3) / 4;
        assertThat(series(run.metrics(), "etab_consumer_wait_seconds_count").values())
                .as("the stall panel's series")
                .containsExactly((double) batches + 1);
    }

    record Run(String result, String metrics) {}

    /** Runs {@code args} in a fresh JVM; after its RESULT line, one scrape, which ends the run (--metrics-linger). */
    static Run runAndScrapeAfterResult(List<String> args) throws Exception {
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
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("ends after the scrape, not after --metrics-linger's 120 s")
                    .isTrue();
            assertThat(p.exitValue()).isZero();
            return new Run(result, metrics);
        } finally {
            p.destroyForcibly();
        }
    }

    static Path echonet() {
        return PhantomDatasets.echonet();
    }
}
