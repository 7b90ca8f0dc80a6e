package org.etab.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.SampleInfo;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.util.context.Context;

/**
 * Batch assembly: one task per batch on the pipeline's decode pool. A task takes a buffer from the pool, borrows a
 * worker (decoder + scratch) and writes the group's samples slot by slot, each under the per-sample deadline (passed
 * to the worker, whose reads give up at it, and checked again here: a sample that ends after it failed, stage
 * {@code timeout}, whatever the dataset); a failed sample goes into the account and to the failure listener, then is
 * skipped or ends the stream ({@link ErrorPolicy}).
 *
 * <p>Threading: {@link #assemble} runs where the stream subscribes to the batch (that thread only hands the task
 * over); the task runs on one of {@code threads} daemon threads taking tasks from one shared queue, so a slow file
 * does not hold up the others. A worker is used by one thread at a time and reused across batches and epochs.
 *
 * <p>Backpressure: none of its own; the stream subscribes to at most {@code batchesAhead} batches at once, and
 * {@link BatchPool#acquire()} blocks a task while every buffer is out.
 *
 * <p>Ownership: a task owns its buffer until the batch is handed to the stream's {@link Undelivered} set; a task
 * that is cancelled (checked before it takes a buffer and between samples), fails, or makes an empty batch returns
 * the buffer itself, and a batch finished after a cancel is closed by its task. Workers belong to this class and are
 * closed by {@link #close()}.
 */
final class BatchAssembly implements AutoCloseable {
    /** The assembly whose decode pool runs the current thread, if any. */
    private static final Logger LOG = LoggerFactory.getLogger(BatchAssembly.class);

    private static final ThreadLocal<BatchAssembly> OWNER = new ThreadLocal<>();
    /** How long close waits for running tasks (each ends within its sample's timeout, or at its next check). */
    private static final long STOP_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final SampleSource source;
    private final PipelineOptions options;
    private final RunAccount account;
    private final PipelineMetrics metrics;
    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<SampleWorker> idleWorkers = new ConcurrentLinkedQueue<>();
    private final List<SampleWorker> allWorkers = new ArrayList<>();
    private volatile Consumer<SampleFailure> failureListener = f -> {};

    BatchAssembly(SampleSource source, PipelineOptions options, RunAccount account, PipelineMetrics metrics) {
        this.source = source;
        this.options = options;
        this.account = account;
        this.metrics = metrics;
        this.executor = Executors.newFixedThreadPool(options.threads(), daemonThreads("etab-decode-"));
    }

    void onFailure(Consumer<SampleFailure> listener) {
        this.failureListener = listener;
    }

    /** Workers (decoders) created so far. */
    int workersCreated() {
        synchronized (allWorkers) {
            return allWorkers.size();
        }
    }

    /** True on one of this assembly's decode threads, which must never wait for the decode pool. */
    boolean onDecodeThread() {
        return OWNER.get() == this;
    }

    /**
     * One batch task on the decode pool; empty when nothing in the group was delivered. The hand-off is explicit
     * rather than {@code fromCallable().subscribeOn()}: a value produced after a cancel must be closed, and
     * Reactor's callable operators drop such a value without discarding it.
     */
    Mono<Batch> assemble(EpochSchedule.Group group, BatchPool pool, Undelivered undelivered) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            // subscribed up to batchesAhead batches ahead of a free thread: reads with latency start now
            source.prefetch(group.samplePlans());
            undelivered.taskStarted();
            Runnable dropped = () -> {
                undelivered.taskEnded();
                source.forget(group.samplePlans());
                if (!cancelled.get()) { // a cancelled sink would only log the error as dropped
                    sink.error(new IllegalStateException("pipeline is closed"));
                }
            };
            try {
                executor.execute(new BatchTask(() -> run(group, pool, undelivered, cancelled, sink), dropped));
            } catch (RejectedExecutionException e) {
                dropped.run();
            }
        });
    }

    /** A batch task's work on a decode thread: fills the batch and hands it to the stream, or closes it. */
    private void run(
            EpochSchedule.Group group,
            BatchPool pool,
            Undelivered undelivered,
            AtomicBoolean cancelled,
            MonoSink<Batch> sink) {
        try {
            Batch batch;
            try {
                batch = fill(group, pool, cancelled);
            } catch (Throwable e) {
                if (!cancelled.get()) { // a cancelled sink would only log the error as dropped
                    // close() interrupts a task waiting for a buffer: that is the close, not a failure of its own
                    sink.error(executor.isShutdown() && !(e instanceof Error) ? closed(e) : e);
                }
                return;
            }
            if (batch == null) {
                sink.success();
            } else if (cancelled.get() || !undelivered.add(batch)) {
                batch.close();
            } else {
                sink.success(batch);
            }
        } finally {
            undelivered.taskEnded();
        }
    }

    /**
     * A batch task, and what ends its stream when {@link #close()} stops the task before it ran (the stream would
     * wait for it forever).
     */
    private record BatchTask(Runnable work, Runnable dropped) implements Runnable {
        @Override
        public void run() {
            work.run();
        }
    }

    /** Runs on a decode thread: one batch, slot by slot. Returns null when nothing in it was delivered. */
    private Batch fill(EpochSchedule.Group group, BatchPool pool, AtomicBoolean cancelled) {
        if (cancelled.get()) {
            // cancelled while queued: take no buffer, which a live stream may be waiting for
            source.forget(group.samplePlans());
            return null;
        }
        long start = System.nanoTime();
        metrics.batchStarted();
        BatchPool.Buffers buffers = null;
        SampleWorker worker = null;
        boolean handedOff = false;
        try {
            buffers = pool.acquire(cancelled::get);
            if (buffers == null) {
                return null; // cancelled while it waited for a buffer
            }
            worker = borrowWorker();
            List<SampleInfo> infos = new ArrayList<>(group.plans().size());
            for (Pipeline.Scheduled plan : group.plans()) {
                if (cancelled.get()) {
                    return null;
                }
                SampleFailure failure = loadInto(worker, plan, buffers, infos.size(), group.epoch(), infos);
                if (failure != null && options.onError() == ErrorPolicy.FAIL) {
                    throw new SampleException(failure);
                }
            }
            if (infos.isEmpty() || cancelled.get()) {
                return null;
            }
            Batch batch = new Batch(group.index(), infos, buffers, pool, group.nextPosition());
            handedOff = true;
            return batch;
        } finally {
            source.forget(group.samplePlans());
            if (worker != null) {
                idleWorkers.offer(worker);
            }
            if (buffers != null && !handedOff) {
                pool.release(buffers);
            }
            metrics.batchFinished(System.nanoTime() - start);
        }
    }

    /** Loads one sample into {@code slot}; on success appends its info, on failure records and returns it. */
    private SampleFailure loadInto(
            SampleWorker worker,
            Pipeline.Scheduled scheduled,
            BatchPool.Buffers buffers,
            int slot,
            int epoch,
            List<SampleInfo> infos) {
        SamplePlan plan = scheduled.plan();
        SampleFailure failure;
        if (plan.failure() != null) {
            failure = failure(scheduled, epoch, Stage.PLAN, plan.failure());
        } else {
            long t0 = System.nanoTime();
            try {
                long deadline = SampleWorker.deadline(t0, options.sampleTimeout());
                SampleWorker.LoadStats stats = worker.load(plan, buffers, slot, deadline);
                long took = System.nanoTime() - t0;
                if (SampleWorker.pastDeadline(deadline)) {
                    // a stage that does not watch the deadline itself (a still's decode, a transform) still counts
                    throw new SampleException(
                            Stage.TIMEOUT,
                            plan.file() + ": took " + Duration.ofNanos(took).toMillis()
                                    + " ms, more than the sample timeout (" + options.sampleTimeout() + ")");
                }
                metrics.delivered(
                        stats.validFrames(), stats.framesDecoded(), stats.bytesRead(), System.nanoTime() - t0);
                account.delivered(stats.validFrames());
                infos.add(new SampleInfo(
                        plan.id(), epoch, plan.position(), plan.frames(), stats.validFrames(), scheduled.repeat()));
                return null;
            } catch (SampleException e) {
                if (executor.isShutdown()) {
                    throw closed(e); // interrupted by close(): not the sample's failure, and not to be reported
                }
                failure = failure(scheduled, epoch, e.stage(), e.getMessage());
            } catch (RuntimeException e) {
                if (executor.isShutdown()) {
                    throw closed(e);
                }
                // a bug or an unexpected library error: still one sample's failure, with its cause named
                failure = failure(scheduled, epoch, Stage.INTERNAL, e.toString());
            } catch (Error e) {
                // an assertion, or memory: the sample's failure is recorded (the report names it), then the Error
                // ends the stream as itself whatever the policy, since the process may not be fit to go on
                record(failure(scheduled, epoch, Stage.INTERNAL, e.toString()));
                throw e;
            }
        }
        record(failure);
        return failure;
    }

    private static SampleFailure failure(Pipeline.Scheduled scheduled, int epoch, Stage stage, String reason) {
        SamplePlan plan = scheduled.plan();
        return new SampleFailure(
                plan.id(), plan.file(), stage, reason, epoch, scheduled.sequence(), scheduled.repeat());
    }

    private static IllegalStateException closed(Throwable cause) {
        return new IllegalStateException("pipeline is closed", cause);
    }

    private void record(SampleFailure failure) {
        account.failed(failure);
        metrics.failed(failure.stage().toString());
        failureListener.accept(failure);
    }

    /**
     * A context for the pipeline's streams in which an error that arrives after the stream has ended (another
     * sample's failure under {@link ErrorPolicy#FAIL}, racing the first one's cancel) is not logged by Reactor at
     * ERROR with its stack trace: the failure is in the account already, and the consumer has the first one. Any
     * other late error is logged in one line. The key is Reactor's own for a per-subscription
     * {@code onErrorDropped} hook ({@code Hooks.KEY_ON_ERROR_DROPPED}, not public).
     */
    static final Context LATE_ERRORS = Context.of("reactor.onErrorDropped.local", (Consumer<Throwable>) late -> {
        if (late instanceof SampleException) {
            LOG.debug("after the stream ended: {}", late.getMessage());
        } else {
            LOG.warn("after the stream ended: {}", late.toString());
        }
    });

    /**
     * Batch tasks failing at once (several samples under {@link ErrorPolicy#FAIL}) reach the stream as Reactor's
     * composite exception; the consumer gets the first sample failure instead (else the first error), with the
     * others suppressed, so that the error it catches is the one the contract names.
     */
    static Throwable firstFailure(Throwable multiple) {
        List<Throwable> errors = Exceptions.unwrapMultiple(multiple);
        Throwable first = errors.stream()
                .filter(SampleException.class::isInstance)
                .findFirst()
                .orElse(errors.get(0));
        for (Throwable other : errors) {
            if (other != first) {
                first.addSuppressed(other);
            }
        }
        return first;
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
     * Stops the decode threads, waiting for running tasks, then closes every worker; a stream still waiting for a
     * task that never ran, or for one this interrupts (waiting for a buffer, or inside a sample), fails with "pipeline
     * is closed", and a sample interrupted so is not counted as failed. Call it off the pool. An interrupted caller
     * (a cancelled training thread, whose try-with-resources closes the pipeline) waits all the same, and keeps its
     * interrupt: the workers and buffers are freed only once no decode thread can use them.
     */
    @Override
    public void close() {
        for (Runnable never : executor.shutdownNow()) {
            if (never instanceof BatchTask t) {
                t.dropped().run();
            }
        }
        if (!awaitStopped(STOP_LIMIT_NANOS)) {
            throw new IllegalStateException("decode threads did not stop within 60 s; native memory not freed");
        }
        synchronized (allWorkers) {
            allWorkers.forEach(SampleWorker::close);
            allWorkers.clear();
        }
        idleWorkers.clear();
    }

    /** Waits for the decode threads to end, at most {@code nanos}, through interrupts (restored after). */
    private boolean awaitStopped(long nanos) {
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(
                    () -> {
                        OWNER.set(this);
                        r.run();
                    },
                    prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
