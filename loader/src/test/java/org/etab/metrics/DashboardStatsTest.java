package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rates over the window, sums over pipelines, and the history ring, on a clock the test moves. */
class DashboardStatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theProcessCpuAndTheJitsShareAppearOnlyWithTheirMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong now = new AtomicLong(0);
        DashboardStats stats = new DashboardStats(registry, now::get);
        JsonNode s = JSON.readTree(stats.json());
        assertThat(s.get("processCpuPercent").isNull()).isTrue();
        assertThat(s.get("jitPercent").isNull()).isTrue();

        // the names JvmMeters binds (Micrometer's ProcessorMetrics and JvmCompilationMetrics)
        AtomicLong jitMillis = new AtomicLong(1000);
        io.micrometer.core.instrument.FunctionCounter.builder("jvm.compilation.time", jitMillis, AtomicLong::get)
                .register(registry);
        AtomicLong cpuNanos = new AtomicLong(0);
        io.micrometer.core.instrument.FunctionCounter.builder("process.cpu.time", cpuNanos, AtomicLong::get)
                .register(registry);
        // the first read after the meters appear has no base for them: no rate from the JVM's start
        s = JSON.readTree(stats.json());
        assertThat(s.get("processCpuPercent").isNull()).isTrue();
        assertThat(s.get("jitPercent").isNull()).isTrue();
        stats = new DashboardStats(registry, now::get);
        jitMillis.addAndGet(500); // half a second of compiling in two seconds
        int cores = Runtime.getRuntime().availableProcessors();
        cpuNanos.addAndGet(cores * SECOND / 2); // a quarter of every core for two seconds
        now.set(2 * SECOND);
        s = JSON.readTree(stats.json());
        assertThat(s.get("processCpuPercent").asDouble()).isEqualTo(25.0);
        assertThat(s.get("jitPercent").asDouble()).isEqualTo(25.0);
    }

    @Test
    void theGpuFeedAppearsOnlyWithTheFeedersMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong now = new AtomicLong(0);
        DashboardStats stats = new DashboardStats(registry, now::get);
        JsonNode s = JSON.readTree(stats.json());
        assertThat(s.get("uploadGigabytesPerSecond").isNull()).isTrue();
        assertThat(s.get("uploadWaitPercent").isNull()).isTrue();
        assertThat(s.get("millis").get("upload").get("count").asLong()).isZero();

        // the names and tags etab-cuda's FeederMetrics binds
        Counter bytes = registry.counter("etab.upload.bytes", "dataset", "echonet", "device", "cuda");
        Timer wait = registry.timer("etab.upload.wait", "dataset", "echonet", "device", "cuda");
        Timer copy = Timer.builder("etab.upload.duration")
                .tags("dataset", "echonet", "device", "cuda")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        stats = new DashboardStats(registry, now::get);
        bytes.increment(3e9); // 3 GB in two seconds
        wait.record(100, TimeUnit.MILLISECONDS); // 0.1 s of two seconds
        copy.record(2, TimeUnit.MILLISECONDS);
        copy.record(2, TimeUnit.MILLISECONDS);
        now.set(2 * SECOND);
        s = JSON.readTree(stats.json());
        assertThat(s.get("uploadGigabytesPerSecond").asDouble()).isEqualTo(1.5);
        assertThat(s.get("uploadWaitPercent").asDouble()).isEqualTo(5.0);

        // two feeders: the one that waited most, not the sum; never above 100 (a long wait recorded as it ends)
        Timer other = registry.timer("etab.upload.wait", "dataset", "camus", "device", "cuda");
        wait.record(400, TimeUnit.MILLISECONDS);
        other.record(300, TimeUnit.MILLISECONDS);
        now.set(3 * SECOND);
        s = JSON.readTree(stats.json());
        assertThat(s.get("uploadWaitPercent").asDouble())
                .as("the window since the read at 2 s: 0.4 s of 1 s, the first feeder's (the sum would say 70)")
                .isEqualTo(40.0);
        wait.record(9, TimeUnit.SECONDS);
        now.set(4 * SECOND);
        s = JSON.readTree(stats.json());
        assertThat(s.get("uploadWaitPercent").asDouble()).isEqualTo(100.0);
        assertThat(s.get("millis").get("upload").get("mean").asDouble()).isEqualTo(2.0);
        assertThat(s.get("millis").get("upload").get("count").asLong()).isEqualTo(2);
        assertThat(s.get("millis").get("normalize").get("count").asLong()).isZero();
    }

    @Test
    void ratesAreCounterDeltasOverTheLastSecondOrMore() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Counter a = registry.counter("etab.samples", "dataset", "echonet", "pipeline", "1");
        Counter b = registry.counter("etab.samples", "dataset", "camus", "pipeline", "2");
        Timer wait = registry.timer("etab.consumer.wait", "dataset", "echonet", "pipeline", "1");
        AtomicLong now = new AtomicLong(0);
        DashboardStats stats = new DashboardStats(registry, now::get);

        a.increment(100);
        b.increment(50);
        wait.record(250, TimeUnit.MILLISECONDS);
        now.set(2 * SECOND);
        JsonNode s = JSON.readTree(stats.json());
        // since the start: 150 samples over 2 s, waited 0.25 s of 2 s
        assertThat(s.get("samples").asDouble()).isEqualTo(150);
        assertThat(s.get("samplesPerSecond").asDouble()).isEqualTo(75);
        assertThat(s.get("stallPercent").asDouble()).isEqualTo(12.5);
        assertThat(s.get("pipelines").asInt()).isEqualTo(2);
        assertThat(s.get("datasets").toString()).isEqualTo("[\"camus\",\"echonet\"]");

        // reads 0.5 s apart still measure over at least a second
        a.increment(30);
        now.set(2 * SECOND + SECOND / 2);
        s = JSON.readTree(stats.json());
        assertThat(s.get("windowSeconds").asDouble()).isEqualTo(2.5);
        a.increment(30);
        now.set(3 * SECOND + SECOND / 2);
        s = JSON.readTree(stats.json());
        // base: the read at 2.5 s (the newest at least 1 s old)
        assertThat(s.get("windowSeconds").asDouble()).isEqualTo(1.0);
        assertThat(s.get("samplesPerSecond").asDouble()).isEqualTo(30);

        // a pipeline closing takes its meters away: the sum drops, the rate does not go negative
        registry.remove(b);
        now.set(5 * SECOND);
        s = JSON.readTree(stats.json());
        assertThat(s.get("samplesPerSecond").asDouble()).isZero();
        assertThat(s.get("pipelines").asInt()).isEqualTo(1);
    }

    @Test
    void aPipelineClosingBesideAnotherLeavesTheOthersRate() throws Exception {
        // a validation pipeline closes beside a training one in a shared registry: its counter leaves the sum, which
        // drops by its whole count; the training pipeline's 100 samples a second must still read as 100
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong clock = new AtomicLong();
        Counter train = registry.counter("etab.samples", "dataset", "echonet", "pipeline", "1", "device", "host");
        Counter val = registry.counter("etab.samples", "dataset", "echonet", "pipeline", "2", "device", "host");
        val.increment(500);
        Timer trainWait = registry.timer("etab.consumer.wait", "dataset", "echonet", "pipeline", "1");
        Timer valWait = registry.timer("etab.consumer.wait", "dataset", "echonet", "pipeline", "2");
        valWait.record(10, TimeUnit.SECONDS);
        DashboardStats stats = new DashboardStats(registry, clock::get);
        for (int s = 1; s <= 4; s++) {
            clock.addAndGet(SECOND);
            train.increment(100);
            trainWait.record(250, TimeUnit.MILLISECONDS);
            if (s == 3) {
                registry.remove(val);
                registry.remove(valWait);
            }
            JsonNode stat = JSON.readTree(stats.json());
            assertThat(stat.get("samplesPerSecond").asDouble())
                    .as("second " + s)
                    .isEqualTo(100.0);
            assertThat(stat.get("stallPercent").asDouble()).as("second " + s).isEqualTo(25.0);
        }
    }

    @Test
    void aPipelineStartingMidWindowCountsFromZero() throws Exception {
        // its meters are registered at 0 when it starts, so all it did since is in the rate
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong clock = new AtomicLong();
        Counter train = registry.counter("etab.samples", "pipeline", "1");
        DashboardStats stats = new DashboardStats(registry, clock::get);
        clock.addAndGet(SECOND);
        train.increment(100);
        registry.counter("etab.samples", "pipeline", "2").increment(50);
        assertThat(JSON.readTree(stats.json()).get("samplesPerSecond").asDouble())
                .isEqualTo(150.0);
        // a meter removed and registered again under the same id starts again from 0: a reset, not a negative rate
        registry.remove(train);
        clock.addAndGet(SECOND);
        registry.counter("etab.samples", "pipeline", "1").increment(30);
        assertThat(JSON.readTree(stats.json()).get("samplesPerSecond").asDouble())
                .isEqualTo(30.0);
    }

    @Test
    void gaugesAreSummedAndUnreadableOnesAreNull() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Gauge.builder("etab.batches.ready", () -> 2).tags("pipeline", "1").register(registry);
        Gauge.builder("etab.batches.ready", () -> 3).tags("pipeline", "2").register(registry);
        Gauge.builder("etab.pool.buffers", () -> Double.NaN)
                .tags("pipeline", "1")
                .register(registry);
        JsonNode s = JSON.readTree(new DashboardStats(registry).json());
        assertThat(s.get("batchesReady").asDouble()).isEqualTo(5);
        assertThat(s.get("poolBuffers").isNull()).isTrue();
        assertThat(s.get("poolOutstanding").isNull()).isTrue();
        assertThat(s.get("errorsByStage").size()).isZero();
    }

    @Test
    void historyKeepsTheLastTwoMinutes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Counter c = registry.counter("etab.samples");
        AtomicLong now = new AtomicLong(0);
        DashboardStats stats = new DashboardStats(registry, now::get);
        for (int i = 1; i <= DashboardStats.HISTORY + 5; i++) {
            c.increment(10);
            now.set(i * SECOND);
            stats.tick();
        }
        JsonNode h = JSON.readTree(stats.historyJson());
        assertThat(h.size()).isEqualTo(DashboardStats.HISTORY);
        assertThat(h.get(0).get("uptimeSeconds").asDouble()).isEqualTo(6);
        assertThat(h.get(h.size() - 1).get("samplesPerSecond").asDouble()).isEqualTo(10);
    }

    @Test
    void bytesReadAreMegabytesASecondAndUptimeCountsFromTheStatsStart() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Counter bytes = registry.counter("etab.bytes.read", "pipeline", "1");
        Gauge.builder("etab.batches.inflight", () -> 4).tags("pipeline", "1").register(registry);
        AtomicLong now = new AtomicLong(7 * SECOND); // nanoTime's origin is arbitrary: the start is not 0
        DashboardStats stats = new DashboardStats(registry, now::get);
        bytes.increment(3_000_000);
        now.addAndGet(2 * SECOND);
        JsonNode s = JSON.readTree(stats.json());
        assertThat(s.get("uptimeSeconds").asDouble()).isEqualTo(2);
        assertThat(s.get("bytes").asDouble()).isEqualTo(3_000_000);
        assertThat(s.get("megabytesPerSecond").asDouble()).isEqualTo(1.5);
        assertThat(s.get("batchesInflight").asDouble()).isEqualTo(4);
    }
}
