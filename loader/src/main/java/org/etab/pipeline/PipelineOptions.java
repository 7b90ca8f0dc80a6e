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
    /** The default {@link #sampleTimeout()}, 60 s: a sample (one file) taking longer than this is surely stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The longest {@link #sampleTimeout()}, a day; longer is no limit in practice: zero says so. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    /** The most samples per batch. */
    public static final int MAX_BATCH_SIZE = 65_536;
    /** The most decode threads, batches assembled ahead, or batches held by the consumer: each a thread or a buffer. */
    public static final int MAX_IN_FLIGHT = 1024;

    private final int batchSize;
    private final boolean dropLast;
    private final InFlightBound inFlight;
    private final int consumerHeld;
    private final boolean ordered;
    private final ErrorPolicy onError;
    private final long limit;
    private final Sharding sharding;
    private final Duration sampleTimeout;

    private PipelineOptions(Builder b, InFlightBound inFlight) {
        this.batchSize = b.batchSize;
        this.dropLast = b.dropLast;
        this.inFlight = inFlight;
        this.consumerHeld = b.consumerHeld;
        this.ordered = b.ordered;
        this.onError = b.onError;
        this.limit = b.limit;
        this.sharding = b.sharding;
        this.sampleTimeout = b.sampleTimeout;
    }

    /** {@return a new builder with the defaults above} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options, to make a changed copy; derived values are derived again (a
     * {@code threads} left to default still follows the cores and {@code batchesAhead} of the copy).
     *
     * @return a new builder; these options are not changed by it
     */
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
        b.threads = inFlight.askedThreads();
        b.prefetch = inFlight.askedPrefetch();
        b.batchesAhead = inFlight.askedAhead();
        return b;
    }

    /**
     * {@return samples per batch, 1..{@value #MAX_BATCH_SIZE}; the last batch of an epoch may be smaller unless
     * {@link #dropLast()}}
     */
    public int batchSize() {
        return batchSize;
    }

    /** {@return whether the last, partial batch of an epoch is dropped (its samples are then not planned)} */
    public boolean dropLast() {
        return dropLast;
    }

    /** {@return the decode threads, 1..{@value #MAX_IN_FLIGHT}} */
    public int threads() {
        return inFlight.threads();
    }

    /**
     * {@return the batches assembled ahead of the consumer beyond one per thread: {@code batchesAhead - threads}, >= 0}
     */
    public int prefetch() {
        return inFlight.prefetch();
    }

    /**
     * Batches that may exist at once beyond those the consumer holds (in assembly, or assembled and not yet
     * delivered): {@code threads + prefetch}. The bound on work and memory in flight.
     *
     * @return {@code threads + prefetch}, >= 1
     */
    public int batchesAhead() {
        return inFlight.batchesAhead();
    }

    /**
     * {@return the batches a consumer may hold open at once before the pipeline waits for a close,
     * 1..{@value #MAX_IN_FLIGHT}}
     */
    public int consumerHeld() {
        return consumerHeld;
    }

    /** {@return the delivery order: true, plan order (deterministic); false, each batch as soon as it is complete} */
    public boolean ordered() {
        return ordered;
    }

    /** {@return what a failed sample does to the run: skip or fail; not null} */
    public ErrorPolicy onError() {
        return onError;
    }

    /** {@return at most this many samples per epoch and rank, from the front of its order; {@code <= 0}: all} */
    public long limit() {
        return limit;
    }

    /** {@return this rank's part of every epoch; {@link Sharding#NONE}: everything} */
    public Sharding sharding() {
        return sharding;
    }

    /**
     * {@return the time one sample may take, not negative; zero: no limit} A sample that takes longer fails with
     * stage {@code timeout}.
     */
    public Duration sampleTimeout() {
        return sampleTimeout;
    }

    /** Buffers of the batch pool: what may be ahead plus what the consumer holds. */
    int batchBuffers() {
        return batchesAhead() + consumerHeld;
    }

    /** Tasks of a sample stream (one sample each) in flight; its pool has these plus what the consumer holds. */
    int sampleTasks() {
        return inFlight.sampleTasks();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PipelineOptions p
                && batchSize == p.batchSize
                && dropLast == p.dropLast
                && inFlight.equals(p.inFlight)
                && consumerHeld == p.consumerHeld
                && ordered == p.ordered
                && onError == p.onError
                && limit == p.limit
                && sharding.equals(p.sharding)
                && sampleTimeout.equals(p.sampleTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                batchSize, dropLast, inFlight, consumerHeld, ordered, onError, limit, sharding, sampleTimeout);
    }

    @Override
    public String toString() {
        return "PipelineOptions[batchSize=" + batchSize + ", dropLast=" + dropLast + ", threads=" + threads()
                + ", prefetch=" + prefetch() + ", batchesAhead=" + batchesAhead() + ", consumerHeld=" + consumerHeld
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

        /**
         * Samples per batch, >= 1.
         *
         * @param batchSize samples per batch, 1..{@value PipelineOptions#MAX_BATCH_SIZE} (default 20)
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Drop the last, partial batch of an epoch.
         *
         * @param dropLast true to drop it; false (default) delivers it smaller
         * @return this builder
         */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Decode threads, >= 1; default: all cores, at most {@value PipelineOptions#MAX_IN_FLIGHT} - 2, or
         * {@code batchesAhead - prefetch} when those are set.
         *
         * @param threads decode threads, 1..{@value PipelineOptions#MAX_IN_FLIGHT}, and with {@code prefetch} (2 unless
         *                set) at most {@value PipelineOptions#MAX_IN_FLIGHT}: {@code threads(1024)} needs
         *                {@code prefetch(0)}
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Batches assembled ahead beyond one per thread, >= 0; default 2, or {@code batchesAhead - threads}.
         *
         * @param prefetch batches ahead beyond one per thread, 0..{@value PipelineOptions#MAX_IN_FLIGHT}, with
         *                 {@code threads} at most {@value PipelineOptions#MAX_IN_FLIGHT}
         * @return this builder
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Batches that may exist at once beyond those the consumer holds, >= 1. Alone, it sets {@code threads =
         * min(cores, batchesAhead)} and {@code prefetch} to the rest; with {@code threads} or {@code prefetch} set
         * too, the other one follows; with both set, it must equal their sum.
         *
         * @param batchesAhead the bound on batches in flight, 1..{@value PipelineOptions#MAX_IN_FLIGHT}
         * @return this builder
         */
        public Builder batchesAhead(int batchesAhead) {
            this.batchesAhead = batchesAhead;
            return this;
        }

        /**
         * Batches a consumer may hold open at once, >= 1.
         *
         * @param consumerHeld batches held by the consumer, 1..{@value PipelineOptions#MAX_IN_FLIGHT} (default 2)
         * @return this builder
         */
        public Builder consumerHeld(int consumerHeld) {
            this.consumerHeld = consumerHeld;
            return this;
        }

        /**
         * Deliver in plan order (true) or as batches complete (false).
         *
         * @param ordered true (default): plan order; false: as batches complete
         * @return this builder
         */
        public Builder ordered(boolean ordered) {
            this.ordered = ordered;
            return this;
        }

        /**
         * Skip or fail on a bad sample.
         *
         * @param onError {@link ErrorPolicy#SKIP} (default) or {@link ErrorPolicy#FAIL}; not null
         * @return this builder
         */
        public Builder onError(ErrorPolicy onError) {
            this.onError = onError;
            return this;
        }

        /**
         * At most this many samples per epoch; {@code <= 0}: all.
         *
         * @param limit samples per epoch and rank; {@code <= 0} (default): all
         * @return this builder
         */
        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        /**
         * This rank's part of every epoch.
         *
         * @param sharding this rank's part ({@link Sharding#NONE}, the default: everything); not null
         * @return this builder
         */
        public Builder sharding(Sharding sharding) {
            this.sharding = sharding;
            return this;
        }

        /**
         * Per-sample time limit; zero: none.
         *
         * @param sampleTimeout per-sample limit, not negative, at most {@link PipelineOptions#MAX_TIMEOUT} (a day), not
         *                      null; zero: none (default
         *                      {@link PipelineOptions#DEFAULT_TIMEOUT}, 60 s)
         * @return this builder
         */
        public Builder sampleTimeout(Duration sampleTimeout) {
            this.sampleTimeout = sampleTimeout;
            return this;
        }

        /**
         * Checks every value and combination and derives the one of {@code threads}, {@code prefetch} and
         * {@code batchesAhead} not set.
         *
         * @return new options
         * @throws IllegalArgumentException naming the value, or the explicit values that contradict each other
         * @throws NullPointerException     when {@code onError}, {@code sharding} or {@code sampleTimeout} is null
         */
        public PipelineOptions build() {
            atLeast("batchSize", batchSize, 1);
            atLeast("threads", threads, 1);
            atLeast("prefetch", prefetch, 0);
            atLeast("batchesAhead", batchesAhead, 1);
            atLeast("consumerHeld", consumerHeld, 1);
            // upper bounds before any sum: threads + prefetch must not overflow, and each is a thread or a buffer
            atMost("batchSize", batchSize, MAX_BATCH_SIZE);
            atMost("threads", threads, MAX_IN_FLIGHT);
            atMost("prefetch", prefetch, MAX_IN_FLIGHT);
            atMost("batchesAhead", batchesAhead, MAX_IN_FLIGHT);
            atMost("consumerHeld", consumerHeld, MAX_IN_FLIGHT);
            Objects.requireNonNull(onError, "onError");
            Objects.requireNonNull(sharding, "sharding");
            Objects.requireNonNull(sampleTimeout, "sampleTimeout");
            if (sampleTimeout.isNegative()) {
                throw new IllegalArgumentException("sampleTimeout must not be negative but was " + sampleTimeout);
            }
            if (sampleTimeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(
                        "sampleTimeout at most " + MAX_TIMEOUT + " (zero: no limit) required but was " + sampleTimeout);
            }
            int cores = Runtime.getRuntime().availableProcessors();
            return new PipelineOptions(this, InFlightBound.derive(threads, prefetch, batchesAhead, cores));
        }

        private static void atLeast(String name, Integer value, int min) {
            if (value != null && value < min) {
                throw new IllegalArgumentException(name + " >= " + min + " required but was " + value);
            }
        }

        private static void atMost(String name, Integer value, int max) {
            if (value != null && value > max) {
                throw new IllegalArgumentException(name + " <= " + max + " required but was " + value);
            }
        }
    }
}
