package org.etab.pipeline;

/**
 * A pipeline's close, in its order: the open iteration first (its batches go back to the pool), then the decode
 * threads (waiting for running batch tasks), the workers and the pools' idle buffers, and the meters last, whatever
 * failed before them.
 *
 * <p>Threading: any thread, any number of times ({@link OnceClose}). A close called on a decode thread (e.g. by
 * {@code Flux.using} when an epoch completes) cannot wait for that thread: the stopping and freeing run on a
 * short-lived helper thread, and the call returns at once.
 */
final class PipelineShutdown {
    private final OnceClose closing = new OnceClose();
    private final OpenIteration openIteration;
    private final BatchAssembly assembly;
    private final PipelinePools pools;
    private final PipelineMetrics metrics;

    PipelineShutdown(
            OpenIteration openIteration, BatchAssembly assembly, PipelinePools pools, PipelineMetrics metrics) {
        this.openIteration = openIteration;
        this.assembly = assembly;
        this.pools = pools;
        this.metrics = metrics;
    }

    /** {@return whether the close has begun: no new stream or iteration may start} */
    boolean isClosed() {
        return closing.isClosed();
    }

    /** Closes, or waits for the close another thread runs (on a decode thread: returns at once). */
    void close() {
        if (!closing.begin(assembly.onDecodeThread())) {
            return;
        }
        try {
            openIteration.close("the pipeline was closed");
        } catch (RuntimeException | Error e) {
            closing.finished();
            throw e;
        }
        if (!assembly.onDecodeThread()) {
            stopAndFree();
            return;
        }
        Thread t = new Thread(this::stopAndFree, "etab-pipeline-close");
        t.setDaemon(true);
        try {
            t.start();
        } catch (RuntimeException | Error e) { // no thread (out of memory): later closes must not wait for it
            closing.finished();
            throw e;
        }
    }

    private void stopAndFree() {
        try {
            assembly.close();
            pools.close(); // not when a decode thread would not stop: it may still write into the buffers
        } finally {
            metrics.close(); // always: a dashboard should not show a closed pipeline's series
            closing.finished();
        }
    }
}
