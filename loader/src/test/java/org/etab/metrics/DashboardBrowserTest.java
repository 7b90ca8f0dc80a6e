package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.etab.batch.Batch;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.pipeline.Pipeline;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in a real browser (headless Chromium) while a pipeline runs: its script polls the server and
 * shows a non-zero throughput, and a screenshot of it is taken ({@code target/dashboard.png}; with
 * {@code -Detab.dashboard.screenshot=FILE} it is also copied there, which is how {@code docs/dashboard.png} is
 * made); then a CUDA feeder's meters appear in the registry and the GPU feed charts with them. Skipped, with the
 * reason, where {@value #CHROMIUM} is not installed.
 */
class DashboardBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    private static final Pattern VALUE = Pattern.compile("id=\"([a-z-]+)\"[^>]*data-value=\"([^\"]*)\"");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void dashboardShowsALiveRunInChromium(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of(CHROMIUM)),
                "no browser at " + CHROMIUM + ": the real-browser dashboard test is skipped "
                        + "(apt-get install chromium to run it)");
        List<EchoNetRecord> records = MetricsTestSupport.damagedPhantom(tmp.resolve("echonet"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // later, a CUDA feeder's meters, named and tagged as etab-cuda's binder registers them (its
        // FeederDashboardTest checks the names against the real binder), recorded per batch as the feeder would;
        // only after the screenshot, which shows the pipeline alone
        AtomicReference<Counter> uploaded = new AtomicReference<>();
        try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0);
                JvmMeters jvm = JvmMeters.bindTo(registry);
                Pipeline p = MetricsTestSupport.pipeline(records, registry)) {
            // a training loop: epoch after epoch, a short step per batch, until the browser is done
            Thread loop = new Thread(
                    () -> {
                        try {
                            for (int epoch = 0; !stop.get(); epoch++) {
                                for (Batch b : p.consume(p.batches(epoch))) {
                                    try (b) {
                                        Counter bytes = uploaded.get();
                                        if (bytes != null) {
                                            bytes.increment(b.features().spec().bytes() * b.size());
                                        }
                                        Thread.sleep(15);
                                    }
                                    if (stop.get()) {
                                        break;
                                    }
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    },
                    "training-loop");
            loop.start();
            try {
                // a few seconds of history for the charts (the server takes a point a second)
                Thread.sleep(6_000);
                assertThat(p.account().delivered()).isPositive();

                String dom = chromium(tmp, "dom", "--virtual-time-budget=4000", "--dump-dom", server.url());
                assertThat(dom).contains("<svg", "id=\"chart-throughput\"");
                assertThat(dom).contains("class=\"live\"");
                assertThat(value(dom, "throughput"))
                        .as("samples/s shown on the page")
                        .isPositive();
                assertThat(value(dom, "frames-per-second")).isPositive();
                assertThat(value(dom, "samples-total")).isPositive();
                assertThat(value(dom, "errors"))
                        .as("the missing video fails every epoch")
                        .isPositive();
                // the charts drew lines
                assertThat(dom).containsPattern("<path d=\"M[0-9.]+ [0-9.]+ L");
                // with the process's meters bound, their chart is shown and drawn too
                assertThat(dom).contains("<div class=\"chart\" id=\"process\">");
                assertThat(dom).containsPattern("(?s)id=\"chart-process\"[^>]*>.*?<path d=\"M[0-9.]+ [0-9.]+ L");
                // no CUDA feeder yet: no GPU feed charts
                assertThat(dom).contains("<div class=\"chart\" id=\"gpu\" hidden=\"\">");

                Path png = Path.of("target/dashboard.png").toAbsolutePath();
                Files.createDirectories(png.getParent());
                Files.deleteIfExists(png);
                chromium(
                        tmp,
                        "screenshot",
                        "--virtual-time-budget=4000",
                        "--hide-scrollbars",
                        "--window-size=1280,1060",
                        "--screenshot=" + png,
                        server.url());
                BufferedImage image = ImageIO.read(png.toFile());
                assertThat(image).as("a PNG at " + png).isNotNull();
                assertThat(image.getWidth()).isEqualTo(1280);
                assertThat(image.getHeight()).isEqualTo(1060);
                String copy = System.getProperty("etab.dashboard.screenshot");
                if (copy != null && !copy.isBlank()) {
                    Files.copy(png, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
                }

                // a feeder's meters appear: the GPU feed charts are shown and drawn
                Timer.builder("etab.upload.duration")
                        .tags("dataset", "echonet", "device", "cuda")
                        .publishPercentiles(0.5, 0.99)
                        .register(registry)
                        .record(1, TimeUnit.MILLISECONDS);
                uploaded.set(registry.counter("etab.upload.bytes", "dataset", "echonet", "device", "cuda"));
                Thread.sleep(3_000); // two server points with the counter: a rate
                dom = chromium(tmp, "dom-gpu", "--virtual-time-budget=4000", "--dump-dom", server.url());
                assertThat(dom).contains("<div class=\"chart\" id=\"gpu\">", "<div class=\"chart\" id=\"gpu-times\">");
                assertThat(dom).containsPattern("(?s)id=\"chart-gpu\"[^>]*>.*?<path d=\"M[0-9.]+ [0-9.]+ L");
                assertThat(dom).containsPattern("(?s)id=\"chart-gpu-times\"[^>]*>.*?<path d=\"M[0-9.]+ [0-9.]+ L");
            } finally {
                stop.set(true);
                loop.join(60_000);
            }
            assertThat(failure.get()).isNull();
        }
    }

    private static double value(String dom, String id) {
        Matcher m = VALUE.matcher(dom);
        while (m.find()) {
            if (m.group(1).equals(id)) {
                return m.group(2).isEmpty() ? Double.NaN : Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no element id=\"" + id + "\" with a data-value in the page");
    }

    /** Runs headless Chromium once with a throw-away profile; returns its standard output. */
    private static String chromium(Path tmp, String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile-" + name)));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process proc = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!proc.waitFor(90, TimeUnit.SECONDS)) {
            proc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium (" + name + ") did not finish in 90 s: " + Files.readString(err));
        }
        assertThat(proc.exitValue())
                .as("chromium exit status; stderr: %s", Files.readString(err))
                .isZero();
        return Files.readString(out);
    }
}
