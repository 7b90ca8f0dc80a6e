package org.etab.pipeline;

import java.time.Duration;

import org.etab.sampling.Sharding;

/**
 * How samples flow: batch size, parallelism, the bound on work in flight, order, errors, limit, sharding,
 * per-sample timeout.
 *
 * @param batchSize     samples per batch, >= 1
 * @param dropLast      drop the last, partial batch of an epoch (its samples are then not planned)
 * @param threads       decode threads, >= 1 (default: the machine's cores)
 * @param prefetch      batches assembled ahead of the consumer beyond one per thread; the in-flight bound is
 *                      {@code threads + prefetch} batches, plus {@code consumerHeld} open in the consumer
 * @param consumerHeld  batches a consumer may hold open at once before the pipeline waits for a close
 * @param ordered       deliver in plan order (deterministic); false: each batch as soon as it is complete
 * @param onError       skip or fail on a bad sample
 * @param limit         at most this many samples per epoch (taken from the front of its order); <= 0: all
 * @param sharding      this rank's part of every epoch ({@link Sharding#NONE}: everything)
 * @param sampleTimeout a sample that takes longer fails with stage {@code timeout}; zero: no limit
 */
public record PipelineOptions(int batchSize, boolean dropLast, int threads, int prefetch, int consumerHeld,
        boolean ordered, ErrorPolicy onError, long limit, Sharding sharding, Duration sampleTimeout) {

    public PipelineOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize >= 1 required but was " + batchSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads >= 1 required but was " + threads);
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch >= 0 required but was " + prefetch);
        }
        if (consumerHeld < 1) {
            throw new IllegalArgumentException("consumerHeld >= 1 required but was " + consumerHeld);
        }
        if (sampleTimeout.isNegative()) {
            throw new IllegalArgumentException("sampleTimeout must not be negative but was " + sampleTimeout);
        }
    }

    public PipelineOptions(int batchSize, boolean dropLast, int threads, int prefetch, int consumerHeld,
            boolean ordered, ErrorPolicy onError, long limit) {
        this(batchSize, dropLast, threads, prefetch, consumerHeld, ordered, onError, limit, Sharding.NONE,
                DEFAULT_TIMEOUT);
    }

    /** A sample (one file) taking longer than this is surely stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Batch 20, all cores, prefetch 2, ordered, skip bad samples, no limit, one rank, 60 s per sample. */
    public static PipelineOptions defaults() {
        return new PipelineOptions(20, false, Runtime.getRuntime().availableProcessors(), 2, 2, true,
                ErrorPolicy.SKIP, 0);
    }

    public PipelineOptions withBatchSize(int n) {
        return new PipelineOptions(n, dropLast, threads, prefetch, consumerHeld, ordered, onError, limit, sharding, sampleTimeout);
    }

    public PipelineOptions withThreads(int n) {
        return new PipelineOptions(batchSize, dropLast, n, prefetch, consumerHeld, ordered, onError, limit, sharding, sampleTimeout);
    }

    public PipelineOptions withPrefetch(int n) {
        return new PipelineOptions(batchSize, dropLast, threads, n, consumerHeld, ordered, onError, limit, sharding, sampleTimeout);
    }

    public PipelineOptions withDropLast(boolean b) {
        return new PipelineOptions(batchSize, b, threads, prefetch, consumerHeld, ordered, onError, limit, sharding, sampleTimeout);
    }

    public PipelineOptions withOrdered(boolean b) {
        return new PipelineOptions(batchSize, dropLast, threads, prefetch, consumerHeld, b, onError, limit, sharding, sampleTimeout);
    }

    public PipelineOptions withOnError(ErrorPolicy p) {
        return new PipelineOptions(batchSize, dropLast, threads, prefetch, consumerHeld, ordered, p, limit, sharding, sampleTimeout);
    }

    public PipelineOptions withLimit(long n) {
        return new PipelineOptions(batchSize, dropLast, threads, prefetch, consumerHeld, ordered, onError, n, sharding, sampleTimeout);
    }

    public PipelineOptions withSharding(Sharding s) {
        return new PipelineOptions(batchSize, dropLast, threads, prefetch, consumerHeld, ordered, onError, limit, s, sampleTimeout);
    }

    public PipelineOptions withSampleTimeout(Duration d) {
        return new PipelineOptions(batchSize, dropLast, threads, prefetch, consumerHeld, ordered, onError, limit, sharding, d);
    }

    /** Batches assembled concurrently: one per decode thread plus the prefetch. */
    public int concurrency() {
        return threads + prefetch;
    }
}
