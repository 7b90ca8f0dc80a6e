package org.etab.batch;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link BatchPool#acquire} that waits checks, logs and throws: the pool's side of its {@link BoundedWait}.
 * One per wait, used on the waiting thread only.
 */
final class PoolWaiter implements BoundedWait.Subject {
    // the pool's logger: users configure one name for the pool's warnings
    private static final Logger LOG = LoggerFactory.getLogger(BatchPool.class);
    /** Batch indices a failure names, at most. */
    private static final int NAMED = 8;

    private final BatchPool pool;
    private final BoundedWait wait;
    private final BooleanSupplier cancelled;

    /** Ends a wait whose task was cancelled; never leaves the pool. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    PoolWaiter(BatchPool pool, BoundedWait wait, BooleanSupplier cancelled) {
        this.pool = pool;
        this.wait = wait;
        this.cancelled = cancelled;
    }

    @Override
    public void check() {
        if (pool.closed()) {
            throw new IllegalStateException("batch pool closed while waiting for a buffer");
        }
        if (cancelled.getAsBoolean()) {
            throw new Cancelled();
        }
    }

    @Override
    public boolean paused() {
        return !pool.consumerWaiting();
    }

    @Override
    public String stuck() {
        List<Long> open = pool.openBatchIndices();
        return open.size() < pool.maxBuffers()
                ? null
                : open.size() + " batches were assembled and not closed, held by the consumer or waiting for it ("
                        + named(open) + ")";
    }

    @Override
    public void warn(Duration waited) {
        LOG.warn(
                "all {} batch buffers have been out for {} s ({} in batches not closed, {} in assembly): is "
                        + "every Batch closed after use?",
                pool.maxBuffers(),
                waited.toSeconds(),
                pool.openBatches(),
                pool.inAssembly());
    }

    @Override
    public void pausedFor(Duration paused) {
        LOG.warn(
                "the decode threads have waited {} s for the consumer to ask for more batches ({} of {} buffers in "
                        + "batches not closed): a training step this long, a loop left without closing its "
                        + "iteration or cancelling its stream (iterate with Pipeline.iterate in try-with-resources), "
                        + "or a loop behind an operator that queues batches for it (toIterable(), publishOn: give "
                        + "it a prefetch of 1) that keeps them open",
                paused.toSeconds(),
                pool.openBatches(),
                pool.maxBuffers());
    }

    @Override
    public RuntimeException failure(Duration waited, String stuck) {
        int max = pool.maxBuffers();
        if (stuck != null) {
            return new IllegalStateException("no batch buffer came back within " + readable(wait.grace())
                    + " and all " + max + " are in batches handed out and not closed: " + stuck
                    + ". Close each Batch (each Sample of a sample stream) when done with it (try-with-resources); "
                    + "a consumer that really holds that many at once needs a larger pool: raise consumerHeld "
                    + "(PipelineOptions).");
        }
        return new IllegalStateException("no batch buffer came back within " + wait.timeout() + ": all "
                + max + " are held by the consumer or in assembly (" + pool.openBatches() + " in batches not "
                + "closed, " + pool.inAssembly() + " in assembly). Close each Batch (each Sample of a sample "
                + "stream) when done with it (try-with-resources), or raise the pool size if the consumer really "
                + "holds that many.");
    }

    private static String readable(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The indices, lowest (oldest as far as indices tell) first, at most {@link #NAMED}. */
    private static String named(List<Long> indices) {
        indices.sort(null);
        String named = indices.subList(0, Math.min(NAMED, indices.size())).toString();
        return (indices.size() == 1 ? "batch " : "batches ")
                + named.substring(1, named.length() - 1)
                + (indices.size() > NAMED ? ", ..." : "");
    }
}
