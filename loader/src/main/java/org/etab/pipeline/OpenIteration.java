package org.etab.pipeline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A pipeline's one open iteration: a new one closes the older first, so that a loop left by {@code break} holds its
 * batches only until the next epoch starts. Thread-safe.
 */
final class OpenIteration implements BatchIterator.Owner {
    private final AtomicReference<BatchIterator<?>> open = new AtomicReference<>();
    private final BooleanSupplier onDecodeThread;
    private final Duration settleLimit;

    /**
     * @param onDecodeThread whether the calling thread is one of the pipeline's decode threads
     * @param sampleTimeout  the pipeline's per-sample timeout, zero for none
     */
    OpenIteration(BooleanSupplier onDecodeThread, Duration sampleTimeout) {
        this.onDecodeThread = onDecodeThread;
        // a sample ends within its timeout; without one (zero), the default's bound, then a warning
        Duration sample = sampleTimeout.isZero() ? PipelineOptions.DEFAULT_TIMEOUT : sampleTimeout;
        this.settleLimit = sample.plusSeconds(10);
    }

    /** Makes {@code it} the open iteration, closing the one it replaces. */
    void replaceWith(BatchIterator<?> it) {
        BatchIterator<?> older = open.getAndSet(it);
        if (older != null) {
            older.close("a newer iteration started on the same pipeline (one open iteration per pipeline)");
        }
    }

    /** Closes the open iteration, if any, saying {@code because} to a later use of it. */
    void close(String because) {
        BatchIterator<?> it = open.getAndSet(null);
        if (it != null) {
            it.close(because);
        }
    }

    @Override
    public boolean onDecodeThread() {
        return onDecodeThread.getAsBoolean();
    }

    @Override
    public void ended(BatchIterator<?> it) {
        open.compareAndSet(it, null);
    }

    @Override
    public Duration settleLimit() {
        return settleLimit;
    }
}
