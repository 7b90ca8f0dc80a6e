package org.etab.api;

import java.util.Iterator;
import java.util.List;
import org.etab.batch.Sample;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;

/**
 * One epoch of an {@link EtabDataset} as pooled samples, for a plain loop on the calling thread:
 *
 * <pre>{@code
 * try (SampleIterator samples = echonet.iterate(0)) {
 *     while (samples.hasNext()) {
 *         try (Sample s = samples.next()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>It owns the pipeline and the opened dataset behind it: {@link #close()} (try-with-resources, so also after a
 * {@code break} or an exception) stops the decode threads, returns every buffer and closes the dataset's files. A
 * loop that leaves it open holds them until it is closed.
 *
 * <p>Threading: use from one thread. Backpressure: a few samples are decoded ahead of the consumer, no more.
 * Ownership: each {@link Sample} holds a pooled native buffer until the caller closes it. The pool has
 * {@code 2 * threads + 4} buffers, those decoded ahead included: a loop that keeps its samples open instead of copying
 * what it keeps ({@link Tensor#copyOf}) runs out, and {@link #hasNext()} then throws {@link IllegalStateException}
 * within 5 s, saying how many are held.
 */
public final class SampleIterator implements Iterator<Sample>, AutoCloseable {
    private final OpenedDataset opened;
    private final Pipeline pipeline;
    private final BatchIterator<Sample> samples;
    private volatile boolean closed;

    private SampleIterator(OpenedDataset opened, Pipeline pipeline, int epoch) {
        this.opened = opened;
        this.pipeline = pipeline;
        this.samples = pipeline.iterate(pipeline.samples(epoch), 1);
    }

    /** Iterates an epoch of {@code opened} on a pipeline of {@code threads}; owns it from here, closed also on failure. */
    static SampleIterator open(OpenedDataset opened, int threads, int epoch) {
        Pipeline pipeline = null;
        SampleIterator iteration = null;
        try {
            // samples only: batch 1, so that the pool checked is the one a sample stream uses
            pipeline = new Pipeline(
                    opened.source(),
                    PipelineOptions.builder().threads(threads).batchSize(1).build());
            iteration = new SampleIterator(opened, pipeline, epoch);
            return iteration;
        } finally {
            if (iteration == null) { // failed, also with an Error: nothing else owns them
                if (pipeline != null) {
                    pipeline.close();
                }
                opened.close();
            }
        }
    }

    /**
     * Whether another sample comes; blocks until one is decoded or the epoch ends.
     *
     * @return false once the epoch ended (failed samples are skipped: {@link #failures()})
     * @throws IllegalStateException when the iteration was closed, or every pooled buffer is held in open samples
     */
    @Override
    public boolean hasNext() {
        return samples.hasNext();
    }

    /**
     * The next sample, owned by the caller until it closes it.
     *
     * @return the sample
     * @throws java.util.NoSuchElementException when the epoch ended
     * @throws IllegalStateException            as {@link #hasNext()}
     */
    @Override
    public Sample next() {
        return samples.next();
    }

    /**
     * {@return the samples of this epoch that failed so far, each with its file, stage and reason, in the order they
     * failed (decode threads run side by side); the first 10,000 with their reasons (the pipeline's account keeps
     * that many); immutable}
     */
    public List<SampleFailure> failures() {
        return List.copyOf(pipeline.account().failures());
    }

    /**
     * {@return true once {@link #close()} has run} Not when the epoch has merely ended: the decode threads, the pool
     * and the dataset's files are held until {@code close()}.
     */
    public boolean isClosed() {
        return closed;
    }

    /** Stops the epoch, returns every buffer not held by an open sample, and closes the dataset. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try (opened;
                pipeline;
                samples) {
            // closed in reverse order: the iteration, then the pipeline, then the dataset
        }
    }
}
