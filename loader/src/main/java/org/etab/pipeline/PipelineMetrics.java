package org.etab.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.etab.source.Stage;

/**
 * The meters of one pipeline, tagged with the dataset and the pipeline's number: samples delivered and failed (by
 * stage), frames decoded, bytes read, per-sample load time, per-batch assembly time, batches in assembly and
 * ready (queue depth), pool buffers, and the time the consumer waited (stall). Names are
 * {@code etab.*}; the catalogue is in {@code docs/metrics.md}.
 *
 * <p>Package-private: the pipeline's stages record here; users read the meters from the registry, or the totals
 * {@link Pipeline#bytesRead()} and {@link Pipeline#consumerWaitSeconds()}.
 *
 * <p>Threading: thread-safe (Micrometer meters). Ownership: the pipeline's; {@link #close()} removes the meters.
 */
final class PipelineMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter samples;
    private final Counter frames;
    private final Counter framesDelivered;
    private final Counter bytes;
    private final Timer load;
    private final Timer batch;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger ready = new AtomicInteger();
    private final Timer consumerWait;
    /** One counter per stage a sample can fail at, registered at 0 (an index rejection is never a sample's). */
    private final Map<String, Counter> errors = new TreeMap<>();

    private final List<Meter> registered = new ArrayList<>();
    private boolean closed; // guarded by this

    /**
     * @param pipeline distinguishes pipelines sharing a registry, so that closing one removes only its own meters
     */
    PipelineMetrics(
            MeterRegistry registry,
            String dataset,
            String pipeline,
            IntSupplier poolBuffers,
            IntSupplier poolOutstanding) {
        this.registry = registry;
        // device: where the stage runs; the loader's stages all run on the host (a GPU feeder tags its own)
        this.tags = Tags.of("dataset", dataset, "pipeline", pipeline, "device", "host");
        this.samples = Counter.builder("etab.samples")
                .description("Samples delivered")
                .tags(tags)
                .register(registry);
        this.frames = Counter.builder("etab.frames.decoded")
                .description("Video frames decoded")
                .tags(tags)
                .register(registry);
        this.framesDelivered = Counter.builder("etab.frames.delivered")
                .description("Frames in delivered samples (padding excluded)")
                .tags(tags)
                .register(registry);
        this.bytes = Counter.builder("etab.bytes.read")
                .description("Compressed bytes read from media files")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry);
        this.load = Timer.builder("etab.decode")
                .description("Time to produce one sample: open, decode, transform, target")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.batch = Timer.builder("etab.batch")
                .description("Time to assemble one batch")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge inFlightGauge = Gauge.builder("etab.batches.inflight", inFlight, AtomicInteger::get)
                .description("Batches being assembled")
                .tags(tags)
                .register(registry);
        Gauge readyGauge = Gauge.builder("etab.batches.ready", ready, AtomicInteger::get)
                .description("Batches assembled and waiting for the consumer (queue depth)")
                .tags(tags)
                .register(registry);
        this.consumerWait = Timer.builder("etab.consumer.wait")
                .description("Time the consumer waited for the next batch (stall)")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        // strong references: the suppliers are lambdas nobody else holds, and Micrometer keeps gauges' objects weakly
        Gauge buffers = Gauge.builder("etab.pool.buffers", poolBuffers, s -> s.getAsInt())
                .description("Batch buffers allocated")
                .tags(tags)
                .strongReference(true)
                .register(registry);
        Gauge outstanding = Gauge.builder("etab.pool.outstanding", poolOutstanding, s -> s.getAsInt())
                .description("Batch buffers in use: in assembly, ready, or held by the consumer")
                .tags(tags)
                .strongReference(true)
                .register(registry);
        // every stage's counter from the start, at 0: Prometheus takes a series' first sample as its baseline, so a
        // counter that first appeared at 1 would add nothing to increase() or rate() (the dashboard's failed samples)
        for (Stage stage : Stage.values()) {
            if (stage != Stage.INDEX) {
                errors.put(stage.toString(), errorCounter(stage.toString()));
            }
        }
        registered.addAll(errors.values());
        registered.addAll(List.of(
                samples,
                frames,
                framesDelivered,
                bytes,
                load,
                batch,
                inFlightGauge,
                readyGauge,
                consumerWait,
                buffers,
                outstanding));
    }

    /** A sample was delivered: its valid frames, the frames decoded and bytes read for it, its load time. */
    void delivered(int validFrames, int framesDecoded, long bytesRead, long nanos) {
        samples.increment();
        framesDelivered.increment(validFrames);
        frames.increment(framesDecoded);
        bytes.increment(bytesRead);
        load.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A sample failed at {@code stage} ({@code etab.errors}, one counter per stage, registered at 0). */
    void failed(String stage) {
        Counter c = errors.get(stage);
        if (c == null) {
            c = other(stage);
        }
        if (c != null) {
            c.increment();
        }
    }

    /**
     * A stage no sample is expected to fail at: counted all the same, its counter made on first use; null once
     * closed, so that a late failure (a worker finishing after a cancel) leaves no meter behind in the registry.
     */
    private synchronized Counter other(String stage) {
        if (closed) {
            return null;
        }
        Counter c = errorCounter(stage);
        if (!registered.contains(c)) {
            registered.add(c);
        }
        return c;
    }

    private Counter errorCounter(String stage) {
        return Counter.builder("etab.errors")
                .description("Samples that failed, by stage")
                .tags(tags)
                .tag("stage", stage)
                .register(registry);
    }

    /** A batch was assembled and handed to the stream. */
    void batchReady() {
        ready.incrementAndGet();
    }

    /** A ready batch left the pipeline (delivered downstream or closed by a cancel). */
    void batchTaken() {
        ready.decrementAndGet();
    }

    /** {@code n} ready batches were closed by a cancel or error. */
    void batchesTaken(int n) {
        ready.addAndGet(-n);
    }

    /** The consumer waited {@code nanos} for a batch. */
    void consumerWaited(long nanos) {
        consumerWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Compressed bytes read so far. */
    double bytesRead() {
        return bytes.count();
    }

    /** Total time the consumer has waited, in seconds. */
    double consumerWaitSeconds() {
        return consumerWait.totalTime(TimeUnit.SECONDS);
    }

    /** A batch task started assembling. */
    void batchStarted() {
        inFlight.incrementAndGet();
    }

    /** A batch task ended after {@code nanos}. */
    void batchFinished(long nanos) {
        inFlight.decrementAndGet();
        batch.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Removes this pipeline's meters from the registry. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        registered.forEach(registry::remove);
        registered.clear();
    }
}
