package org.etab.pipeline;

import java.time.Duration;
import java.util.Objects;

import org.etab.sampling.Sharding;

/**
 * How samples flow: batch size, parallelism, the bound on work in flight, order, errors, limit, sharding,
 * per-sample timeout. Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * PipelineOptions o = PipelineOptions.builder().batchSize(20).threads(4).build();
 * }</pre>
 *
 * Defaults: batch 20, all cores, prefetch 2, 2 batches held by the consumer, ordered, skip bad samples, no limit,
 * one rank, 60 s per sample.
 */
public final class PipelineOptions {
    /** A sample (one file) taking longer than this is surely stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final int batchSize;
    private final boolean dropLast;
    private final int threads;
    private final int prefetch;
    private final int consumerHeld;
    private final boolean ordered;
    private final ErrorPolicy onError;
    private final long limit;
    private final Sharding sharding;
    private final Duration sampleTimeout;

    private PipelineOptions(Builder b) {
        this.batchSize = b.batchSize;
        this.dropLast = b.dropLast;
        this.threads = b.threads;
        this.prefetch = b.prefetch;
        this.consumerHeld = b.consumerHeld;
        this.ordered = b.ordered;
        this.onError = b.onError;
        this.limit = b.limit;
        this.sharding = b.sharding;
        this.sampleTimeout = b.sampleTimeout;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).dropLast(dropLast).threads(threads).prefetch(prefetch)
                .consumerHeld(consumerHeld).ordered(ordered).onError(onError).limit(limit).sharding(sharding)
                .sampleTimeout(sampleTimeout);
    }

    /** Samples per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Drop the last, partial batch of an epoch (its samples are then not planned). */
    public boolean dropLast() {
        return dropLast;
    }

    /** Decode threads. */
    public int threads() {
        return threads;
    }

    /** Batches assembled ahead of the consumer beyond one per thread. */
    public int prefetch() {
        return prefetch;
    }

    /** Batches a consumer may hold open at once before the pipeline waits for a close. */
    public int consumerHeld() {
        return consumerHeld;
    }

    /** Deliver in plan order (deterministic); false: each batch as soon as it is complete. */
    public boolean ordered() {
        return ordered;
    }

    /** Skip or fail on a bad sample. */
    public ErrorPolicy onError() {
        return onError;
    }

    /** At most this many samples per epoch (taken from the front of its order); <= 0: all. */
    public long limit() {
        return limit;
    }

    /** This rank's part of every epoch ({@link Sharding#NONE}: everything). */
    public Sharding sharding() {
        return sharding;
    }

    /** A sample that takes longer fails with stage {@code timeout}; zero: no limit. */
    public Duration sampleTimeout() {
        return sampleTimeout;
    }

    /** Batches assembled concurrently: one per decode thread plus the prefetch. */
    public int concurrency() {
        return threads + prefetch;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PipelineOptions p && batchSize == p.batchSize && dropLast == p.dropLast
                && threads == p.threads && prefetch == p.prefetch && consumerHeld == p.consumerHeld
                && ordered == p.ordered && onError == p.onError && limit == p.limit && sharding.equals(p.sharding)
                && sampleTimeout.equals(p.sampleTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(batchSize, dropLast, threads, prefetch, consumerHeld, ordered, onError, limit, sharding,
                sampleTimeout);
    }

    @Override
    public String toString() {
        return "PipelineOptions[batchSize=" + batchSize + ", dropLast=" + dropLast + ", threads=" + threads
                + ", prefetch=" + prefetch + ", consumerHeld=" + consumerHeld + ", ordered=" + ordered + ", onError="
                + onError + ", limit=" + limit + ", sharding=" + sharding + ", sampleTimeout=" + sampleTimeout + "]";
    }

    /** Builds {@link PipelineOptions}; {@link #build()} checks every value. Not thread-safe. */
    public static final class Builder {
        private int batchSize = 20;
        private boolean dropLast;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int prefetch = 2;
        private int consumerHeld = 2;
        private boolean ordered = true;
        private ErrorPolicy onError = ErrorPolicy.SKIP;
        private long limit;
        private Sharding sharding = Sharding.NONE;
        private Duration sampleTimeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /** Samples per batch, >= 1. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Drop the last, partial batch of an epoch. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Decode threads, >= 1. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Batches assembled ahead beyond one per thread, >= 0. */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Batches a consumer may hold open at once, >= 1. */
        public Builder consumerHeld(int consumerHeld) {
            this.consumerHeld = consumerHeld;
            return this;
        }

        /** Deliver in plan order (true) or as batches complete (false). */
        public Builder ordered(boolean ordered) {
            this.ordered = ordered;
            return this;
        }

        /** Skip or fail on a bad sample. */
        public Builder onError(ErrorPolicy onError) {
            this.onError = onError;
            return this;
        }

        /** At most this many samples per epoch; <= 0: all. */
        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        /** This rank's part of every epoch. */
        public Builder sharding(Sharding sharding) {
            this.sharding = sharding;
            return this;
        }

        /** Per-sample time limit; zero: none. */
        public Builder sampleTimeout(Duration sampleTimeout) {
            this.sampleTimeout = sampleTimeout;
            return this;
        }

        /** @throws IllegalArgumentException naming the value that is out of range */
        public PipelineOptions build() {
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
            Objects.requireNonNull(onError, "onError");
            Objects.requireNonNull(sharding, "sharding");
            Objects.requireNonNull(sampleTimeout, "sampleTimeout");
            if (sampleTimeout.isNegative()) {
                throw new IllegalArgumentException("sampleTimeout must not be negative but was " + sampleTimeout);
            }
            return new PipelineOptions(this);
        }
    }
}
