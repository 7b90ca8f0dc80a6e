package org.etab.pipeline;

import java.time.Duration;
import java.util.Objects;
import org.etab.sampling.Sharding;

/**
 * How samples flow: batch size, parallelism, the bound on work in flight, order, errors, limit, sharding,
 * per-sample timeout. Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * PipelineOptions o = PipelineOptions.builder().batchSize(20).batchesAhead(6).build();
 * }</pre>
 *
 * <p>Memory in flight is one number: {@link #batchesAhead()}, the batches that may exist at once beyond those the
 * consumer holds (FFCV's {@code batches_ahead}). It is {@code threads + prefetch}: one batch in assembly per decode
 * thread plus {@code prefetch} assembled or queued ahead. The batch pool holds {@code batchesAhead + consumerHeld}
 * buffers. Set any two of {@code threads}, {@code prefetch} and {@code batchesAhead}; the third follows.
 *
 * <p>Defaults: batch 20, all cores, prefetch 2 (so batchesAhead = cores + 2), 2 batches held by the consumer,
 * ordered, skip bad samples, no limit, one rank, 60 s per sample.
 */
public final class PipelineOptions {
    /** A sample (one file) taking longer than this is surely stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final int DEFAULT_PREFETCH = 2;
    /** The most samples per batch. */
    public static final int MAX_BATCH_SIZE = 65_536;
    /** The most decode threads, batches assembled ahead, or batches held by the consumer: each a thread or a buffer. */
    public static final int MAX_IN_FLIGHT = 1024;

    private final int batchSize;
    private final boolean dropLast;
    private final int threads;
    private final int prefetch;
    private final int batchesAhead;
    private final int consumerHeld;
    private final boolean ordered;
    private final ErrorPolicy onError;
    private final long limit;
    private final Sharding sharding;
    private final Duration sampleTimeout;
    // what was set explicitly (null: derived), so that toBuilder() derives the same way again
    private final Integer askedThreads;
    private final Integer askedPrefetch;
    private final Integer askedAhead;

    private PipelineOptions(Builder b, int threads, int prefetch) {
        this.batchSize = b.batchSize;
        this.dropLast = b.dropLast;
        this.threads = threads;
        this.prefetch = prefetch;
        this.batchesAhead = threads + prefetch;
        this.consumerHeld = b.consumerHeld;
        this.ordered = b.ordered;
        this.onError = b.onError;
        this.limit = b.limit;
        this.sharding = b.sharding;
        this.sampleTimeout = b.sampleTimeout;
        this.askedThreads = b.threads;
        this.askedPrefetch = b.prefetch;
        this.askedAhead = b.batchesAhead;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to make a changed copy; derived values are derived again. */
    public Builder toBuilder() {
        Builder b = new Builder()
                .batchSize(batchSize)
                .dropLast(dropLast)
                .consumerHeld(consumerHeld)
                .ordered(ordered)
                .onError(onError)
                .limit(limit)
                .sharding(sharding)
                .sampleTimeout(sampleTimeout);
        b.threads = askedThreads;
        b.prefetch = askedPrefetch;
        b.batchesAhead = askedAhead;
        return b;
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

    /** Batches assembled ahead of the consumer beyond one per thread: {@code batchesAhead - threads}. */
    public int prefetch() {
        return prefetch;
    }

    /**
     * Batches that may exist at once beyond those the consumer holds (in assembly, or assembled and not yet
     * delivered): {@code threads + prefetch}. The bound on work and memory in flight.
     */
    public int batchesAhead() {
        return batchesAhead;
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

    /** At most this many samples per epoch (taken from the front of its order); {@code <= 0}: all. */
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

    /**
     * Batches assembled concurrently: the same number as {@link #batchesAhead()}.
     *
     * @deprecated use {@link #batchesAhead()}, the name of this bound in the builder and the docs
     */
    @Deprecated
    public int concurrency() {
        return batchesAhead;
    }

    /** Buffers of the batch pool: what may be ahead plus what the consumer holds. */
    int batchBuffers() {
        return batchesAhead + consumerHeld;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PipelineOptions p
                && batchSize == p.batchSize
                && dropLast == p.dropLast
                && threads == p.threads
                && prefetch == p.prefetch
                && consumerHeld == p.consumerHeld
                && ordered == p.ordered
                && onError == p.onError
                && limit == p.limit
                && sharding.equals(p.sharding)
                && sampleTimeout.equals(p.sampleTimeout)
                && Objects.equals(askedThreads, p.askedThreads)
                && Objects.equals(askedPrefetch, p.askedPrefetch)
                && Objects.equals(askedAhead, p.askedAhead);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                batchSize,
                dropLast,
                threads,
                prefetch,
                consumerHeld,
                ordered,
                onError,
                limit,
                sharding,
                sampleTimeout,
                askedThreads,
                askedPrefetch,
                askedAhead);
    }

    @Override
    public String toString() {
        return "PipelineOptions[batchSize=" + batchSize + ", dropLast=" + dropLast + ", threads=" + threads
                + ", prefetch=" + prefetch + ", batchesAhead=" + batchesAhead + ", consumerHeld=" + consumerHeld
                + ", ordered=" + ordered + ", onError=" + onError + ", limit=" + limit + ", sharding=" + sharding
                + ", sampleTimeout=" + sampleTimeout + "]";
    }

    /** Builds {@link PipelineOptions}; {@link #build()} checks every value and combination. Not thread-safe. */
    public static final class Builder {
        private int batchSize = 20;
        private boolean dropLast;
        private Integer threads;
        private Integer prefetch;
        private Integer batchesAhead;
        private int consumerHeld = 2;
        private boolean ordered = true;
        private ErrorPolicy onError = ErrorPolicy.SKIP;
        private long limit;
        private Sharding sharding = Sharding.NONE;
        private Duration sampleTimeout = DEFAULT_TIMEOUT;

        private Builder() {}

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

        /** Decode threads, >= 1; default: all cores, or {@code batchesAhead - prefetch} when those are set. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Batches assembled ahead beyond one per thread, >= 0; default 2, or {@code batchesAhead - threads}. */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Batches that may exist at once beyond those the consumer holds, >= 1. Alone, it sets
         * {@code threads = min(cores, batchesAhead)} and {@code prefetch} to the rest; with {@code threads} or
         * {@code prefetch} set too, the other one follows; with both set, it must equal their sum.
         */
        public Builder batchesAhead(int batchesAhead) {
            this.batchesAhead = batchesAhead;
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

        /** At most this many samples per epoch; {@code <= 0}: all. */
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

        /** @throws IllegalArgumentException naming the value, or the explicit values that contradict each other */
        public PipelineOptions build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize >= 1 required but was " + batchSize);
            }
            if (threads != null && threads < 1) {
                throw new IllegalArgumentException("threads >= 1 required but was " + threads);
            }
            if (prefetch != null && prefetch < 0) {
                throw new IllegalArgumentException("prefetch >= 0 required but was " + prefetch);
            }
            if (batchesAhead != null && batchesAhead < 1) {
                throw new IllegalArgumentException("batchesAhead >= 1 required but was " + batchesAhead);
            }
            if (consumerHeld < 1) {
                throw new IllegalArgumentException("consumerHeld >= 1 required but was " + consumerHeld);
            }
            // upper bounds before any sum: threads + prefetch must not overflow, and each is a thread or a buffer
            if (batchSize > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("batchSize <= " + MAX_BATCH_SIZE + " required but was " + batchSize);
            }
            atMost("threads", threads);
            atMost("prefetch", prefetch);
            atMost("batchesAhead", batchesAhead);
            atMost("consumerHeld", consumerHeld);
            Objects.requireNonNull(onError, "onError");
            Objects.requireNonNull(sharding, "sharding");
            Objects.requireNonNull(sampleTimeout, "sampleTimeout");
            if (sampleTimeout.isNegative()) {
                throw new IllegalArgumentException("sampleTimeout must not be negative but was " + sampleTimeout);
            }
            int cores = Runtime.getRuntime().availableProcessors();
            int t;
            int p;
            if (batchesAhead == null) {
                t = threads != null ? threads : cores;
                p = prefetch != null ? prefetch : DEFAULT_PREFETCH;
            } else if (threads != null && prefetch != null) {
                if (threads + prefetch != batchesAhead) {
                    throw new IllegalArgumentException(
                            "batchesAhead = threads + prefetch required but was batchesAhead "
                                    + batchesAhead + ", threads " + threads + ", prefetch " + prefetch
                                    + " (set two of the three; the third follows)");
                }
                t = threads;
                p = prefetch;
            } else if (threads != null) {
                if (threads > batchesAhead) {
                    throw new IllegalArgumentException("threads <= batchesAhead required but was threads " + threads
                            + ", batchesAhead " + batchesAhead + " (a thread without a batch to assemble idles)");
                }
                t = threads;
                p = batchesAhead - threads;
            } else if (prefetch != null) {
                if (prefetch >= batchesAhead) {
                    throw new IllegalArgumentException("prefetch < batchesAhead required but was prefetch " + prefetch
                            + ", batchesAhead " + batchesAhead + " (at least one decode thread)");
                }
                t = batchesAhead - prefetch;
                p = prefetch;
            } else {
                t = Math.min(cores, batchesAhead);
                p = batchesAhead - t;
            }
            atMost("threads + prefetch", t + p);
            return new PipelineOptions(this, t, p);
        }

        private static void atMost(String name, Integer value) {
            if (value != null && value > MAX_IN_FLIGHT) {
                throw new IllegalArgumentException(name + " <= " + MAX_IN_FLIGHT + " required but was " + value);
            }
        }
    }
}
