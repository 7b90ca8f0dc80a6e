package org.etab.pipeline;

import org.etab.source.Stage;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.HostAllocator;
import org.etab.batch.Sample;
import org.etab.batch.SampleInfo;
import org.etab.metrics.PipelineMetrics;
import org.etab.sampling.Sharding;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The streaming pipeline: a {@link SampleSource}'s plans become {@code Flux<Batch>} (or {@code Flux<Sample>})
 * of pooled native memory, decoded in parallel.
 *
 * <p>Threading: each batch is assembled by one task on the pipeline's decode pool ({@code threads} threads,
 * one shared queue, so a slow file does not hold up the others): it takes a buffer from the pool, borrows a
 * worker (decoder + scratch) and writes its samples slot by slot. Up to {@code threads + prefetch} batches
 * are in assembly at once; items are delivered on decode threads.
 *
 * <p>Backpressure: batches are assembled only as the subscriber requests them ({@code flatMapSequential}
 * with an explicit concurrency); memory in flight is bounded by the pool: {@code threads + prefetch +
 * consumerHeld} batches, whatever the dataset size. A consumer that stops closing batches stalls assembly
 * (with a warning, then an error), it never grows a queue.
 *
 * <p>Ownership: a delivered batch belongs to the subscriber until it is closed. Batches discarded by
 * cancellation or errors inside the pipeline are closed by it; a batch task that is cancelled mid-way
 * returns its buffer itself. {@link #close()} waits for running tasks, then frees every buffer and decoder.
 *
 * <p>Order: ordered mode delivers batches in plan order, so a run is a pure function of (seed, epoch) with
 * any number of threads; unordered mode delivers each batch as it completes (same contents, any order).
 * Errors: a failed sample is counted in {@link #account()} and skipped, or ends the stream with a
 * {@link SampleException} under {@link ErrorPolicy#FAIL}.
 */
public final class Pipeline implements AutoCloseable {
    private final SampleSource source;
    private final PipelineOptions options;
    private final PipelineMetrics metrics;
    private final RunAccount account = new RunAccount();
    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<SampleWorker> idleWorkers = new ConcurrentLinkedQueue<>();
    private final List<SampleWorker> allWorkers = new ArrayList<>();
    private final HostAllocator allocator;
    private volatile BatchPool batchPool;
    private volatile BatchPool samplePool;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<SampleFailure> failureListener = f -> { };

    public Pipeline(SampleSource source, PipelineOptions options, MeterRegistry registry, HostAllocator allocator) {
        this.source = source;
        this.options = options;
        this.allocator = allocator;
        this.metrics = new PipelineMetrics(registry, source.dataset(), Integer.toString(COUNT.incrementAndGet()),
                () -> allocated(batchPool) + allocated(samplePool), () -> outstanding(batchPool) + outstanding(samplePool));
        this.executor = Executors.newFixedThreadPool(options.threads(), daemonThreads("etab-decode-"));
    }

    public Pipeline(SampleSource source, PipelineOptions options) {
        this(source, options, Metrics.globalRegistry, HostAllocator.NATIVE);
    }

    public SampleSource source() {
        return source;
    }

    public PipelineOptions options() {
        return options;
    }

    /** Planned, delivered and failed samples over every epoch streamed so far. */
    public RunAccount account() {
        return account;
    }

    /**
     * Calls {@code listener} with every failed sample as it happens (on decode threads: it must be thread-safe
     * and quick), e.g. to stream a report. Failures are also kept in {@link #account()}.
     */
    public Pipeline onFailure(Consumer<SampleFailure> listener) {
        this.failureListener = listener;
        return this;
    }

    private static int allocated(BatchPool p) {
        return p == null ? 0 : p.allocated();
    }

    private static int outstanding(BatchPool p) {
        return p == null ? 0 : p.outstanding();
    }

    /** This pipeline's meters. */
    public PipelineMetrics metrics() {
        return metrics;
    }

    /**
     * Iterates a stream of this pipeline's batches (or samples) on the calling thread, the way a training loop
     * does, recording how long each step waited for data ({@code etab.consumer.wait}, the stall).
     */
    public <T> Iterable<T> consume(Flux<T> stream) {
        return consume(stream, 2);
    }

    /**
     * As {@link #consume(Flux)}, buffering at most {@code prefetch} items ahead of the consumer: 1 for items that
     * each hold a scarce resource, e.g. the CUDA feeder's device batches (each holds a ring slot).
     */
    public <T> Iterable<T> consume(Flux<T> stream, int prefetch) {
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch >= 1 required but was " + prefetch);
        }
        Iterable<T> inner = stream.toIterable(prefetch);
        return () -> {
            java.util.Iterator<T> it = inner.iterator();
            return new java.util.Iterator<T>() {
                @Override
                public boolean hasNext() {
                    long t0 = System.nanoTime();
                    boolean more = it.hasNext();
                    metrics.consumerWaited(System.nanoTime() - t0);
                    return more;
                }

                @Override
                public T next() {
                    return it.next();
                }
            };
        };
    }

    /** The pool behind {@link #batches}, or null before the first batch stream (tests, metrics). */
    public BatchPool batchPool() {
        return batchPool;
    }

    /** The pool behind {@link #samples}, or null before the first sample stream. */
    public BatchPool samplePool() {
        return samplePool;
    }

    /** Workers (decoders) created so far; they are reused across batches and epochs. */
    public int workersCreated() {
        synchronized (allWorkers) {
            return allWorkers.size();
        }
    }

    /**
     * One epoch as batches of {@code batchSize} (the last one smaller unless {@code dropLast}). Cold: planning
     * happens on subscription, and each subscription streams the epoch again.
     */
    public Flux<Batch> batches(int epoch) {
        return batches(epoch, 0);
    }

    /**
     * The rest of an epoch from position {@code startAt} of this rank's sequence: resuming with
     * {@link Batch#nextPosition()} of the last batch consumed continues exactly where a run stopped (ordered mode).
     */
    public Flux<Batch> batches(int epoch, long startAt) {
        return stream(epoch, epoch, startAt, options.batchSize(), options.concurrency(), pool(false));
    }

    /**
     * Epochs {@code firstEpoch .. lastEpoch} as one stream, the first from position {@code startAt}: the same batches
     * in the same order as {@link #batches(int, long)} of each epoch one after the other, but the first batches of
     * an epoch are assembled while the last ones of the previous epoch still are, so that no decode thread idles at
     * an epoch boundary (which matters for epochs of a few dozen batches). Same bounds and backpressure: one
     * stream, {@code concurrency} batches in assembly across the boundary. An epoch is planned (and counted in
     * {@link #account()}) when its first batch is about to be assembled.
     */
    public Flux<Batch> batches(int firstEpoch, int lastEpoch, long startAt) {
        if (lastEpoch < firstEpoch) {
            throw new IllegalArgumentException("lastEpoch >= firstEpoch required but was " + lastEpoch + " < " + firstEpoch);
        }
        return stream(firstEpoch, lastEpoch, startAt, options.batchSize(), options.concurrency(), pool(false));
    }

    /** One epoch sample by sample, each in its own pooled slot. */
    public Flux<Sample> samples(int epoch) {
        // one sample per task: enough tasks in flight to keep every thread busy
        int concurrency = options.threads() * 2 + options.prefetch();
        return stream(epoch, epoch, 0, 1, concurrency, pool(true)).map(Sample::new);
    }

    /**
     * This rank's samples of an epoch, in delivery order, from {@code startAt}: the source's order, sharded,
     * cut by the limit and drop-last. A pure function of (source seed, epoch, sharding, options).
     */
    public List<Scheduled> schedule(int epoch, long startAt, int batchSize) {
        if (startAt < 0) {
            throw new IllegalArgumentException("startAt >= 0 required but was " + startAt);
        }
        List<SamplePlan> all = source.plan(epoch);
        List<Sharding.Slice> mine = options.sharding().slices(all.size());
        long total = mine.size();
        if (options.limit() > 0) {
            total = Math.min(total, options.limit());
        }
        if (options.dropLast() && batchSize > 1) {
            total = total / batchSize * batchSize;
        }
        List<Scheduled> out = new ArrayList<>((int) Math.max(0, total - startAt));
        for (long k = startAt; k < total; k++) {
            Sharding.Slice slice = mine.get((int) k);
            out.add(new Scheduled(k, all.get(slice.index()), slice.repeat()));
        }
        return out;
    }

    /**
     * A sample in this rank's sequence.
     *
     * @param sequence its position in the sequence (what resuming counts)
     * @param plan     what to produce
     * @param repeat   a repeat added by sharding to even out the ranks
     */
    public record Scheduled(long sequence, SamplePlan plan, boolean repeat) {
    }

    private BatchPool pool(boolean single) {
        BatchPool p = single ? samplePool : batchPool;
        if (p == null) {
            synchronized (this) {
                p = single ? samplePool : batchPool;
                if (p == null) {
                    int size = single ? 1 : options.batchSize();
                    int concurrency = single ? options.threads() * 2 + options.prefetch() : options.concurrency();
                    p = new BatchPool(source.features(), source.labels(), size, concurrency + options.consumerHeld(),
                            allocator, Duration.ofSeconds(30), Duration.ofMinutes(10));
                    if (single) {
                        samplePool = p;
                    } else {
                        batchPool = p;
                    }
                }
            }
        }
        return p;
    }

    private Flux<Batch> stream(int firstEpoch, int lastEpoch, long startAt, int batchSize, int concurrency,
            BatchPool pool) {
        return Flux.defer(() -> {
            if (closed.get()) {
                return Flux.error(new IllegalStateException("pipeline is closed"));
            }
            Undelivered undelivered = new Undelivered(metrics);
            // planned lazily, one epoch at a time, as flatMapSequential asks for the next batch to assemble
            Flux<Group> groups = Flux.range(firstEpoch, lastEpoch - firstEpoch + 1)
                    .concatMapIterable(e -> groups(e, e == firstEpoch ? startAt : 0, batchSize), 1);
            Flux<Batch> batches = options.ordered()
                    ? groups.flatMapSequential(g -> assemble(g.epoch(), g.index(), g.plans(), pool, undelivered),
                            concurrency, 1)
                    : groups.flatMap(g -> assemble(g.epoch(), g.index(), g.plans(), pool, undelivered),
                            concurrency, 1);
            return batches.doOnNext(undelivered::remove).doFinally(signal -> undelivered.closeAll());
        }).doOnDiscard(Batch.class, Batch::close);
    }

    /** One batch to assemble: its epoch, its index in the epoch, its samples. */
    private record Group(int epoch, long index, List<Scheduled> plans) {
    }

    /** An epoch's batches from position {@code startAt}, counted as planned. */
    private List<Group> groups(int epoch, long startAt, int batchSize) {
        List<Scheduled> plans = schedule(epoch, startAt, batchSize);
        account.planned(plans.size());
        long firstIndex = startAt / batchSize;
        List<Group> groups = new ArrayList<>((plans.size() + batchSize - 1) / batchSize);
        for (int i = 0; i < plans.size(); i += batchSize) {
            groups.add(new Group(epoch, firstIndex + i / batchSize, plans.subList(i, Math.min(plans.size(), i + batchSize))));
        }
        return groups;
    }

    /**
     * Batches of one stream subscription that were made but not yet passed downstream. When the stream ends
     * early (cancel, error) they are closed here: Reactor's discard hooks do not reach every value an
     * operator holds at cancellation, and a value emitted while a cancel is in flight may be dropped.
     */
    private static final class Undelivered {
        private final Set<Batch> batches = new HashSet<>();
        private final PipelineMetrics metrics; // its ready gauge is this set's size, summed over streams
        private boolean ended;

        Undelivered(PipelineMetrics metrics) {
            this.metrics = metrics;
        }

        /** False when the stream has already ended: the caller must close the batch itself. */
        synchronized boolean add(Batch b) {
            if (ended) {
                return false;
            }
            batches.add(b);
            metrics.batchReady();
            return true;
        }

        synchronized void remove(Batch b) {
            if (batches.remove(b)) {
                metrics.batchTaken();
            }
        }

        synchronized void closeAll() {
            ended = true;
            metrics.batchesTaken(batches.size());
            batches.forEach(Batch::close);
            batches.clear();
        }
    }

    /**
     * One batch task on the decode pool. The hand-off is explicit rather than {@code fromCallable().subscribeOn()}:
     * a value produced after a cancel must be closed, and Reactor's callable operators drop such a value
     * without discarding it.
     */
    private Mono<Batch> assemble(int epoch, long index, List<Scheduled> plans, BatchPool pool, Undelivered undelivered) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            // subscribed up to `concurrency` batches ahead of a free thread: reads with latency start now
            source.prefetch(plansOf(plans));
            try {
                executor.execute(() -> {
                    Batch batch;
                    try {
                        batch = fill(epoch, index, plans, pool, cancelled);
                    } catch (Throwable e) {
                        sink.error(e);
                        return;
                    }
                    if (batch == null) {
                        sink.success();
                    } else if (cancelled.get() || !undelivered.add(batch)) {
                        batch.close();
                    } else {
                        sink.success(batch);
                    }
                });
            } catch (RejectedExecutionException e) {
                sink.error(new IllegalStateException("pipeline is closed", e));
            }
        });
    }

    private static List<SamplePlan> plansOf(List<Scheduled> scheduled) {
        List<SamplePlan> out = new ArrayList<>(scheduled.size());
        for (Scheduled s : scheduled) {
            out.add(s.plan());
        }
        return out;
    }

    /** Runs on a decode thread: one batch, slot by slot. Returns null when nothing in it was delivered. */
    private Batch fill(int epoch, long index, List<Scheduled> plans, BatchPool pool, AtomicBoolean cancelled) {
        long start = System.nanoTime();
        metrics.batchStarted();
        BatchPool.Buffers buffers = pool.acquire();
        SampleWorker worker = borrowWorker();
        boolean handedOff = false;
        try {
            List<SampleInfo> infos = new ArrayList<>(plans.size());
            for (Scheduled plan : plans) {
                if (cancelled.get()) {
                    return null;
                }
                SampleFailure failure = loadInto(worker, plan, buffers, infos.size(), epoch, infos);
                if (failure != null && options.onError() == ErrorPolicy.FAIL) {
                    throw new SampleException(failure.stage(), "sample " + failure.id() + " failed: "
                            + failure.reason() + " (stopping: error policy is fail)");
                }
            }
            if (infos.isEmpty() || cancelled.get()) {
                return null;
            }
            Batch batch = new Batch(index, infos, buffers, pool, plans.get(plans.size() - 1).sequence() + 1);
            handedOff = true;
            return batch;
        } finally {
            source.forget(plansOf(plans));
            idleWorkers.offer(worker);
            if (!handedOff) {
                pool.release(buffers);
            }
            metrics.batchFinished(System.nanoTime() - start);
        }
    }

    /** Loads one sample into {@code slot}; on success appends its info, on failure records and returns it. */
    private SampleFailure loadInto(SampleWorker worker, Scheduled scheduled, BatchPool.Buffers buffers, int slot,
            int epoch, List<SampleInfo> infos) {
        SamplePlan plan = scheduled.plan();
        SampleFailure failure;
        if (plan.failure() != null) {
            failure = new SampleFailure(plan.id(), plan.file(), Stage.PLAN, plan.failure());
        } else {
            long t0 = System.nanoTime();
            try {
                long deadline = options.sampleTimeout().isZero() ? Long.MAX_VALUE
                        : t0 + options.sampleTimeout().toNanos();
                SampleWorker.LoadStats stats = worker.load(plan, buffers, slot, deadline);
                metrics.delivered(stats.validFrames(), stats.framesDecoded(), stats.bytesRead(), System.nanoTime() - t0);
                account.delivered(stats.validFrames());
                infos.add(new SampleInfo(plan.id(), epoch, plan.position(), plan.frames(), stats.validFrames(),
                        scheduled.repeat()));
                return null;
            } catch (SampleException e) {
                failure = new SampleFailure(plan.id(), plan.file(), e.stage(), e.getMessage());
            } catch (RuntimeException e) {
                // a bug or an unexpected library error: still one sample's failure, with its cause named
                failure = new SampleFailure(plan.id(), plan.file(), Stage.INTERNAL, e.toString());
            }
        }
        account.failed(failure);
        metrics.failed(failure.stage().toString());
        failureListener.accept(failure);
        return failure;
    }

    private SampleWorker borrowWorker() {
        SampleWorker w = idleWorkers.poll();
        if (w == null) {
            w = source.newWorker();
            synchronized (allWorkers) {
                allWorkers.add(w);
            }
        }
        return w;
    }

    /**
     * Stops the decode threads (waiting for running batch tasks), closes every worker and frees the pools'
     * idle buffers; buffers still held by open batches are freed when those are closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (OWNER.get() == this) {
            // closed from inside a delivery (e.g. Flux.using on completion): this thread cannot wait for itself,
            // so the waiting and freeing happen on a short-lived helper thread
            Thread t = new Thread(this::stopAndFree, "etab-pipeline-close");
            t.setDaemon(true);
            t.start();
            return;
        }
        stopAndFree();
    }

    private void stopAndFree() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("decode threads did not stop within 60 s; native memory not freed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping decode threads", e);
        }
        synchronized (allWorkers) {
            allWorkers.forEach(SampleWorker::close);
            allWorkers.clear();
        }
        idleWorkers.clear();
        if (batchPool != null) {
            batchPool.close();
        }
        if (samplePool != null) {
            samplePool.close();
        }
        metrics.close();
    }

    /** Numbers pipelines for the {@code pipeline} meter tag. */
    private static final AtomicInteger COUNT = new AtomicInteger();

    /** The pipeline whose decode pool runs the current thread, if any. */
    private static final ThreadLocal<Pipeline> OWNER = new ThreadLocal<>();

    private ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                OWNER.set(this);
                r.run();
            }, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
