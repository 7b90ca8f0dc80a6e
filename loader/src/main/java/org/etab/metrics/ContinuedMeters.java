package org.etab.metrics;

import io.micrometer.core.instrument.AbstractMeter;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of pipelines that run one after another as one run (an export at {@code --frame-size native}: one
 * pipeline per size group), in a registry as one pipeline's: the run's counters and timers go on counting from one
 * pipeline to the next, and its gauges read the pipeline running now.
 *
 * <p>Why: each pipeline tags its meters with its own number and removes them when it closes. Prometheus then sees
 * a new series per pipeline, most of which (a size group often takes less than a second) are never scraped, or
 * scraped once, so {@code rate()} and {@code increase()} find nothing to work on and the dashboard's throughput and
 * failed samples read 0 while the run works; summed over the series a scrape finds, the totals fall whenever one
 * closes. Through this class each pipeline's meters are also counted in meters tagged with the first pipeline's
 * number, which stay in the registry until {@link #close()}: one series per meter, only ever growing, the whole
 * run's at the end.
 *
 * <pre>{@code
 * try (ContinuedMeters run = new ContinuedMeters(registry)) {
 *     for (SampleSource group : groups) {
 *         try (Pipeline p = new Pipeline(group, options, run.next(), HostAllocator.NATIVE)) {
 *             // consume
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Each {@link #next()} registry keeps its pipeline's own meters as they are (so that {@code
 * Pipeline.bytesRead()} stays that pipeline's); counters, timers and gauges registered there are continued in the
 * registry given here, other kinds of meter only kept there. Meters without the {@code pipeline} tag are continued
 * under their own tags.
 *
 * <p>Threading: thread-safe; the pipelines are meant to run one after another (two at once would add to the same
 * counters, and the gauges would read the newer one). Ownership: the caller keeps the registry; {@link #close()}
 * (idempotent) removes the continued meters from it.
 */
public final class ContinuedMeters implements AutoCloseable {
    /** The tag that tells pipelines apart ({@code docs/metrics.md}). */
    static final String PIPELINE = "pipeline";

    private final MeterRegistry registry;
    private final Object lock = new Object();
    /** The continued meters, by the id they were registered with (before the registry's filters). */
    private final Map<Meter.Id, Meter> continued = new LinkedHashMap<>();
    /** A continued gauge reads the gauge of the pipeline registered last, while it is registered. */
    private final Map<Meter.Id, AtomicReference<Gauge>> current = new LinkedHashMap<>();

    private String pipeline;
    private boolean closed;

    /**
     * @param registry where the run's meters are continued (e.g. the one {@link MetricsServer} serves), not null
     */
    public ContinuedMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * A registry for the next pipeline of the run: its meters stay its own (and go when it closes them), and are
     * counted on in the run's.
     *
     * @return a new registry, owned by the pipeline given it
     * @throws IllegalStateException when this is closed
     */
    public MeterRegistry next() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
        }
        return new Part();
    }

    /** The id a pipeline's meter is continued under: the first pipeline's number for every pipeline's. */
    private Meter.Id continuedId(Meter.Id id) {
        String own = id.getTag(PIPELINE);
        if (own == null) {
            return id;
        }
        synchronized (lock) {
            if (pipeline == null) {
                pipeline = own;
            }
            return id.withTag(Tag.of(PIPELINE, pipeline));
        }
    }

    /** Registers (or finds) a continued meter and keeps it for {@link #close()}; null once closed. */
    private <M extends Meter> M keep(Meter.Id id, java.util.function.Function<Meter.Id, M> register) {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            @SuppressWarnings("unchecked") // each id is registered by one kind of meter
            M m = (M) continued.computeIfAbsent(id, register::apply);
            return m;
        }
    }

    private Counter continuedCounter(Meter.Id own) {
        return keep(
                continuedId(own),
                id -> Counter.builder(id.getName())
                        .tags(id.getTagsAsIterable())
                        .description(id.getDescription())
                        .baseUnit(id.getBaseUnit())
                        .register(registry));
    }

    private Timer continuedTimer(Meter.Id own, DistributionStatisticConfig config) {
        return keep(continuedId(own), id -> {
            Timer.Builder b = Timer.builder(id.getName())
                    .tags(id.getTagsAsIterable())
                    .description(id.getDescription())
                    .publishPercentileHistogram(config.isPercentileHistogram());
            if (config.getPercentiles() != null) {
                b.publishPercentiles(config.getPercentiles());
            }
            if (config.getServiceLevelObjectiveBoundaries() != null) {
                List<Duration> slos = new ArrayList<>();
                for (double nanos : config.getServiceLevelObjectiveBoundaries()) {
                    slos.add(Duration.ofNanos((long) nanos));
                }
                b.serviceLevelObjectives(slos.toArray(Duration[]::new));
            }
            return b.register(registry);
        });
    }

    /** Points the continued gauge at {@code own}, a pipeline's gauge just registered. */
    private void continueGauge(Gauge own) {
        Meter.Id id = continuedId(own.getId());
        synchronized (lock) {
            if (closed) {
                return;
            }
            AtomicReference<Gauge> reading = current.computeIfAbsent(id, k -> new AtomicReference<>());
            reading.set(own);
            keep(
                    id,
                    i -> Gauge.builder(i.getName(), reading, ContinuedMeters::read)
                            .tags(i.getTagsAsIterable())
                            .description(i.getDescription())
                            .baseUnit(i.getBaseUnit())
                            .strongReference(true)
                            .register(registry));
        }
    }

    /** The gauge's value while its pipeline has it, 0 between pipelines (nothing in assembly, no buffers). */
    private static double read(AtomicReference<Gauge> reading) {
        Gauge g = reading.get();
        return g == null ? 0 : g.value();
    }

    /** A pipeline's gauge left its registry (the pipeline closed): the continued one reads 0 until the next. */
    private void gaugeRemoved(Meter m) {
        if (m instanceof Gauge g) {
            Meter.Id id = continuedId(g.getId());
            synchronized (lock) {
                AtomicReference<Gauge> reading = current.get(id);
                if (reading != null) {
                    reading.compareAndSet(g, null);
                }
            }
        }
    }

    /** Removes the continued meters from the registry. Idempotent. */
    @Override
    public void close() {
        List<Meter> gone;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            gone = new ArrayList<>(continued.values());
            continued.clear();
            current.clear();
        }
        gone.forEach(registry::remove);
    }

    /** One pipeline's registry: its meters as a plain registry keeps them, each counted on in the run's. */
    private final class Part extends SimpleMeterRegistry {
        Part() {
            super(SimpleConfig.DEFAULT, Clock.SYSTEM);
            config().onMeterRemoved(ContinuedMeters.this::gaugeRemoved);
        }

        @Override
        protected Counter newCounter(Meter.Id id) {
            Counter own = super.newCounter(id);
            Counter run = continuedCounter(id);
            return run == null ? own : new BothCounter(id, own, run);
        }

        @Override
        protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
            Timer own = super.newTimer(id, config, pauseDetector);
            Timer run = continuedTimer(id, config);
            return run == null ? own : new BothTimer(id, own, run, clock);
        }

        @Override
        protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
            Gauge own = super.newGauge(id, obj, valueFunction);
            if (id.syntheticAssociation() == null) { // not a timer's percentile: the run's timer has its own
                continueGauge(own);
            }
            return own;
        }
    }

    /** Counts in the pipeline's own counter and the run's; reads the pipeline's. */
    private static final class BothCounter extends AbstractMeter implements Counter {
        private final Counter own;
        private final Counter run;

        BothCounter(Meter.Id id, Counter own, Counter run) {
            super(id);
            this.own = own;
            this.run = run;
        }

        @Override
        public void increment(double amount) {
            own.increment(amount);
            run.increment(amount);
        }

        @Override
        public double count() {
            return own.count();
        }
    }

    /** Records in the pipeline's own timer and the run's; reads the pipeline's. */
    private static final class BothTimer extends AbstractMeter implements Timer {
        private final Timer own;
        private final Timer run;
        private final Clock clock;

        BothTimer(Meter.Id id, Timer own, Timer run, Clock clock) {
            super(id);
            this.own = own;
            this.run = run;
            this.clock = clock;
        }

        @Override
        public void record(long amount, TimeUnit unit) {
            own.record(amount, unit);
            run.record(amount, unit);
        }

        @Override
        public <T> T record(Supplier<T> f) {
            long start = clock.monotonicTime();
            try {
                return f.get();
            } finally {
                record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public <T> T recordCallable(Callable<T> f) throws Exception {
            long start = clock.monotonicTime();
            try {
                return f.call();
            } finally {
                record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void record(Runnable f) {
            long start = clock.monotonicTime();
            try {
                f.run();
            } finally {
                record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public long count() {
            return own.count();
        }

        @Override
        public double totalTime(TimeUnit unit) {
            return own.totalTime(unit);
        }

        @Override
        public double max(TimeUnit unit) {
            return own.max(unit);
        }

        @Override
        public TimeUnit baseTimeUnit() {
            return own.baseTimeUnit();
        }

        @Override
        public HistogramSnapshot takeSnapshot() {
            return own.takeSnapshot();
        }
    }
}
