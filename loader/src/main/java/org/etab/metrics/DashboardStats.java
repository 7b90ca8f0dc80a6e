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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.DoubleStream;

/**
 * The numbers behind {@code GET /api/stats} and {@code GET /api/history}: the {@code etab.*} meters of a registry
 * (and, when {@link JvmMeters} or the caller bound them, the process's CPU and the JIT's compile time)
 * summed over every pipeline in it, with rates computed here over the last second or more (counter deltas between
 * two reads), so that a page that polls needs no history of its own to show a rate. {@link #tick()}, called once a
 * second by the server, keeps the last {@value #HISTORY} points, so that a dashboard opened mid-run shows the
 * minutes before it.
 *
 * <p>Deltas are taken per meter, not between sums: when a pipeline closes beside others in a shared registry (a
 * validation pipeline beside the training one), its meters leave and the sum drops by their whole count, which
 * would read as no progress at all for a window; per meter, only the meters still there count. A meter that is new
 * since the base read counts from 0 (its whole value is its delta): pipelines and feeders register theirs at 0 when
 * they start, so what they did before their first read is in the rate.
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
    /** The cumulative meters each read keeps, by meter id: counters' counts, timers' total seconds. */
    private static final List<String> CUMULATIVE = List.of(
            "etab.samples",
            "etab.frames.decoded",
            "etab.bytes.read",
            "etab.consumer.wait",
            "etab.errors",
            CPU_TIME,
            JIT_TIME,
            UPLOAD_BYTES,
            UPLOAD_WAIT);

    private final MeterRegistry registry;
    private final LongSupplier clock;
    /** Points kept for {@code /api/history} (one a second: two minutes). */
    static final int HISTORY = 120;

    private final Deque<Read> window = new ArrayDeque<>();
    private final Deque<ObjectNode> history = new ArrayDeque<>();
    private final long startNanos;

    DashboardStats(MeterRegistry registry) {
        this(registry, System::nanoTime);
    }

    DashboardStats(MeterRegistry registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        window.add(read(startNanos));
    }

    /**
     * The cumulative meters at one instant, by meter id. The process's CPU time ({@value #CPU_TIME}) and the JIT's
     * compile time are missing while {@link JvmMeters} (or the caller's binders) have not put their meters in the
     * registry, the upload's while no CUDA feeder has.
     */
    private record Read(long nanos, Map<Meter.Id, Double> values) {
        /** The sum over the meters called {@code name}; 0 when there is none. */
        double total(String name) {
            double sum = 0;
            for (var e : values.entrySet()) {
                if (e.getKey().getName().equals(name)) {
                    sum += e.getValue();
                }
            }
            return sum;
        }

        boolean has(String name) {
            return values.keySet().stream().anyMatch(id -> id.getName().equals(name));
        }

        /**
         * The growth since {@code base} of the meters called {@code name}, summed over the meters in this read: one
         * gone since the base (a pipeline that closed) adds nothing, one new since it counts from 0, and so does one
         * that dropped (removed and registered again under the same id), so the sum is never negative.
         */
        double growthSince(Read base, String name) {
            return growths(base, name).sum();
        }

        /** The largest growth since {@code base} of one meter called {@code name} (as {@link #growthSince}). */
        double largestGrowthSince(Read base, String name) {
            return growths(base, name).max().orElse(0);
        }

        private DoubleStream growths(Read base, String name) {
            return values.entrySet().stream()
                    .filter(e -> e.getKey().getName().equals(name))
                    .mapToDouble(e -> {
                        double now = e.getValue();
                        double before = base.values().getOrDefault(e.getKey(), 0.0);
                        return now >= before ? now - before : now;
                    });
        }
    }

    private Read read(long nanos) {
        Map<Meter.Id, Double> values = new HashMap<>();
        for (String name : CUMULATIVE) {
            for (Meter m : registry.find(name).meters()) {
                double v = cumulative(m);
                if (!Double.isNaN(v)) {
                    values.put(m.getId(), v);
                }
            }
        }
        return new Read(nanos, values);
    }

    /** A counter's count, a timer's total seconds; NaN for other meters. */
    private static double cumulative(Meter m) {
        if (m instanceof Counter c) {
            return c.count();
        } else if (m instanceof FunctionCounter c) {
            return c.count();
        } else if (m instanceof Timer t) {
            return t.totalTime(TimeUnit.SECONDS);
        }
        return Double.NaN;
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
        Read now;
        Read base;
        synchronized (window) {
            now = read(clock.getAsLong());
            window.addLast(now);
            // the base is the newest read at least WINDOW old (or the oldest while none is)
            while (window.size() > 2) {
                Read second = window.stream().skip(1).findFirst().orElseThrow();
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
        o.put("samples", now.total("etab.samples"));
        o.put("frames", now.total("etab.frames.decoded"));
        o.put("bytes", now.total("etab.bytes.read"));
        o.put("errors", now.total("etab.errors"));
        o.put("samplesPerSecond", rate(now, base, "etab.samples", dt));
        o.put("framesPerSecond", rate(now, base, "etab.frames.decoded", dt));
        o.put("megabytesPerSecond", round(rate(now, base, "etab.bytes.read", dt) / 1e6, 3));
        // the share of wall time the consumer spent waiting for its next batch
        o.put("stallPercent", round(Math.min(100, 100 * rate(now, base, "etab.consumer.wait", dt)), 2));
        o.put("consumerWaitSeconds", round(now.total("etab.consumer.wait"), 6));
        putGauge(o, "batchesReady", "etab.batches.ready");
        putGauge(o, "batchesInflight", "etab.batches.inflight");
        putGauge(o, "poolBuffers", "etab.pool.buffers");
        putGauge(o, "poolOutstanding", "etab.pool.outstanding");
        ObjectNode byStage = o.putObject("errorsByStage");
        errorsByStage().forEach(byStage::put);
        // the process around the pipelines, when JvmMeters (or the caller's own binders) put its meters there
        // CPU time over the window (the JDK's own CPU-load reading goes to 0 when read twice in quick succession)
        double cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        putRate(o, "processCpuPercent", now, base, CPU_TIME, dt, 100 / 1e9 / cores);
        // compile time per wall time, summed over the compiler threads: may pass 100
        putRate(o, "jitPercent", now, base, JIT_TIME, dt, 100 / 1000.0);
        // the GPU feed, when a CUDA feeder is bound: bytes uploaded, and the share of time its upload thread waited
        // for the training step to hand a device slot back
        putRate(o, "uploadGigabytesPerSecond", now, base, UPLOAD_BYTES, dt, 1e-9);
        // a share of time: the feeder that waited most, at most 100 (a wait is recorded when it ends, so a window
        // can hold more than its length; summed over feeders it would pass 100 too)
        if (now.has(UPLOAD_WAIT) && base.has(UPLOAD_WAIT)) {
            o.put("uploadWaitPercent", round(Math.min(100, 100 * now.largestGrowthSince(base, UPLOAD_WAIT) / dt), 2));
        } else {
            o.putNull("uploadWaitPercent");
        }
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

    /** Per second, summed over the meters called {@code name} (per meter: {@link Read#growthSince}). */
    private static double rate(Read now, Read base, String name, double seconds) {
        return round(now.growthSince(base, name) / seconds, 3);
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return 0;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** The rate times {@code scale}; null unless both reads had the meter (not a total since the JVM started). */
    private static void putRate(
            ObjectNode o, String field, Read now, Read base, String name, double seconds, double scale) {
        if (!now.has(name) || !base.has(name)) {
            o.putNull(field);
        } else {
            o.put(field, round(rate(now, base, name, seconds) * scale, 2));
        }
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
