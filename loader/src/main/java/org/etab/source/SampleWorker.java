package org.etab.source;

import org.etab.batch.BatchPool;

/**
 * Produces samples into batch slots: decode, transform and target, written straight into the slot.
 *
 * <p>Threading: confined; the pipeline lends a worker to one decode thread at a time.
 * Ownership: the worker owns its decoder and scratch memory and frees them in {@link #close()}.
 */
public interface SampleWorker extends AutoCloseable {

    /**
     * Writes every element of slot {@code slot} of {@code buffers} (features and labels) for {@code plan}.
     *
     * @throws SampleException when the sample cannot be produced; the slot's content is then undefined
     */
    LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot);

    /**
     * As {@link #load(SamplePlan, BatchPool.Buffers, int)}, giving up with a {@link SampleException} (stage
     * {@code timeout}) once {@code System.nanoTime()} passes {@code deadlineNanos}. Sources whose reads can stall
     * override this; the default ignores the deadline.
     */
    default LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
        return load(plan, buffers, slot);
    }

    @Override
    void close();

    /** What producing one sample cost, for metrics. */
    record LoadStats(int validFrames, int framesDecoded, long bytesRead) {}
}
