package org.etab.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;

/**
 * One epoch of a pipeline as DJL batches, for one training thread.
 *
 * <p>Threading: {@code hasNext}/{@code next} on one thread; {@link #close()} from any. Backpressure: one pipeline
 * batch queued ahead of the one taken (a pipeline iteration with prefetch 1). Ownership: each pipeline batch passes
 * to the DJL batch made of it ({@link DjlBatches}); batches not yet taken are closed by {@link #close()}, which
 * cancels the epoch's stream, and by the pipeline when a newer iteration starts; each DJL batch handed out is in the
 * dataset's {@code open} set until it is closed.
 */
final class EpochBatches implements Iterator<Batch>, AutoCloseable {
    private final int epoch;
    private final NDManager manager;
    private final BatchIterator<org.etab.batch.Batch> batches;
    private final long samples;
    /** The dataset's DJL batches handed out and not closed yet. */
    private final Set<Batch> open;

    EpochBatches(Pipeline pipeline, int epoch, long startAt, NDManager manager, Set<Batch> open) {
        this.epoch = epoch;
        this.manager = manager;
        this.open = open;
        int batchSize = pipeline.options().batchSize();
        // this rank's samples of the epoch, for DJL's progress bar (planning does no I/O)
        this.samples = pipeline.schedule(epoch, 0, batchSize).size();
        // prefetch 1: the batch DJL holds plus one queued stay within the pipeline's consumerHeld (2 by default);
        // an epoch without a batch, which EasyTrain.fit passes with a NaN loss, is said in the log by the pipeline
        this.batches = pipeline.iterate(epoch, startAt, 1);
    }

    @Override
    public boolean hasNext() {
        return batches.hasNext();
    }

    @Override
    public Batch next() {
        if (!batches.hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        }
        return DjlBatches.wrap(batches.next(), manager, samples, open);
    }

    /** Cancels the epoch's stream and returns the batches not handed to DJL. Idempotent. */
    @Override
    public void close() {
        batches.close();
    }
}
