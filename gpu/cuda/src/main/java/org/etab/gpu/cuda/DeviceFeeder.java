package org.etab.gpu.cuda;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.etab.batch.Batch;
import org.etab.batch.BoundedWait;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.pipeline.Pipeline;
import org.etab.source.SampleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;

/**
 * Turns a pipeline's host batches ({@code Flux<Batch>}, uint8 in pinned memory from {@link PinnedAllocator}) into
 * device batches ({@code Flux<DeviceBatch>}, float32 normalized on the device):
 *
 * <pre>{@code
 * FeederOptions fo = FeederOptions.builder().normalization(Normalization.matching(asked)).build();
 * try (Pipeline p = new Pipeline(new EchoNetSource(records, DeviceFeeder.hostSamples(asked)),
 *         fo.pipelineOptions(options), registry, new PinnedAllocator(gpu));
 *         DeviceFeeder feeder = DeviceFeeder.builder().device(gpu).pipeline(p).options(fo).build()) {
 *     try (BatchIterator<DeviceBatch> batches = p.iterate(feeder.feed(p.batches(epoch)), 1)) {
 *         while (batches.hasNext()) {
 *             try (DeviceBatch db = batches.next()) {
 *                 db.waitOn(trainingStream); // then read db.pointer() on that stream
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Iterate with {@link org.etab.pipeline.Pipeline#iterate(reactor.core.publisher.Flux, int)} as above, not with a
 * {@code for} loop over {@code feed(...).toIterable()}: leaving that loop by {@code break} or an exception does not
 * cancel the stream, so its device batches and host buffers stay out and the next epoch waits for them.
 *
 * <p>Per batch, with no host wait: the uint8 copy on one stream, the normalize kernel on another, so the copy of
 * batch k+1 overlaps the kernel of batch k. Device times ({@link #bindTo}) are read as batches come back.
 *
 * <p>Threading: uploads are issued on the feeder's own thread ({@code etab-upload}); they only enqueue work unless
 * every ring slot is taken, and then only that thread waits: never a decode thread, never the consumer's thread
 * (which must stay free to close the batches that free the slots, whatever its iterator queues). Items are
 * delivered on the upload thread or on the consumer's requesting thread.
 *
 * <p>Backpressure: {@code prefetch} device batches are uploaded ahead of demand and host batches are requested only
 * as those are taken. The ring ({@link SlotRing}) holds {@code prefetch + consumerHeld + 1} slots, allocated once;
 * a consumer that keeps more than {@code consumerHeld} open stalls the upload (a warning every {@code warnAfter},
 * an error after {@code timeout}); no queue grows. Each open device batch holds its host batch and the upload
 * thread up to two more, so the pipeline must let its consumer hold {@link FeederOptions#hostBatchesHeld()}: {@link
 * Builder#build()} refuses a pipeline that does not.
 *
 * <p>Ownership: a delivered {@link DeviceBatch} belongs to the consumer until closed. Device batches discarded on
 * cancel or error are closed here, as is a host batch whose upload fails. {@link #close()} closes device batches
 * still open, frees the ring (slots still out as they come back) and removes the meters. The pipeline and the
 * device belong to the caller.
 */
public final class DeviceFeeder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceFeeder.class);

    private final Device device;
    private final TensorSpec features;
    private final int batchSize;
    private final FeederOptions options;
    private final UploadStreams streams;
    private final SlotRing ring;
    /** Issues every upload; the only thread that waits for a ring slot. */
    private final UploadThread uploader;

    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held while an upload issues its work to the streams, and while close() marks the feeder closed. */
    private final Object lifecycle = new Object();

    private final Set<DeviceBatch> out = ConcurrentHashMap.newKeySet();
    private volatile FeederMetrics metrics;

    private DeviceFeeder(Device device, TensorSpec features, int batchSize, FeederOptions options) {
        this.device = device;
        this.features = features;
        this.batchSize = batchSize;
        this.options = options;
        this.streams = new UploadStreams(device, features, options.normalization());
        try {
            this.ring = new SlotRing(
                    device,
                    options.slots(),
                    streams.geometry().inputBytes(batchSize),
                    new BoundedWait("a device ring slot", options.warnAfter(), options.timeout(), Duration.ZERO));
        } catch (RuntimeException | Error e) {
            streams.close();
            throw e;
        }
        this.uploader = new UploadThread();
    }

    /**
     * A builder: a device, and a pipeline (or a feature spec and batch size); options are optional.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Why samples {@code asked} cannot come from the device: it delivers float32 only. For choosing a device
     * before anything is built (e.g. {@code --device auto}).
     *
     * @param asked the samples the consumer wants, not null
     * @return a sentence for the user, or null when the device can deliver them
     */
    public static String unsupported(SampleOptions asked) {
        if (asked.dtype() != DType.FLOAT32) {
            return "the device delivers float32 normalized on the GPU, but "
                    + asked.dtype().name().toLowerCase(Locale.ROOT)
                    + " samples were asked for (raw pixels stay on the host)";
        }
        return null;
    }

    /**
     * The samples a pipeline decodes for the device to deliver {@code asked}: the same, as uint8 raw pixels without
     * host normalization (the kernel applies {@link Normalization#matching(SampleOptions)}).
     *
     * @param asked the float32 samples the consumer wants, not null
     * @return the options to build the pipeline's source with
     * @throws IllegalArgumentException when the device cannot deliver {@code asked} ({@link #unsupported} says why)
     */
    public static SampleOptions hostSamples(SampleOptions asked) {
        String why = unsupported(asked);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return asked.toBuilder().normalize(false).dtype(DType.UINT8).build();
    }

    /**
     * The device batches of {@code batches}, in order. Cold: each subscription streams its source again through
     * the same ring. An error of the source or of an upload (the device, a batch that does not fit, the slot wait's
     * timeout) ends the flux with that error; the failed upload's host batch is closed. A cancel ends the subscription's
     * wait for a ring slot and returns once the upload thread has finished the batch it was on (unless the cancel
     * comes from a non-blocking thread), so a {@code BatchIterator}'s close returns with the host batches back in the
     * pool. Batches a source of the user's own queues (a {@code publishOn}: reactor-core #4396 may drop its queue on
     * a cancel) are beyond the feeder's reach; the pipeline's {@code batches} queue none.
     *
     * @param batches host batches of this feeder's features, at most its batch size each, uint8 in host memory the
     *     device copies from (pinned: {@link PinnedAllocator}); usually the pipeline's {@code batches(epoch)}
     * @return the device batches, each to be closed by the consumer
     */
    public Flux<DeviceBatch> feed(Flux<Batch> batches) {
        return Flux.defer(() -> {
            Feed feed = new Feed();
            return batches.doOnNext(feed::handOff)
                    .publishOn(uploader.scheduler(), 1)
                    .doOnDiscard(Batch.class, Batch::close) // below publishOn, so that its queue is covered too
                    .<DeviceBatch>handle((host, sink) -> {
                        if (feed.take(host)) { // else the cancel has closed it
                            sink.next(upload(host, feed));
                        }
                    })
                    .limitRate(options.prefetch())
                    .doOnDiscard(DeviceBatch.class, DeviceBatch::close)
                    .doFinally(signal -> {
                        if (signal == SignalType.CANCEL) {
                            // the cancel is upstream by then: the batch the upload thread is on (its slot wait ended)
                            // and those queued for it come back to their pool before the cancelling close returns
                            uploader.cancel(feed, options.warnAfter());
                            feed.closeQueued();
                        }
                    });
        });
    }

    /**
     * Registers this feeder's meters in {@code registry}, tagged {@code dataset}, {@code device=cuda} and
     * {@code feeder} (a number per binding, so that feeders sharing a registry keep and remove only their own)
     * ({@code etab.upload.bytes}, {@code etab.upload.wait}, {@code etab.upload.duration},
     * {@code etab.normalize.duration}: docs/metrics.md); {@link #close()} removes them. Uploads issued before this
     * call are not timed. Binding again replaces (and removes) the previous meters.
     *
     * @param registry where the meters go, not null
     * @param dataset the {@code dataset} tag's value, e.g. {@code "echonet"}
     * @return this feeder
     * @throws IllegalStateException when this feeder is closed (nothing would remove the meters)
     */
    public DeviceFeeder bindTo(MeterRegistry registry, String dataset) {
        FeederMetrics m = new FeederMetrics(dataset);
        // under the close's lock: a close either runs before (refused here) or after (it removes these meters)
        synchronized (lifecycle) {
            if (closed.get()) {
                throw new IllegalStateException("device feeder is closed");
            }
            FeederMetrics old = metrics;
            if (old != null) {
                old.close(); // its meters leave the registry: one set of series per feeder
            }
            m.bindTo(registry);
            metrics = m;
        }
        return this;
    }

    /** Ring slots ({@code prefetch + consumerHeld + 1}). */
    int slots() {
        return ring.size();
    }

    /** Device batches delivered or queued and not yet closed. */
    int open() {
        return out.size();
    }

    /** Whether the upload thread waits for a ring slot now (every slot held by a device batch). */
    boolean uploadWaitsForSlot() {
        return uploader.waitsForSlot();
    }

    /** Ring slots not held by a device batch. */
    int freeSlots() {
        return ring.free();
    }

    /**
     * How this feeder runs.
     *
     * @return the options it was built with
     */
    public FeederOptions options() {
        return options;
    }

    Device device() {
        return device;
    }

    Device.Stream kernelStream() {
        return streams.kernel();
    }

    PaddingGeometry geometry() {
        return streams.geometry();
    }

    /** One upload outside any stream (tests): a slot wait only the consumer's closes end. */
    DeviceBatch upload(Batch host) {
        return upload(host, new Feed());
    }

    private DeviceBatch upload(Batch host, Feed feed) {
        SlotRing.Slot slot;
        FeederMetrics m;
        try {
            if (closed.get()) {
                throw new IllegalStateException("device feeder is closed");
            }
            if (!host.features().spec().equals(features) || host.capacity() > batchSize) {
                throw new IllegalArgumentException(
                        "this feeder takes batches of up to " + batchSize + " x " + features + " but got "
                                + host.capacity() + " x " + host.features().spec());
            }
            long t0 = System.nanoTime();
            slot = uploader.waitingForSlot(feed, ring::take);
            m = metrics;
            if (m != null) {
                m.slotWaited(System.nanoTime() - t0);
            }
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
        // a cancel does not wait for this thread: close() takes the lock, so it never destroys the streams while a
        // batch's work is being issued to them, and an upload after it gives its slot back
        synchronized (lifecycle) {
            try {
                if (closed.get()) {
                    throw new IllegalStateException("device feeder is closed");
                }
                streams.enqueue(slot, host, m);
                DeviceBatch db = new DeviceBatch(this, slot, host);
                out.add(db);
                return db;
            } catch (RuntimeException | Error e) {
                host.close();
                ring.giveBack(slot);
                throw e;
            }
        }
    }

    /** Called once per device batch by {@link DeviceBatch#close()}. */
    void recycle(DeviceBatch batch, SlotRing.Slot slot, Batch host, Device.Stream consumer) {
        out.remove(batch);
        try {
            streams.release(slot, consumer);
        } finally {
            host.close();
            ring.giveBack(slot);
        }
    }

    /**
     * Waits for the streams, closes the device batches still out (a stream that ended in an error can leave one in
     * a downstream queue, e.g. {@code toIterable}'s, where nobody can reach it), frees the ring and removes the
     * meters. Idempotent. Call it from the owner's thread once the stream from {@link #feed} is done or
     * cancelled; the pipeline and the device stay open (close the device after this).
     *
     * @throws IllegalStateException when the device reports an error while the streams are drained or the ring freed
     */
    @Override
    public void close() {
        synchronized (lifecycle) { // waits for an upload that is issuing its work
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        }
        if (!out.isEmpty()) {
            LOG.warn("closing the device feeder with {} device batches still open: closing them now", out.size());
            List.copyOf(out).forEach(DeviceBatch::close);
        }
        try {
            streams.synchronize();
            ring.close();
            streams.close();
        } finally {
            uploader.close();
            FeederMetrics m = metrics;
            if (m != null) {
                m.close();
            }
        }
    }

    /** Slots whose device memory has been freed (all of them after close, once every batch is back). */
    int freedSlots() {
        return ring.freed();
    }

    /**
     * Builds a {@link DeviceFeeder}: the device, and either a pipeline (the usual way: its source's feature spec and
     * its batch size, and a check that it lets the feeder hold what it holds) or a feature spec and batch size for
     * host batches from elsewhere. Not thread-safe.
     */
    public static final class Builder {
        private Device device;
        private Pipeline pipeline;
        private TensorSpec features;
        private int batchSize;
        private FeederOptions options = FeederOptions.builder().build();

        private Builder() {}

        /**
         * Where batches go (required).
         *
         * @param device the device to allocate the ring on; the caller keeps it open until the feeder is closed
         * @return this builder
         */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * The pipeline whose batches are fed: the ring is sized for its source's features and its batch size, and
         * {@link #build()} checks that its {@code consumerHeld} covers {@link FeederOptions#hostBatchesHeld()}. Its
         * source must deliver uint8 samples ({@link DeviceFeeder#hostSamples}).
         *
         * @param pipeline the pipeline, or null to use {@link #features} and {@link #batchSize} instead; it stays the
         *     caller's to close
         * @return this builder
         */
        public Builder pipeline(Pipeline pipeline) {
            this.pipeline = pipeline;
            return this;
        }

        /**
         * Without a pipeline: batches of up to {@code batchSize} samples of {@code features}; whatever makes them
         * must let the feeder hold {@link FeederOptions#hostBatchesHeld()} of them open.
         *
         * @param features the uint8 feature spec of one sample, as the normalization takes it
         * @return this builder
         */
        public Builder features(TensorSpec features) {
            this.features = features;
            return this;
        }

        /**
         * Samples per host batch, with {@link #features}; sizes the ring's buffers.
         *
         * @param batchSize {@code >= 1} (checked by {@link #build()})
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How the feeder runs.
         *
         * @param options not null; default {@code FeederOptions.builder().build()}
         * @return this builder
         */
        public Builder options(FeederOptions options) {
            this.options = options;
            return this;
        }

        /**
         * Allocates the ring on the device.
         *
         * @return the feeder; the caller closes it (before the device)
         * @throws IllegalArgumentException when a value is missing or out of range, the features are not what the
         *                                  normalization takes, or the pipeline would stall the feeder
         * @throws IllegalStateException when the device cannot allocate the ring (what was allocated is freed)
         */
        public DeviceFeeder build() {
            if (device == null) {
                throw new IllegalArgumentException("device required but was null");
            }
            if (options == null) {
                throw new IllegalArgumentException("options required but was null");
            }
            if (pipeline != null && features != null) {
                throw new IllegalArgumentException("pipeline or features/batchSize required, not both");
            }
            TensorSpec f = features;
            int n = batchSize;
            if (pipeline != null) {
                f = pipeline.source().features();
                n = pipeline.options().batchSize();
                int held = pipeline.options().consumerHeld();
                if (held < options.hostBatchesHeld()) {
                    throw new IllegalArgumentException("pipeline consumerHeld >= " + options.hostBatchesHeld()
                            + " required but was " + held + ": the feeder keeps up to " + options.hostBatchesHeld()
                            + " host batches open (" + options.slots() + " ring slots + 2 on the upload thread), so "
                            + "the pipeline would stall. Build the pipeline with feederOptions.pipelineOptions("
                            + "pipelineOptions), or consumerHeld(" + options.hostBatchesHeld() + ")");
                }
            } else if (f == null) {
                throw new IllegalArgumentException("pipeline (or features and batchSize) required but was null");
            }
            if (n < 1) {
                throw new IllegalArgumentException("batchSize >= 1 required but was " + n);
            }
            return new DeviceFeeder(device, f, n, options);
        }
    }
}
