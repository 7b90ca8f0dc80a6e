package org.etab.pipeline;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.etab.batch.BatchPool;
import org.etab.batch.HostAllocator;
import org.etab.source.SampleSource;

/**
 * The pipeline's two buffer pools, sized from its options: one for batch streams ({@code batchesAhead +
 * consumerHeld} batches of {@code batchSize}) and one for sample streams (one slot per task in flight plus what the
 * consumer holds). Each is made when its first stream subscribes, so a pipeline that only batches never allocates
 * sample slots.
 *
 * <p>Threading: thread-safe; a pool is made at most once, on the first subscribing thread.
 *
 * <p>Backpressure: none of its own; each pool bounds its buffers and makes {@link BatchPool#acquire()} wait.
 *
 * <p>Ownership: owns both pools. {@link #close()} frees their idle buffers; buffers held by open batches are freed
 * when those close.
 */
final class PipelinePools implements AutoCloseable {
    /** A wait for a free buffer warns this often... */
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);
    /**
     * ...and fails after this long while the consumer waits (sooner when every buffer is in a batch it holds; never
     * while it is busy with what it holds: {@link ConsumerDemand}).
     */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final SampleSource source;
    private final PipelineOptions options;
    private final HostAllocator allocator;
    private final BooleanSupplier consumerWaiting;
    private volatile BatchPool batches;
    private volatile BatchPool samples;

    PipelinePools(
            SampleSource source, PipelineOptions options, HostAllocator allocator, BooleanSupplier consumerWaiting) {
        this.source = source;
        this.options = options;
        this.allocator = allocator;
        this.consumerWaiting = consumerWaiting;
    }

    /** The pool of batch streams, made on first use. */
    BatchPool forBatches() {
        BatchPool p = batches;
        if (p == null) {
            synchronized (this) {
                if (batches == null) {
                    batches = make(options.batchSize(), options.batchBuffers());
                }
                p = batches;
            }
        }
        return p;
    }

    /** The pool of sample streams (batches of one), made on first use. */
    BatchPool forSamples() {
        BatchPool p = samples;
        if (p == null) {
            synchronized (this) {
                if (samples == null) {
                    samples = make(1, options.sampleTasks() + options.consumerHeld());
                }
                p = samples;
            }
        }
        return p;
    }

    /** The pool of batch streams, or null before the first one. */
    BatchPool batchPool() {
        return batches;
    }

    /** The pool of sample streams, or null before the first one. */
    BatchPool samplePool() {
        return samples;
    }

    /** Buffers allocated by both pools. */
    int allocated() {
        return allocated(batches) + allocated(samples);
    }

    /** Buffers of both pools out of the pool: in assembly, or in batches not yet closed. */
    int outstanding() {
        return outstanding(batches) + outstanding(samples);
    }

    private BatchPool make(int batchSize, int buffers) {
        return new BatchPool(
                source.features(),
                source.labels(),
                batchSize,
                buffers,
                allocator,
                WARN_EVERY,
                TIMEOUT,
                consumerWaiting);
    }

    private static int allocated(BatchPool p) {
        return p == null ? 0 : p.allocated();
    }

    private static int outstanding(BatchPool p) {
        return p == null ? 0 : p.outstanding();
    }

    /** Closes the pools made so far. */
    @Override
    public void close() {
        if (batches != null) {
            batches.close();
        }
        if (samples != null) {
            samples.close();
        }
    }
}
