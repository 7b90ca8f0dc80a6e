package org.etab.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.HostAllocator;
import org.etab.batch.Sample;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

/**
 * The streaming pipeline: a {@link SampleSource}'s plans become {@code Flux<Batch>} (or {@code Flux<Sample>})
 * of pooled native memory, decoded in parallel. A training loop iterates an epoch with {@link #iterate(int)}
 * (closeable) or {@link #consume(Flux)} (a plain {@code for} loop); reactive code subscribes to
 * {@link #batches(int)}.
 *
 * <p>Threading: each batch is assembled by one task on the pipeline's decode pool ({@code threads} threads,
 * one shared queue, so a slow file does not hold up the others); items are delivered on decode threads, and
 * iterations hand them to the consumer's thread.
 *
 * <p>Backpressure: batches are assembled only as the subscriber requests them, at most
 * {@link PipelineOptions#batchesAhead()} at once; the pool holds {@code batchesAhead + consumerHeld} batches,
 * whatever the dataset size. A consumer that stops closing batches stalls assembly (with a warning, then an
 * error); it never grows a queue.
 *
 * <p>Ownership: a delivered batch belongs to the subscriber until it is closed. Batches discarded by cancellation or
 * errors inside the pipeline are closed by it; batches queued by an operator after it ({@code publishOn},
 * {@code buffer}, ...) and dropped on a cancel or an error are the subscriber's: end such a chain with
 * {@code .doOnDiscard(Batch.class, Batch::close)}, which Reactor calls for each (but in a race of {@code publishOn}
 * on a scheduler, reactor-core #4396; docs/architecture.md, "Ownership"). One iteration ({@link BatchIterator}) is
 * open per pipeline: a new one closes the older one first, returning its batches. {@link #close()} waits for running tasks, then frees every
 * buffer and decoder.
 *
 * <p>Order: ordered mode delivers batches in plan order, so a run is a pure function of (seed, epoch) with
 * any number of threads; unordered mode delivers each batch as it completes (same contents, any order).
 * Errors: a failed sample is counted in {@link #account()} and skipped, or ends the stream with a
 * {@link SampleException} under {@link ErrorPolicy#FAIL}.
 */
public final class Pipeline implements AutoCloseable {
    /** Numbers pipelines for the {@code pipeline} meter tag. */
    private static final AtomicInteger COUNT = new AtomicInteger();
    /** Items an iteration buffers ahead of its consumer unless told otherwise. */
    private static final int ITERATION_PREFETCH = 2;

    private final SampleSource source;
    private final PipelineOptions options;
    private final PipelineMetrics metrics;
    private final RunAccount account;
    private final PipelinePools pools;
    private final EpochSchedule schedule;
    private final BatchAssembly assembly;
    private final OpenIteration openIteration;
    private final PipelineShutdown shutdown;
    /** Whether a subscriber waits for a batch: the pools' wait is backpressure while none does. */
    private final ConsumerDemand demand = new ConsumerDemand();

    /**
     * Makes a pipeline and its decode pool. Nothing is read before a stream is subscribed; buffers are allocated as
     * the first stream needs them, workers (decoders) as tasks do.
     *
     * @param source    the samples, e.g. {@code OpenedDataset.source()}; the caller keeps owning it (closes the
     *                  opened dataset after this pipeline)
     * @param options   batch size, threads, bounds, order, error policy, limit, sharding
     * @param registry  where the {@code etab.*} meters go, tagged with the dataset and this pipeline's number;
     *                  removed from it by {@link #close()}
     * @param allocator where batch buffers come from ({@link HostAllocator#NATIVE}, or the GPU module's pinned
     *                  memory); called from decode threads
     * @throws IllegalArgumentException when the pool's batches would not fit in the native memory JavaCPP may
     *                                  allocate, naming the batch, its bytes, the buffers and the limit, or one
     *                                  batch's features or labels would be 2 GiB or more
     */
    public Pipeline(SampleSource source, PipelineOptions options, MeterRegistry registry, HostAllocator allocator) {
        // refused now, naming the sizes, rather than by the allocator at the first batch
        BatchPool.checkSize(source.features(), source.labels(), options.batchSize(), options.batchBuffers());
        this.source = source;
        this.options = options;
        this.pools = new PipelinePools(source, options, allocator, demand::waiting);
        // the index's rejections are the selection's, not a rank's share: rank 0 accounts for them
        this.account = new RunAccount(options.sharding().rank() == 0 ? source.rejected() : List.of());
        this.metrics = new PipelineMetrics(
                registry,
                source.dataset(),
                Integer.toString(COUNT.incrementAndGet()),
                pools::allocated,
                pools::outstanding);
        this.schedule = new EpochSchedule(source, options, account);
        this.assembly = new BatchAssembly(source, options, account, metrics);
        this.openIteration = new OpenIteration(assembly::onDecodeThread, options.sampleTimeout());
        this.shutdown = new PipelineShutdown(openIteration, assembly, pools, metrics);
    }

    /**
     * A pipeline with its meters in Micrometer's global registry and buffers in plain native memory.
     *
     * @param source  the samples; the caller keeps owning it
     * @param options batch size, threads, bounds, order, error policy, limit, sharding
     * @throws IllegalArgumentException when the pool's batches would not fit in the native memory JavaCPP may
     *                                  allocate
     */
    public Pipeline(SampleSource source, PipelineOptions options) {
        this(source, options, Metrics.globalRegistry, HostAllocator.NATIVE);
    }

    /**
     * The source this pipeline streams.
     *
     * @return the source given to the constructor
     */
    public SampleSource source() {
        return source;
    }

    /**
     * The options this pipeline runs with.
     *
     * @return the options given to the constructor
     */
    public PipelineOptions options() {
        return options;
    }

    /**
     * Planned, delivered and failed samples over every epoch streamed so far, and the rows of the selection the
     * index rejected ({@link SampleSource#rejected()}; rank 0 only).
     *
     * @return the live account, updated as the pipeline runs (thread-safe)
     */
    public RunAccount account() {
        return account;
    }

    /**
     * Calls {@code listener} with every failed sample as it happens (on decode threads: it must be thread-safe
     * and quick), e.g. to stream a report. Failures are also kept in {@link #account()}. Set it before streaming:
     * a later call replaces the listener. An exception the listener throws ends the stream with it, whatever the
     * error policy (a report that cannot be written stops the run).
     *
     * @param listener called once per failed sample; not null
     * @return this pipeline
     */
    public Pipeline onFailure(Consumer<SampleFailure> listener) {
        // a null one would fail the stream at the first failed sample, on a decode thread
        assembly.onFailure(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Compressed bytes read from media files so far, over every stream of this pipeline ({@code etab.bytes.read};
     * every meter is in the registry the pipeline was given, docs/metrics.md).
     *
     * @return bytes, as a double (a Micrometer counter)
     */
    public double bytesRead() {
        return metrics.bytesRead();
    }

    /**
     * Seconds this pipeline's iterations have waited for their next item so far, the stall
     * ({@code etab.consumer.wait}, recorded by {@link #iterate} and {@link #consume}).
     *
     * @return seconds; 0 for a pipeline consumed only by subscribing to its streams
     */
    public double consumerWaitSeconds() {
        return metrics.consumerWaitSeconds();
    }

    /**
     * One epoch's batches, iterated on the calling thread; close the iteration (try-with-resources) to stop early
     * without leaving batches behind. See {@link BatchIterator}. An epoch that ends without a batch (every sample
     * failed, or none planned) is said in the log, once.
     *
     * @param epoch the epoch, >= 0; with the source's seed it fixes the order
     * @return the open iteration, owned by the caller; it closes this pipeline's previous iteration first
     * @throws IllegalArgumentException when {@code epoch < 0}
     * @throws IllegalStateException    when this pipeline is closed
     */
    public BatchIterator<Batch> iterate(int epoch) {
        return iterate(epoch, 0, ITERATION_PREFETCH);
    }

    /**
     * As {@link #iterate(int)}, from position {@code startAt} of this rank's sequence (resuming).
     *
     * @param epoch   the epoch, >= 0
     * @param startAt the position to start from, >= 0: {@link Batch#nextPosition()} of the last batch consumed; its
     *                iteration fails as {@link #batches(int, long)} says
     * @return the open iteration, owned by the caller
     * @throws IllegalArgumentException when {@code epoch < 0}
     * @throws IllegalStateException    when this pipeline is closed
     */
    public BatchIterator<Batch> iterate(int epoch, long startAt) {
        return iterate(epoch, startAt, ITERATION_PREFETCH);
    }

    /**
     * As {@link #iterate(int, long)}, with {@code prefetch} batches requested ahead of the consumer: 1 where the
     * consumer keeps a batch while it asks for the next (a training framework's views), so that the two stay within
     * {@code consumerHeld}.
     *
     * @param epoch    the epoch, >= 0
     * @param startAt  the position to start from, as {@link #iterate(int, long)} takes it
     * @param prefetch batches requested ahead of the consumer, >= 1
     * @return the open iteration, owned by the caller
     * @throws IllegalArgumentException when {@code epoch < 0} or {@code prefetch < 1}
     * @throws IllegalStateException    when this pipeline is closed
     */
    public BatchIterator<Batch> iterate(int epoch, long startAt, int prefetch) {
        return iterate(EmptyEpochWarning.watch(batches(epoch, startAt), account, epoch, startAt), prefetch);
    }

    /**
     * Checks now what an iteration of {@code epoch} from {@code startAt} would fail with once it runs, so that a
     * resume point saved under other options or data is refused where it is set.
     *
     * @param epoch   the epoch, >= 0
     * @param startAt the position to start from, >= 0
     * @throws IllegalArgumentException when either is negative, {@code startAt} is past the epoch's end, or
     *                                  {@code startAt > 0} on an unordered pipeline (whose batches do not say that
     *                                  the samples before them came)
     */
    public void checkStart(int epoch, long startAt) {
        requireEpoch(epoch);
        schedule.checkStart(epoch, startAt);
    }

    /**
     * Iterates a stream of this pipeline's batches, samples or what a later stage makes of them (e.g. device
     * batches), buffering at most {@code prefetch} items ahead of the consumer: 1 for items that each hold a scarce
     * resource. Closes this pipeline's open iteration first, if any; records how long each step waited for data
     * ({@code etab.consumer.wait}, the stall).
     *
     * @param <T>      the items: {@link Batch}, {@link Sample}, or what a later stage makes of them
     * @param stream   a stream made from this pipeline's {@link #batches} or {@link #samples}
     * @param prefetch items requested ahead of the consumer, >= 1
     * @return the open iteration, owned by the caller
     * @throws NullPointerException     when {@code stream} is null (the open iteration is left open)
     * @throws IllegalArgumentException when {@code prefetch < 1}
     * @throws IllegalStateException    when this pipeline is closed
     */
    public <T> BatchIterator<T> iterate(Flux<T> stream, int prefetch) {
        Objects.requireNonNull(stream, "stream"); // before the open iteration is closed for it
        BatchIterator<T> it = new BatchIterator<>(prefetch, metrics::consumerWaited, openIteration);
        if (shutdown.isClosed()) {
            throw new IllegalStateException("pipeline is closed");
        }
        openIteration.replaceWith(it);
        it.subscribe(stream);
        return it;
    }

    /**
     * A stream of this pipeline's batches (or samples) for a plain {@code for} loop on the calling thread, the way a
     * training loop does. Each {@code iterator()} is a {@link BatchIterator} (prefetch 2), which a loop that
     * {@code break}s leaves open until the next iteration on this pipeline starts and closes it, or until
     * {@link #close()}; prefer {@link #iterate(int)} with try-with-resources to release at once.
     *
     * @param <T>    the items: {@link Batch}, {@link Sample}, or what a later stage makes of them
     * @param stream a stream made from this pipeline's {@link #batches} or {@link #samples}
     * @return an iterable whose every {@code iterator()} subscribes to {@code stream} anew; each item belongs to the
     *         loop, which closes it
     */
    public <T> Iterable<T> consume(Flux<T> stream) {
        return consume(stream, ITERATION_PREFETCH);
    }

    /**
     * As {@link #consume(Flux)}, buffering at most {@code prefetch} items ahead of the consumer: 1 for items that
     * each hold a scarce resource, e.g. the CUDA feeder's device batches (each holds a ring slot).
     *
     * @param <T>      the items
     * @param stream   a stream made from this pipeline's {@link #batches} or {@link #samples}
     * @param prefetch items requested ahead of the consumer, >= 1
     * @return an iterable whose every {@code iterator()} subscribes to {@code stream} anew, as does every
     *         {@code spliterator()}, which never splits (a parallel stream over it takes one item at a time)
     * @throws IllegalArgumentException when {@code prefetch < 1}
     */
    public <T> Iterable<T> consume(Flux<T> stream, int prefetch) {
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch >= 1 required but was " + prefetch);
        }
        return BatchIterator.iterable(() -> iterate(stream, prefetch));
    }

    /**
     * One epoch as batches of {@code batchSize} (the last one smaller unless {@code dropLast}). Cold: planning
     * happens on subscription, and each subscription streams the epoch again.
     *
     * @param epoch the epoch, >= 0; with the source's seed it fixes the order
     * @return a cold stream of pooled batches; the subscriber closes each. It fails with
     *         {@link IllegalStateException} when the pipeline is closed
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    public Flux<Batch> batches(int epoch) {
        return batches(epoch, 0);
    }

    /**
     * The rest of an epoch from position {@code startAt} of this rank's sequence: resuming with
     * {@link Batch#nextPosition()} of the last batch consumed continues exactly where a run stopped (ordered mode).
     *
     * @param epoch   the epoch, >= 0
     * @param startAt the position to start from, from 0 to the epoch's length for this rank (the stream fails with
     *                {@link IllegalArgumentException} otherwise: a position saved from another schedule), and 0 unless
     *                the pipeline is ordered (unordered, a batch's next position does not say that the samples before
     *                it came, so the stream fails with {@link IllegalArgumentException})
     * @return a cold stream of pooled batches; the subscriber closes each
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    public Flux<Batch> batches(int epoch, long startAt) {
        return flux(epoch, epoch, startAt, options.batchSize(), options.batchesAhead(), pools::forBatches);
    }

    /**
     * Epochs {@code firstEpoch .. lastEpoch} as one stream, the first from position {@code startAt}: the same batches
     * in the same order as {@link #batches(int, long)} of each epoch one after the other, but the first batches of
     * an epoch are assembled while the last ones of the previous epoch still are, so that no decode thread idles at
     * an epoch boundary (which matters for epochs of a few dozen batches). Same bounds and backpressure: one
     * stream, {@code batchesAhead} batches in assembly across the boundary. An epoch is planned (and counted in
     * {@link #account()}) once the previous epoch's last batch has been handed to assembly.
     *
     * @param firstEpoch the first epoch, >= 0
     * @param lastEpoch  the last epoch, inclusive, >= {@code firstEpoch}
     * @param startAt    the position in {@code firstEpoch} to start from, as {@link #batches(int, long)} takes it;
     *                   later epochs start at 0
     * @return a cold stream of pooled batches; the subscriber closes each
     * @throws IllegalArgumentException when {@code firstEpoch < 0} or {@code lastEpoch < firstEpoch}
     */
    public Flux<Batch> batches(int firstEpoch, int lastEpoch, long startAt) {
        if (lastEpoch < firstEpoch) {
            throw new IllegalArgumentException(
                    "lastEpoch >= firstEpoch required but was " + lastEpoch + " < " + firstEpoch);
        }
        return flux(firstEpoch, lastEpoch, startAt, options.batchSize(), options.batchesAhead(), pools::forBatches);
    }

    /**
     * One epoch sample by sample, each in its own pooled slot (a pool separate from the batches'), with
     * {@code 2 * threads + prefetch} samples in flight.
     *
     * @param epoch the epoch, >= 0; with the source's seed it fixes the order
     * @return a cold stream of pooled samples; the subscriber closes each
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    public Flux<Sample> samples(int epoch) {
        return flux(epoch, epoch, 0, 1, options.sampleTasks(), pools::forSamples)
                .map(Sample::new);
    }

    /**
     * This rank's samples of an epoch, in delivery order, from {@code startAt}: the source's order, sharded,
     * cut by the limit and drop-last. A pure function of (source seed, epoch, sharding, options). Plans only: reads
     * no file and counts nothing in the account.
     *
     * @param epoch     the epoch, >= 0
     * @param startAt   the first position, from 0 to the epoch's length for this rank (the length: an empty list)
     * @param batchSize the batch size drop-last cuts to (the options' own for what {@link #batches} delivers), >= 1
     * @return a new list of the samples in delivery order
     * @throws IllegalArgumentException when {@code epoch} or {@code startAt} is negative, {@code startAt} is past
     *                                  the epoch's length, or {@code batchSize < 1}
     */
    public List<Scheduled> schedule(int epoch, long startAt, int batchSize) {
        requireEpoch(epoch);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize >= 1 required but was " + batchSize);
        }
        return schedule.schedule(epoch, startAt, batchSize);
    }

    /** Checked when a stream is made, not when it runs, as Reactor's own operators check their arguments. */
    private static void requireEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch >= 0 required but was " + epoch);
        }
    }

    /**
     * A sample in this rank's sequence.
     *
     * @param sequence its position in the sequence (what resuming counts)
     * @param plan     what to produce
     * @param repeat   a repeat added by sharding to even out the ranks
     */
    public record Scheduled(long sequence, SamplePlan plan, boolean repeat) {}

    /** The pool behind {@link #batches}, or null before the first batch stream. */
    BatchPool batchPool() {
        return pools.batchPool();
    }

    /** The pool behind {@link #samples}, or null before the first sample stream. */
    BatchPool samplePool() {
        return pools.samplePool();
    }

    /** Workers (decoders) created so far; they are reused across batches and epochs. */
    int workersCreated() {
        return assembly.workersCreated();
    }

    private Flux<Batch> flux(
            int firstEpoch, int lastEpoch, long startAt, int batchSize, int concurrency, Supplier<BatchPool> lazyPool) {
        requireEpoch(firstEpoch);
        return Flux.deferContextual(context -> {
                    if (shutdown.isClosed()) {
                        return Flux.error(new IllegalStateException("pipeline is closed"));
                    }
                    BatchPool pool = lazyPool.get();
                    Undelivered undelivered = new Undelivered(metrics);
                    context.getOrEmpty(Undelivered.Watcher.class)
                            .ifPresent(w -> ((Undelivered.Watcher) w).watch(undelivered));
                    Flux<EpochSchedule.Group> groups = schedule.groups(firstEpoch, lastEpoch, startAt, batchSize);
                    Flux<Batch> batches = options.ordered()
                            ? groups.flatMapSequential(g -> assembly.assemble(g, pool, undelivered), concurrency, 1)
                            : groups.flatMap(g -> assembly.assemble(g, pool, undelivered), concurrency, 1);
                    return batches.doOnNext(undelivered::remove).doFinally(signal -> undelivered.closeAll());
                })
                .onErrorMap(Exceptions::isMultiple, BatchAssembly::firstFailure)
                .doOnDiscard(Batch.class, Batch::close)
                .transform(demand::track)
                .contextWrite(BatchAssembly.LATE_ERRORS);
    }

    /**
     * Closes the open iteration, stops the decode threads (waiting for running batch tasks), closes every worker and
     * frees the pools' idle buffers; buffers still held by open batches are freed when those are closed. Idempotent:
     * a call while another thread closes returns once that close has freed everything (at once on a decode thread,
     * which the close waits for).
     */
    @Override
    public void close() {
        shutdown.close();
    }
}
