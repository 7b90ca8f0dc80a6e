package org.etab.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One epoch of a pipeline as DJL batches, for one training thread.
 *
 * <p>Threading: {@code hasNext}/{@code next} on one thread; {@link #close()} from any. Backpressure: one pipeline
 * batch queued ahead of the one taken (a pipeline iteration with prefetch 1). Ownership: each pipeline batch passes
 * to the DJL batch made of it ({@link DjlBatches}); batches not yet taken are closed by {@link #close()}, which
 * cancels the epoch's stream, and by the pipeline when a newer iteration starts.
 */
final class EpochBatches implements Iterator<Batch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EpochBatches.class);

    private final int epoch;
    private final NDManager manager;
    private final Pipeline pipeline;
    private final BatchIterator<org.etab.batch.Batch> batches;
    private final long samples;
    private final long plannedBefore;
    private final long failedBefore;
    private final long startAt;
    private boolean taken;
    private boolean told;

    EpochBatches(Pipeline pipeline, int epoch, long startAt, NDManager manager) {
        this.epoch = epoch;
        this.manager = manager;
        this.pipeline = pipeline;
        this.startAt = startAt;
        this.plannedBefore = pipeline.account().planned();
        this.failedBefore = pipeline.account().failed();
        int batchSize = pipeline.options().batchSize();
        // this rank's samples of the epoch, for DJL's progress bar (planning does no I/O)
        this.samples = pipeline.schedule(epoch, 0, batchSize).size();
        // prefetch 1: the batch DJL holds plus one queued stay within the pipeline's consumerHeld (2 by default)
        this.batches = pipeline.iterate(pipeline.batches(epoch, startAt), 1);
    }

    @Override
    public boolean hasNext() {
        boolean more = batches.hasNext();
        if (!more && !taken && !told) {
            // EasyTrain.fit passes an epoch without batches with a NaN loss and not a word
            told = true;
            long planned = pipeline.account().planned() - plannedBefore;
            long failed = pipeline.account().failed() - failedBefore;
            if (planned == 0) {
                if (startAt == 0) { // else resumed at its end: nothing was left
                    LOG.warn("epoch {} gave no batch: it planned no sample (limit, drop-last or sharding)", epoch);
                }
            } else {
                LOG.warn(
                        "epoch {} gave no batch: {} of its {} samples failed (the pipeline's account().failures() "
                                + "names them)",
                        epoch,
                        failed,
                        planned);
            }
        }
        return more;
    }

    @Override
    public Batch next() {
        if (!batches.hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        }
        taken = true;
        return DjlBatches.wrap(batches.next(), manager, samples);
    }

    /** Cancels the epoch's stream and returns the batches not handed to DJL. Idempotent. */
    @Override
    public void close() {
        batches.close();
    }
}
