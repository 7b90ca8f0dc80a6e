package org.etab.gpu;

import org.etab.batch.Batch;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;

/**
 * Where a DL4J iterator stands in a pipeline's epochs, and DL4J's rule for moving on: the epoch and position it
 * streams, the epoch's iteration (opened on first use), whether a batch of it was taken and whether it ended.
 * {@link #reset()} moves to the next epoch only when the current one was touched (a batch taken) or is over (its end
 * reached, even without a batch, or its stream failed), so that DL4J's reset before {@code fit} never skips one.
 *
 * <p>Threading: the training thread; {@link #close()} may also come from another thread (the iteration's close is
 * thread-safe), which is why {@link #hasNext()} reads the iteration once.
 */
final class EpochCursor {
    private final Pipeline pipeline;
    private BatchIterator<Batch> batches;
    /** The epoch the next batch comes from. */
    private int epoch;
    /** Where the epoch's iteration starts: 0, or a resumed position. */
    private long startAt;
    /** Whether a batch of the epoch was taken (else {@code reset()} stays). */
    private boolean taken;
    /** Whether the epoch is over: its end was reached (possibly with no batch at all) or its stream failed. */
    private boolean ended;

    EpochCursor(Pipeline pipeline, int firstEpoch) {
        this.pipeline = pipeline;
        this.epoch = firstEpoch;
    }

    int epoch() {
        return epoch;
    }

    /** Goes to {@code startAt} of {@code epoch} (the caller checked them), closing the current iteration. */
    void moveTo(int epoch, long startAt) {
        close();
        this.epoch = epoch;
        this.startAt = startAt;
        this.taken = false;
        this.ended = false;
    }

    /** Whether the epoch has another batch; may wait for it. A stream error ends the epoch and is thrown. */
    boolean hasNext() {
        if (batches == null) {
            // prefetch 1: a VIEW's batch plus one queued stay within the pipeline's consumerHeld (2 by default);
            // an epoch without a batch, which DL4J's fit passes in silence, is said in the log by the pipeline
            batches = pipeline.iterate(epoch, startAt, 1);
        }
        BatchIterator<Batch> epochBatches = batches; // close() on another thread may clear the field meanwhile
        boolean more;
        try {
            more = epochBatches.hasNext();
        } catch (RuntimeException | Error e) {
            ended = endedByItsError(epochBatches);
            throw e;
        }
        ended = !more;
        return more;
    }

    /**
     * After {@code hasNext()} threw: whether the epoch's stream failed (error policy fail, a stalled pool), which ends
     * it, whether or not a batch was taken; an iteration closed from outside (another iteration of the pipeline, an
     * interrupt) throws again instead, and its epoch starts again.
     */
    private static boolean endedByItsError(BatchIterator<Batch> epochBatches) {
        try {
            return !epochBatches.hasNext(); // a failed iteration says false at once; it neither waits nor throws again
        } catch (IllegalStateException closedFromOutside) {
            return false;
        }
    }

    /** The next batch, after {@link #hasNext()} said true; the caller owns it. */
    Batch next() {
        Batch batch = batches.next();
        taken = true;
        return batch;
    }

    /**
     * DL4J's reset: to the next epoch's beginning when this one was touched or is over; otherwise stays, dropping an
     * iteration that was closed meanwhile, so that the epoch starts again.
     */
    void reset() {
        if (!taken && !ended) {
            if (batches != null && batches.isClosed()) {
                close();
            }
            return;
        }
        close();
        epoch++;
        startAt = 0;
        taken = false;
        ended = false;
    }

    /** Closes the epoch's iteration (cancelling its stream, returning its batches); the position stays. Idempotent. */
    void close() {
        BatchIterator<Batch> epochBatches = batches;
        if (epochBatches != null) {
            epochBatches.close();
            batches = null;
        }
    }
}
