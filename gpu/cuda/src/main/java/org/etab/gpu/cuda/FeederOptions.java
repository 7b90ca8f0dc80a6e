package org.etab.gpu.cuda;

import java.time.Duration;
import java.util.Objects;
import org.etab.pipeline.PipelineOptions;

/**
 * How a {@link DeviceFeeder} runs: device batches uploaded ahead, device batches the consumer may hold open, what the
 * kernel computes, how long an upload waits for a ring slot. Immutable; made with {@link #builder()}. Defaults:
 * prefetch 2, one batch held, ImageNet channels first, warn after 30 s, fail after 10 min.
 */
public final class FeederOptions {
    private final int prefetch;
    private final int consumerHeld;
    private final Normalization normalization;
    private final Duration warnAfter;
    private final Duration timeout;

    private FeederOptions(Builder b) {
        this.prefetch = b.prefetch;
        this.consumerHeld = b.consumerHeld;
        this.normalization = b.normalization;
        this.warnAfter = b.warnAfter;
        this.timeout = b.timeout;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder()
                .prefetch(prefetch)
                .consumerHeld(consumerHeld)
                .normalization(normalization)
                .warnAfter(warnAfter)
                .timeout(timeout);
    }

    /** Device batches uploaded ahead of demand. */
    public int prefetch() {
        return prefetch;
    }

    /** Device batches the consumer may hold open at once. */
    public int consumerHeld() {
        return consumerHeld;
    }

    /** What the kernel computes. */
    public Normalization normalization() {
        return normalization;
    }

    /** Warn when no ring slot has come back for this long. */
    public Duration warnAfter() {
        return warnAfter;
    }

    /** Fail when no ring slot has come back for this long. */
    public Duration timeout() {
        return timeout;
    }

    /** Ring slots a feeder with these options allocates: {@code prefetch + consumerHeld + 1}. */
    public int slots() {
        return prefetch + consumerHeld + 1;
    }

    /**
     * Host batches such a feeder keeps open at most: one per ring slot (until its device batch is closed), one
     * upload waiting for a slot and one queued for the upload thread, i.e. {@code slots() + 2}. The pipeline's
     * {@code consumerHeld} must be at least this.
     */
    public int hostBatchesHeld() {
        return slots() + 2;
    }

    /** {@code asked} with {@code consumerHeld} raised to {@link #hostBatchesHeld()} where it is lower. */
    public PipelineOptions pipelineOptions(PipelineOptions asked) {
        return asked.consumerHeld() >= hostBatchesHeld()
                ? asked
                : asked.toBuilder().consumerHeld(hostBatchesHeld()).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeederOptions p
                && prefetch == p.prefetch
                && consumerHeld == p.consumerHeld
                && normalization.equals(p.normalization)
                && warnAfter.equals(p.warnAfter)
                && timeout.equals(p.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefetch, consumerHeld, normalization, warnAfter, timeout);
    }

    @Override
    public String toString() {
        return "FeederOptions[prefetch=" + prefetch + ", consumerHeld=" + consumerHeld + ", normalization="
                + normalization + ", warnAfter=" + warnAfter + ", timeout=" + timeout + "]";
    }

    /** Builds {@link FeederOptions}; {@link #build()} checks every value. Not thread-safe. */
    public static final class Builder {
        private int prefetch = 2;
        private int consumerHeld = 1;
        private Normalization normalization = Normalization.imagenet();
        private Duration warnAfter = Duration.ofSeconds(30);
        private Duration timeout = Duration.ofMinutes(10);

        private Builder() {}

        /** Device batches uploaded ahead of demand, >= 1. */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Device batches the consumer may hold open at once, >= 1. */
        public Builder consumerHeld(int consumerHeld) {
            this.consumerHeld = consumerHeld;
            return this;
        }

        /** What the kernel computes ({@link Normalization#matching} reproduces the host's samples). */
        public Builder normalization(Normalization normalization) {
            this.normalization = normalization;
            return this;
        }

        /** Warn when no ring slot has come back for this long; {@code > 0} and {@code <= timeout}. */
        public Builder warnAfter(Duration warnAfter) {
            this.warnAfter = warnAfter;
            return this;
        }

        /** Fail when no ring slot has come back for this long. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** @throws IllegalArgumentException naming the value that is out of range */
        public FeederOptions build() {
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch >= 1 required but was " + prefetch);
            }
            if (consumerHeld < 1) {
                throw new IllegalArgumentException("consumerHeld >= 1 required but was " + consumerHeld);
            }
            Objects.requireNonNull(normalization, "normalization");
            Objects.requireNonNull(warnAfter, "warnAfter");
            Objects.requireNonNull(timeout, "timeout");
            if (warnAfter.isNegative() || warnAfter.isZero() || timeout.compareTo(warnAfter) < 0) {
                throw new IllegalArgumentException(
                        "0 < warnAfter <= timeout required but were " + warnAfter + " and " + timeout);
            }
            return new FeederOptions(this);
        }
    }
}
