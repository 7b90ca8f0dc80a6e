package org.etab.pipeline;

import org.etab.batch.BatchPool;

/**
 * Test-only access to a pipeline's internals for tests outside this package (gpu, bench): the pools behind its
 * streams and its worker count, which are no part of the public API.
 */
public final class PipelineProbe {
    private PipelineProbe() {}

    /** The pool behind {@link Pipeline#batches}, or null before the first batch stream is subscribed. */
    public static BatchPool batchPool(Pipeline p) {
        return p.batchPool();
    }

    /** The pool behind {@link Pipeline#samples}, or null before the first sample stream is subscribed. */
    public static BatchPool samplePool(Pipeline p) {
        return p.samplePool();
    }

    /** Workers (decoders) the pipeline has created so far. */
    public static int workersCreated(Pipeline p) {
        return p.workersCreated();
    }
}
