package org.etab.gpu;

import java.util.List;
import java.util.NoSuchElementException;
import org.etab.batch.Batch;
import org.etab.batch.TensorSpec;
import org.etab.pipeline.Pipeline;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A {@link Pipeline} as a DL4J {@link DataSetIterator}, so that {@code model.fit(iterator)} and
 * {@code model.fit(iterator, nEpochs)} train on it: one {@link DataSet} per pipeline batch, features
 * {@code [n, ...features spec]} (e.g. {@code [n, C, T, H, W]}), labels as float: EF {@code [n, 1]}; a class
 * target (CM, view, AS) the class index as float {@code [n, 1]}, or one-hot {@code [n, classes]} with
 * {@link Builder#oneHot(int)}; ES/ED {@code [n, 2]}; masks {@code [n, H, W]} (0/1).
 *
 * <p>Epochs: the iterator starts at {@link Builder#firstEpoch(int)} (0 by default) and {@link #reset()} moves to the
 * next epoch, a fresh seeded permutation, which is what DL4J's {@code fit(iterator, nEpochs)} needs (it calls
 * {@code reset()} between epochs). A {@code reset()} while nothing of the current epoch was taken is a no-op, so a
 * double reset or an explicit reset before {@code fit} never skips an epoch (an epoch that ended without a batch, every
 * sample failed, or one that error policy fail stopped, is left by it all the same). The data is a pure function of
 * (the source's seed, epoch) in ordered mode (the pipeline's default): a new iterator over the same selection and seed
 * replays the same sequence; {@link #setEpoch(int)} jumps to any epoch, {@link #setEpoch(int, long)} to a position
 * in it (resuming from a checkpoint).
 *
 * <p>Ownership: with {@link Ownership#COPY} (the default) each {@code next()} copies the batch off the pooled
 * memory into fresh ND4J arrays (outside any workspace) and closes the batch at once: DL4J may keep the
 * {@code DataSet} as long as it likes. With {@link Ownership#VIEW} the float32 features and labels are zero-copy
 * views of the pooled batch ({@link Nd4jBatches}), valid only until the next {@code next()}, {@code reset()},
 * {@code setEpoch()} or {@link #close()}, which close the batch and hand its memory back to the pool; other dtypes
 * (uint8 pixels, int32 classes) are still converted to float, i.e. copied. Each epoch is one of the pipeline's
 * iterations ({@link Pipeline#iterate}, prefetch 1): {@code reset()}, {@code setEpoch()} and {@link #close()}
 * close it, which cancels the epoch's stream and returns its batches to the pool before they return. The pipeline
 * stays open and belongs to the caller; it has one open iteration at a time, so iterating it elsewhere meanwhile
 * closes this iterator's epoch (its {@code hasNext()} then throws {@link IllegalStateException} saying so).
 *
 * <p>Threading: one consumer thread (DL4J's training thread); batches are decoded ahead on the pipeline's own
 * threads, so {@link #asyncSupported()} is false: DL4J would otherwise wrap this in an
 * {@code AsyncDataSetIterator}, adding a thread, a queue of copied {@code DataSet}s and a workspace on top of a
 * pipeline that already prefetches ({@code threads + prefetch} batches) and bounds its memory; in VIEW mode that
 * queue would also hold views past their batch's life. Wrapping it yourself breaks on a reset half-way through an
 * epoch: the wrapper interrupts its thread, which may be waiting in {@code hasNext()}; that wait ends with an
 * {@link IllegalStateException}, which the wrapper keeps and throws from every later call. Backpressure: one batch
 * is requested ahead of the one taken; how long {@code hasNext()} waited is recorded as the pipeline's
 * {@code etab.consumer.wait}.
 *
 * <p>Errors: a failed sample is skipped (and counted in {@code pipeline.account()}), or, with error policy fail,
 * surfaces as the pipeline's {@code SampleException} from {@code hasNext()}/{@code next()}; {@code next()} after the
 * end of the epoch throws {@link NoSuchElementException}.
 */
public final class EtabDataSetIterator implements DataSetIterator, AutoCloseable {
    private static final long serialVersionUID = 1L;

    /** Whether a {@code DataSet} owns its arrays or views the pooled batch. */
    public enum Ownership {
        /** Fresh arrays; the batch is closed inside {@code next()}. */
        COPY,
        /** Zero-copy views (float32 tensors), valid until the next {@code next()}, {@code reset()} or {@code close()}. */
        VIEW
    }

    private final transient Pipeline pipeline;
    /** Whether each {@code DataSet} copies or views its batch. */
    private final Ownership ownership;
    /** One-hot classes, or 0 for labels as they come (converted to float). */
    private final int classes;
    /** One sample's input, from the pipeline's source. */
    private final TensorSpec featureSpec;
    /** One sample's target, from the pipeline's source. */
    private final TensorSpec labelSpec;
    /** Batch to {@code DataSet}: float, one-hot, copy or view. */
    private final transient DataSetConverter converter;

    /** The epoch, its position and iteration, and when {@code reset()} moves on. */
    private final transient EpochCursor cursor;

    private transient Batch held;
    private transient DataSetPreProcessor preProcessor;
    /** Set by {@code close()}: then {@code hasNext()}, {@code next()}, {@code reset()} and {@code setEpoch()} throw. */
    private boolean closed;

    private EtabDataSetIterator(Builder b) {
        this.pipeline = b.pipeline;
        this.ownership = b.ownership;
        this.classes = b.classes;
        this.cursor = new EpochCursor(pipeline, b.firstEpoch);
        this.featureSpec = pipeline.source().features();
        this.labelSpec = pipeline.source().labels();
        this.converter = new DataSetConverter(
                ownership, classes, labelSpec, pipeline.source().dataset());
    }

    /**
     * An iterator over {@code pipeline}'s batches with the defaults: {@link Ownership#COPY}, labels as float (class
     * targets as the index), from epoch 0.
     *
     * @param pipeline the open pipeline to read, not null; it stays the caller's to close
     * @return a new iterator; close it before the pipeline
     * @throws IllegalArgumentException when {@code pipeline} is null
     */
    public static EtabDataSetIterator of(Pipeline pipeline) {
        return builder(pipeline).build();
    }

    /**
     * A builder for an iterator over {@code pipeline}'s batches, to set {@link Builder#ownership},
     * {@link Builder#oneHot} or {@link Builder#firstEpoch}.
     *
     * @param pipeline the open pipeline to read, not null; it stays the caller's to close
     * @return a builder with the defaults of {@link #of(Pipeline)}
     * @throws IllegalArgumentException when {@code pipeline} is null
     */
    public static Builder builder(Pipeline pipeline) {
        return new Builder(pipeline);
    }

    /** Options of an {@link EtabDataSetIterator}; only the pipeline is required. Not thread-safe. */
    public static final class Builder {
        private final Pipeline pipeline;
        private Ownership ownership = Ownership.COPY;
        private int classes;
        private int firstEpoch;

        private Builder(Pipeline pipeline) {
            if (pipeline == null) {
                throw new IllegalArgumentException("pipeline required but was null");
            }
            this.pipeline = pipeline;
        }

        /**
         * Whether each {@code DataSet} owns its arrays or views the pooled batch; see the class comment.
         *
         * @param o {@link Ownership#COPY} (the default) or {@link Ownership#VIEW}, not null
         * @return this builder
         * @throws IllegalArgumentException when {@code o} is null
         */
        public Builder ownership(Ownership o) {
            if (o == null) {
                throw new IllegalArgumentException("ownership required but was null");
            }
            this.ownership = o;
            return this;
        }

        /**
         * Class targets as one-hot rows {@code [n, classes]} (float) instead of the index. Only for a source whose
         * labels are a class index ({@code int32[1]}: CM, view, AS), checked by {@link #build()}; a sample whose
         * class lies outside {@code 0..classes-1} makes {@code next()} throw {@link IllegalStateException} naming it.
         *
         * @param classes number of classes, {@code >= 2} (CM has 2)
         * @return this builder
         * @throws IllegalArgumentException when {@code classes < 2}
         */
        public Builder oneHot(int classes) {
            if (classes < 2) {
                throw new IllegalArgumentException("oneHot classes >= 2 required but was " + classes);
            }
            this.classes = classes;
            return this;
        }

        /**
         * The epoch the first {@code next()} comes from, e.g. to resume training.
         *
         * @param epoch {@code >= 0}; default 0
         * @return this builder
         * @throws IllegalArgumentException when {@code epoch < 0}
         */
        public Builder firstEpoch(int epoch) {
            if (epoch < 0) {
                throw new IllegalArgumentException("firstEpoch >= 0 required but was " + epoch);
            }
            this.firstEpoch = epoch;
            return this;
        }

        /**
         * The iterator. It starts no pipeline iteration until the first {@code hasNext()}.
         *
         * @return a new iterator; the caller closes it
         * @throws IllegalArgumentException when {@link #oneHot} was set but the source's labels are not a class
         *     index
         */
        public EtabDataSetIterator build() {
            return new EtabDataSetIterator(this);
        }
    }

    /**
     * The epoch the next {@code DataSet} comes from.
     *
     * @return the current epoch, {@code >= 0}
     */
    public int epoch() {
        return cursor.epoch();
    }

    /**
     * Continues from the beginning of {@code epoch}: closes the current epoch's iteration (dropping its rest and, in
     * VIEW mode, the batch the last {@code DataSet} views). Nothing of {@code epoch} counts as taken yet, so a
     * {@code reset()} before the next {@code next()} is a no-op.
     *
     * @param epoch the epoch to go to, {@code >= 0}; may be earlier, the same or later
     * @throws IllegalArgumentException when {@code epoch < 0}
     * @throws IllegalStateException when this iterator is closed
     */
    public void setEpoch(int epoch) {
        setEpoch(epoch, 0);
    }

    /**
     * As {@link #setEpoch(int)}, continuing {@code epoch} from {@code startAt} (resuming a training run where its
     * checkpoint left it: {@code startAt} is the last batch's {@code Batch.nextPosition()}, saved with a
     * {@code ResumeState}; docs/sampling.md); the epochs after it start from their beginning.
     *
     * @param epoch   the epoch to go to, {@code >= 0}
     * @param startAt this rank's samples of that epoch already consumed, {@code >= 0}
     * @throws IllegalArgumentException when either is negative, {@code startAt} is past the epoch's end, or
     *                                  {@code startAt > 0} on an unordered pipeline (whose batches do not say that
     *                                  the samples before them came)
     * @throws IllegalStateException    when this iterator is closed
     */
    public void setEpoch(int epoch, long startAt) {
        pipeline.checkStart(epoch, startAt);
        requireOpen();
        releaseHeld();
        cursor.moveTo(epoch, startAt);
    }

    /**
     * Whether the current epoch has another batch; the first call of an epoch starts its pipeline iteration, and
     * it may wait for the pipeline to decode the batch (recorded as {@code etab.consumer.wait}).
     *
     * @return false at the end of the epoch (then {@link #reset()} starts the next)
     * @throws IllegalStateException when this iterator is closed, or the pipeline's iteration was closed by another
     *     iteration of the same pipeline
     * @throws RuntimeException the epoch's stream error (with error policy fail, the pipeline's
     *     {@code SampleException}), which ends the epoch: later calls say false and {@link #reset()} moves on
     */
    @Override
    public boolean hasNext() {
        requireOpen();
        return cursor.hasNext();
    }

    /**
     * The next batch as a {@code DataSet} (shapes in the class comment), after the pre-processor if one is set. In
     * VIEW mode this first closes the batch the previous {@code DataSet} viewed.
     *
     * @return features and float labels of the batch's valid samples
     * @throws NoSuchElementException at the end of the epoch
     * @throws IllegalStateException when this iterator is closed, or a class lies outside {@code oneHot}'s range
     */
    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException(
                    "epoch " + cursor.epoch() + " has no more batches; reset() starts epoch " + (cursor.epoch() + 1));
        }
        releaseHeld();
        Batch batch = cursor.next();
        DataSet ds;
        boolean keep = false;
        try {
            ds = converter.convert(batch);
            keep = ownership == Ownership.VIEW;
        } finally {
            if (keep) {
                held = batch;
            } else {
                batch.close();
            }
        }
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /**
     * The next batch as a {@code DataSet}: batches are sized by the pipeline, so {@code num} must be its batch
     * size (the last batch of an epoch may hold fewer).
     *
     * @param num the pipeline's batch size ({@link #batch()})
     * @return as {@link #next()}
     * @throws UnsupportedOperationException when {@code num} is not the pipeline's batch size
     * @throws NoSuchElementException at the end of the epoch
     */
    @Override
    public DataSet next(int num) {
        if (num != batch()) {
            throw new UnsupportedOperationException("next(" + num + "): batches come from the pipeline with batch size "
                    + batch() + "; build the pipeline with PipelineOptions.builder().batchSize(" + num + ")");
        }
        return next();
    }

    /**
     * Moves to the next epoch (a fresh permutation), dropping the rest of the current one. While nothing of the
     * current epoch was taken it stays on that epoch, so that DL4J's reset before {@code fit} never skips one, unless
     * the epoch ran to its end without a batch (every sample failed: staying would replay it on every reset) or its
     * stream failed (error policy fail) before its first batch; an iteration of it that was closed meanwhile (by
     * another iteration of the pipeline, or an interrupt of a wait in {@code hasNext()}) is dropped, and the epoch
     * starts again.
     *
     * @throws IllegalStateException when this iterator is closed
     */
    @Override
    public void reset() {
        requireOpen();
        releaseHeld(); // nothing is held while nothing was taken: only a reset that moves on releases a view
        cursor.reset();
    }

    /**
     * True: {@link #reset()} moves to the next epoch.
     *
     * @return true
     */
    @Override
    public boolean resetSupported() {
        return true;
    }

    /**
     * False, so that DL4J does not wrap this in an {@code AsyncDataSetIterator}: the pipeline prefetches on its own
     * threads; see the class comment.
     *
     * @return false
     */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    /**
     * The pipeline's batch size (an epoch's last batch may hold fewer samples).
     *
     * @return samples per full batch
     */
    @Override
    public int batch() {
        return pipeline.options().batchSize();
    }

    /**
     * Elements of one sample's input (C x T x H x W, or C x H x W).
     *
     * @return the features spec's element count
     * @throws ArithmeticException when it exceeds {@code int}
     */
    @Override
    public int inputColumns() {
        return Math.toIntExact(featureSpec.elements());
    }

    /**
     * Columns of one sample's label.
     *
     * @return the classes when one-hot, else the elements of one sample's label (1 for EF, CM, view, AS; 2 for
     *     ES/ED)
     */
    @Override
    public int totalOutcomes() {
        return classes > 0 ? classes : Math.toIntExact(labelSpec.elements());
    }

    /**
     * Names of the one-hot columns.
     *
     * @return {@code "0".."classes-1"} (unmodifiable) when one-hot, else null (regression or index labels)
     */
    @Override
    public List<String> getLabels() {
        return converter.labelNames();
    }

    /**
     * Sets what is applied to every {@code DataSet} before {@code next()} returns it, on the consumer's thread; in
     * VIEW mode an in-place pre-processor writes into the pooled batch.
     *
     * @param preProcessor the pre-processor, or null for none (the default)
     */
    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    /**
     * The pre-processor set by {@link #setPreProcessor}.
     *
     * @return it, or null when none is set
     */
    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /** Cancels the current epoch's stream and closes the batch a VIEW is holding. Idempotent; the pipeline stays open. */
    @Override
    public void close() {
        if (!closed) {
            endStream();
            closed = true;
        }
    }

    private void endStream() {
        releaseHeld();
        cursor.close();
    }

    private void releaseHeld() {
        if (held != null) {
            held.close();
            held = null;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("iterator is closed");
        }
    }

    @Override
    public String toString() {
        return "EtabDataSetIterator[" + pipeline.source().dataset() + ", epoch " + cursor.epoch() + ", batch " + batch()
                + ", features " + featureSpec + ", labels " + labelSpec + (classes > 0 ? " one-hot " + classes : "")
                + ", " + ownership + "]";
    }
}
