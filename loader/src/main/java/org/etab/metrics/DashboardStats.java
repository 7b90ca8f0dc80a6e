package org.etab.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The numbers behind {@code GET /api/stats} and {@code GET /api/history}: the {@code etab.*} meters of a registry
 * (and, when {@link JvmMeters} or the caller bound them, the process's CPU and the JIT's compile time)
 * summed over every pipeline in it, with rates computed here over the last second or more (counter deltas between
 * two reads), so that a page that polls needs no history of its own to show a rate. {@link #tick()}, called once a
 * second by the server, keeps the last {@value #HISTORY} points, so that a dashboard opened mid-run shows the
 * minutes before it.
 *
 * <p>Threading: every method may be called from any thread; reads of the window and the history are serialized.
 */
final class DashboardStats {
    /** Rates are taken over at least this long, when the reads allow it. */
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Micrometer's name for the process's cumulative CPU time in nanoseconds ({@code ProcessorMetrics}). */
    private static final String CPU_TIME = "process.cpu.time";
    /** Micrometer's name for the JIT's cumulative compile time in milliseconds ({@code JvmCompilationMetrics}). */
    private static final String JIT_TIME = "jvm.compilation.time";
    /** The CUDA feeder's meters (etab-cuda's {@code DeviceFeeder.bindTo}), found by name: no dependency on it. */
    private static final String UPLOAD_BYTES = "etab.upload.bytes";

    private static final String UPLOAD_WAIT = "etab.upload.wait";

    private final MeterRegistry registry;
    private final LongSupplier clock;
    /** Points kept for {@code /api/history} (one a second: two minutes). */
    static final int HISTORY = 120;

    private final Deque<Totals> window = new ArrayDeque<>();
    private final Deque<ObjectNode> history = new ArrayDeque<>();
    private final long startNanos;

    DashboardStats(MeterRegistry registry) {
        this(registry, System::nanoTime);
    }

    DashboardStats(MeterRegistry registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        window.add(totals(startNanos));
    }

    /**
     * Cumulative counts at one instant; {@code cpuNanos} (the process's CPU time) and {@code jitMillis} (the JIT's
     * compile time) are NaN while {@link JvmMeters} (or the caller's binders) have not put their meters in the
     * registry, {@code uploadBytes} and {@code uploadWaitSeconds} while no CUDA feeder has.
     */
    private record Totals(
            long nanos,
            double samples,
            double frames,
            double bytes,
            double waitSeconds,
            double errors,
            double cpuNanos,
            double jitMillis,
            double uploadBytes,
            double uploadWaitSeconds) {}

    private Totals totals(long nanos) {
        return new Totals(
                nanos,
                count("etab.samples"),
                count("etab.frames.decoded"),
                count("etab.bytes.read"),
                totalSeconds("etab.consumer.wait"),
                count("etab.errors"),
                functionCount(CPU_TIME),
                functionCount(JIT_TIME),
                registry.find(UPLOAD_BYTES).counters().isEmpty() ? Double.NaN : count(UPLOAD_BYTES),
                registry.find(UPLOAD_WAIT).timers().isEmpty() ? Double.NaN : totalSeconds(UPLOAD_WAIT));
    }

    /** The current numbers as one JSON object (field names are in {@code docs/metrics.md}). */
    String json() {
        return write(point());
    }

    /** The last {@value #HISTORY} points taken by {@link #tick()}, oldest first, as a JSON array. */
    String historyJson() {
        var array = JSON.createArrayNode();
        synchronized (window) {
            array.addAll(history);
        }
        return write(array);
    }

    /** Takes a point for the history (the server calls this once a second). */
    void tick() {
        ObjectNode p = point();
        synchronized (window) {
            history.addLast(p);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    private ObjectNode point() {
        Totals now;
        Totals base;
        synchronized (window) {
            now = totals(clock.getAsLong());
            window.addLast(now);
            // the base is the newest read at least WINDOW old (or the oldest while none is)
            while (window.size() > 2) {
                Totals second = window.stream().skip(1).findFirst().orElseThrow();
                if (now.nanos() - second.nanos() >= WINDOW_NANOS) {
                    window.removeFirst();
                } else {
                    break;
                }
            }
            base = window.peekFirst();
        }
        double dt = Math.max(1e-9, (now.nanos() - base.nanos()) / 1e9);
        ObjectNode o = JSON.createObjectNode();
        o.put("timeMillis", System.currentTimeMillis());
        o.put("uptimeSeconds", round((now.nanos() - startNanos) / 1e9, 3));
        o.put("windowSeconds", round(dt, 3));
        var datasets = o.putArray("datasets");
        tagValues("dataset").forEach(datasets::add);
        o.put("pipelines", tagValues("pipeline").size());
        o.put("samples", now.samples());
        o.put("frames", now.frames());
        o.put("bytes", now.bytes());
        o.put("errors", now.errors());
        o.put("samplesPerSecond", rate(now.samples(), base.samples(), dt));
        o.put("framesPerSecond", rate(now.frames(), base.frames(), dt));
        o.put("megabytesPerSecond", round(rate(now.bytes(), base.bytes(), dt) / 1e6, 3));
        // the share of wall time the consumer spent waiting for its next batch
        o.put("stallPercent", round(Math.min(100, 100 * rate(now.waitSeconds(), base.waitSeconds(), dt)), 2));
        o.put("consumerWaitSeconds", round(now.waitSeconds(), 6));
        putGauge(o, "batchesReady", "etab.batches.ready");
        putGauge(o, "batchesInflight", "etab.batches.inflight");
        putGauge(o, "poolBuffers", "etab.pool.buffers");
        putGauge(o, "poolOutstanding", "etab.pool.outstanding");
        ObjectNode byStage = o.putObject("errorsByStage");
        errorsByStage().forEach(byStage::put);
        // the process around the pipelines, when JvmMeters (or the caller's own binders) put its meters there
        // CPU time over the window (the JDK's own CPU-load reading goes to 0 when read twice in quick succession)
        double cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        putRate(o, "processCpuPercent", now.cpuNanos(), base.cpuNanos(), dt, 100 / 1e9 / cores);
        // compile time per wall time, summed over the compiler threads: may pass 100
        putRate(o, "jitPercent", now.jitMillis(), base.jitMillis(), dt, 100 / 1000.0);
        // the GPU feed, when a CUDA feeder is bound: bytes uploaded, and the share of time its upload thread waited
        // for the training step to hand a device slot back
        putRate(o, "uploadGigabytesPerSecond", now.uploadBytes(), base.uploadBytes(), dt, 1e-9);
        putRate(o, "uploadWaitPercent", now.uploadWaitSeconds(), base.uploadWaitSeconds(), dt, 100);
        ObjectNode ms = o.putObject("millis");
        percentiles(ms, "decode", "etab.decode");
        percentiles(ms, "batch", "etab.batch");
        percentiles(ms, "wait", "etab.consumer.wait");
        percentiles(ms, "upload", "etab.upload.duration"); // device time of a batch's copy (CUDA events)
        percentiles(ms, "normalize", "etab.normalize.duration");
        return o;
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the stats as JSON", e);
        }
    }

    private static double rate(double now, double base, double seconds) {
        // a pipeline that closed took its meters with it: the sum drops, which is not a negative rate
        return round(Math.max(0, now - base) / seconds, 3);
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return 0;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private double count(String name) {
        double sum = 0;
        for (Counter c : registry.find(name).counters()) {
            sum += c.count();
        }
        return sum;
    }

    /** The sum of the function counters called {@code name}; NaN when there is none. */
    private double functionCount(String name) {
        double sum = Double.NaN;
        for (FunctionCounter c : registry.find(name).functionCounters()) {
            sum = (Double.isNaN(sum) ? 0 : sum) + c.count();
        }
        return sum;
    }

    /** The rate times {@code scale}; null unless both reads had the meter (not a total since the JVM started). */
    private static void putRate(ObjectNode o, String field, double now, double base, double seconds, double scale) {
        if (Double.isNaN(now) || Double.isNaN(base)) {
            o.putNull(field);
        } else {
            o.put(field, round(rate(now, base, seconds) * scale, 2));
        }
    }

    private double totalSeconds(String name) {
        double sum = 0;
        for (Timer t : registry.find(name).timers()) {
            sum += t.totalTime(TimeUnit.SECONDS);
        }
        return sum;
    }

    /** The sum of a gauge over the pipelines; null when no pipeline has a value (none, or NaN: not readable). */
    private void putGauge(ObjectNode o, String field, String name) {
        double sum = 0;
        boolean any = false;
        for (Gauge g : registry.find(name).gauges()) {
            double v = g.value();
            if (Double.isFinite(v)) {
                sum += v;
                any = true;
            }
        }
        if (any) {
            o.put(field, sum);
        } else {
            o.putNull(field);
        }
    }

    /** The stages that failed samples, with their totals (each pipeline has every stage's counter, most at 0). */
    private Map<String, Double> errorsByStage() {
        Map<String, Double> out = new TreeMap<>();
        for (Counter c : registry.find("etab.errors").counters()) {
            String stage = c.getId().getTag("stage");
            if (c.count() > 0) {
                out.merge(stage == null ? "unknown" : stage, c.count(), Double::sum);
            }
        }
        return out;
    }

    private TreeSet<String> tagValues(String tag) {
        TreeSet<String> values = new TreeSet<>();
        Collection<Meter> meters = registry.find("etab.samples").meters();
        for (Meter m : meters) {
            String v = m.getId().getTag(tag);
            if (v != null) {
                values.add(v);
            }
        }
        return values;
    }

    /** p50/p99 and mean in milliseconds: the worst over the pipelines (the one a training loop would feel). */
    private void percentiles(ObjectNode out, String key, String name) {
        double p50 = 0;
        double p99 = 0;
        double total = 0;
        long count = 0;
        for (Timer t : registry.find(name).timers()) {
            for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
                double value = v.value(TimeUnit.MILLISECONDS);
                if (v.percentile() == 0.5) {
                    p50 = Math.max(p50, value);
                } else if (v.percentile() == 0.99) {
                    p99 = Math.max(p99, value);
                }
            }
            total += t.totalTime(TimeUnit.MILLISECONDS);
            count += t.count();
        }
        ObjectNode n = out.putObject(key);
        n.put("p50", round(p50, 3));
        n.put("p99", round(p99, 3));
        n.put("mean", round(count == 0 ? 0 : total / count, 3));
        n.put("count", count);
    }
}
