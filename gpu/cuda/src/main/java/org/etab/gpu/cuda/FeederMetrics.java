package org.etab.gpu.cuda;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CUDA feeder's meters, tagged {@code dataset}, {@code device=cuda} and {@code feeder} (a number per binder, so
 * that feeders sharing a registry, e.g. training and validation or one per GPU, keep and remove only their own
 * meters): {@code etab.upload.bytes} (pixels
 * enqueued for upload), {@code etab.upload.wait} (host time an upload waited for a free ring slot: the consumer
 * holding device batches), {@code etab.upload.duration} (device time of each host-to-device copy) and
 * {@code etab.normalize.duration} (device time of each normalize kernel).
 *
 * <p>Threading: recording is thread-safe; {@link #bindTo} and {@link #close()} are called once each by the feeder.
 * Backpressure: none; recording never waits. Ownership: the feeder closes it when it closes (or binds another);
 * {@link #close()} removes the meters from the registry they were bound to.
 */
final class FeederMetrics implements MeterBinder, AutoCloseable {
    /** Numbers binders for the {@code feeder} meter tag. */
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final Tags tags;
    private MeterRegistry registry;
    private Counter bytes;
    private Timer slotWait;
    private Timer upload;
    private Timer normalize;

    FeederMetrics(String dataset) {
        this.tags = Tags.of("dataset", dataset, "device", "cuda", "feeder", Integer.toString(COUNT.incrementAndGet()));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        bytes = Counter.builder("etab.upload.bytes")
                .description("Bytes enqueued for upload to the device")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry);
        slotWait = Timer.builder("etab.upload.wait")
                .description("Time an upload waited for a free ring slot")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        upload = Timer.builder("etab.upload.duration")
                .description("Device time of one batch's host-to-device copy")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        normalize = Timer.builder("etab.normalize.duration")
                .description("Device time of one batch's normalize kernel")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void enqueued(long n) {
        bytes.increment(n);
    }

    void slotWaited(long nanos) {
        slotWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    void copyTook(float millis) {
        upload.record(nanos(millis), TimeUnit.NANOSECONDS);
    }

    void kernelTook(float millis) {
        normalize.record(nanos(millis), TimeUnit.NANOSECONDS);
    }

    /** Device times come in float milliseconds (about 0.5 us resolution); recorded in whole nanoseconds. */
    private static long nanos(float millis) {
        return Math.round(millis * 1e6);
    }

    /** Removes the meters from the registry. Idempotent. */
    @Override
    public synchronized void close() {
        if (registry == null) {
            return;
        }
        for (Meter m : List.of(bytes, slotWait, upload, normalize)) {
            registry.remove(m);
        }
        registry = null;
    }
}
