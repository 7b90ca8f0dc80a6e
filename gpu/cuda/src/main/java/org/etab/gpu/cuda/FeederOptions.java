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
    /**
     * The most {@code prefetch + consumerHeld}: the host batches the feeder keeps open ({@link #hostBatchesHeld()},
     * that sum + 3) must fit in a pipeline's {@code consumerHeld}, at most {@link PipelineOptions#MAX_IN_FLIGHT}.
     */
    public static final int MAX_PREFETCH_AND_HELD = PipelineOptions.MAX_IN_FLIGHT - 3;

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

    /**
     * A builder with the defaults above.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options, to make a changed copy.
     *
     * @return a new builder; these options stay unchanged
     */
    public Builder toBuilder() {
        return new Builder()
                .prefetch(prefetch)
                .consumerHeld(consumerHeld)
                .normalization(normalization)
                .warnAfter(warnAfter)
                .timeout(timeout);
    }

    /**
     * Device batches uploaded ahead of demand.
     *
     * @return {@code >= 1}; default 2
     */
    public int prefetch() {
        return prefetch;
    }

    /**
     * Device batches the consumer may hold open at once without stalling the uploads.
     *
     * @return {@code >= 1}; default 1
     */
    public int consumerHeld() {
        return consumerHeld;
    }

    /**
     * What the kernel computes.
     *
     * @return the normalization; default {@link Normalization#imagenet()}
     */
    public Normalization normalization() {
        return normalization;
    }

    /**
     * How long an upload waits for a ring slot before it logs a warning (and again every such period).
     *
     * @return a positive duration, at most {@link #timeout()}; default 30 s
     */
    public Duration warnAfter() {
        return warnAfter;
    }

    /**
     * How long an upload waits for a ring slot before it fails the stream with {@link IllegalStateException}.
     *
     * @return at least {@link #warnAfter()}; default 10 min
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Ring slots a feeder with these options allocates on the device, each a uint8 upload buffer and a float32
     * output buffer of one batch.
     *
     * @return {@code prefetch + consumerHeld + 1}
     */
    public int slots() {
        return prefetch + consumerHeld + 1;
    }

    /**
     * Host batches such a feeder keeps open at most: one per ring slot (until its device batch is closed), one
     * upload waiting for a slot and one queued for the upload thread, i.e. {@code slots() + 2}. The pipeline's
     * {@code consumerHeld} must be at least this.
     *
     * @return {@code slots() + 2}
     */
    public int hostBatchesHeld() {
        return slots() + 2;
    }

    /**
     * Pipeline options that let a feeder with these options hold what it holds.
     *
     * @param asked the pipeline options wanted, not null
     * @return {@code asked} itself when its {@code consumerHeld} is at least {@link #hostBatchesHeld()}, else a copy
     *     with {@code consumerHeld} raised to it
     */
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

        /**
         * Device batches uploaded ahead of demand; each costs a ring slot (device memory of one batch, 5 bytes per
         * input byte).
         *
         * @param prefetch {@code >= 1}, with {@code consumerHeld} at most {@link FeederOptions#MAX_PREFETCH_AND_HELD} (checked by
         *                 {@link #build()}); default 2
         * @return this builder
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Device batches the consumer may hold open at once; holding more stalls the uploads until one is closed.
         *
         * @param consumerHeld {@code >= 1}, with {@code prefetch} at most {@link FeederOptions#MAX_PREFETCH_AND_HELD} (checked by
         *                     {@link #build()}); default 1
         * @return this builder
         */
        public Builder consumerHeld(int consumerHeld) {
            this.consumerHeld = consumerHeld;
            return this;
        }

        /**
         * What the kernel computes ({@link Normalization#matching} reproduces the host's samples).
         *
         * @param normalization not null (checked by {@link #build()}); default {@link Normalization#imagenet()}
         * @return this builder
         */
        public Builder normalization(Normalization normalization) {
            this.normalization = normalization;
            return this;
        }

        /**
         * Warn when an upload has waited this long for a ring slot (then again every such period).
         *
         * @param warnAfter {@code > 0} and {@code <= timeout}, not null (checked by {@link #build()}); default 30 s
         * @return this builder
         */
        public Builder warnAfter(Duration warnAfter) {
            this.warnAfter = warnAfter;
            return this;
        }

        /**
         * Fail when an upload has waited this long for a ring slot.
         *
         * @param timeout {@code >= warnAfter}, not null (checked by {@link #build()}); default 10 min
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * The options, after checking every value.
         *
         * @return new immutable options
         * @throws IllegalArgumentException naming the value that is out of range
         * @throws NullPointerException when the normalization, {@code warnAfter} or {@code timeout} is null
         */
        public FeederOptions build() {
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch >= 1 required but was " + prefetch);
            }
            if (consumerHeld < 1) {
                throw new IllegalArgumentException("consumerHeld >= 1 required but was " + consumerHeld);
            }
            // the pipeline must hold hostBatchesHeld() = prefetch + consumerHeld + 3 open, and holds at most 1024
            if ((long) prefetch + consumerHeld > MAX_PREFETCH_AND_HELD) {
                throw new IllegalArgumentException("prefetch + consumerHeld <= " + MAX_PREFETCH_AND_HELD
                        + " required but was " + ((long) prefetch + consumerHeld) + " (prefetch " + prefetch
                        + ", consumerHeld " + consumerHeld + "): the feeder keeps prefetch + consumerHeld + 3 host "
                        + "batches open, and a pipeline's consumer holds at most " + PipelineOptions.MAX_IN_FLIGHT);
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
