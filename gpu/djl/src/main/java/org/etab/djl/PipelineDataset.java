package org.etab.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.util.Progress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.etab.pipeline.Pipeline;

/**
 * A {@link Pipeline} as a DJL {@link Dataset}, so that {@code EasyTrain.fit(trainer, epochs, dataset, null)} trains
 * on it: each {@link #getData(NDManager)} is one epoch of the pipeline, each DJL {@link Batch} one pipeline batch.
 *
 * <pre>{@code
 * PipelineDataset train = PipelineDataset.builder().pipeline(pipeline).build();
 * EasyTrain.fit(trainer, 2, train, null);   // epochs 0 and 1, each in its own seeded order
 * }</pre>
 *
 * <p>What a batch holds: {@code getData()} is one array, the features {@code [n, ...features spec]} (e.g.
 * {@code [n, C, T, H, W]} for clips, {@code [n, C, H, W]} for stills) in the pipeline's dtype, float32 or uint8
 * (a uint8 batch is converted by the model, e.g. {@code x.toType(DataType.FLOAT32, false)}, on the device it
 * trains on); {@code getLabels()} is one array, the labels {@code [n, ...label spec]} as the target declares them:
 * EF float32 {@code [n, 1]} (percent), CM/view/AS int32 {@code [n, 1]}, ES/ED int32 {@code [n, 2]}, masks uint8
 * {@code [n, H, W]}. {@code n} is the batch's valid samples (an epoch's last batch, or one with skipped failures,
 * holds fewer than the batch size); {@code getIndices()} lists their record ids (a video's clips share one);
 * {@code getProgress()} and {@code getProgressTotal()} count samples of this rank's epoch, as DJL's progress bar
 * expects (unordered delivery can put progress back a step). An epoch without a batch is logged as a warning. Both arrays use
 * {@code Batchifier.STACK}, so {@code Batch.split} spreads a batch over several devices.
 *
 * <p>Copies: the arrays are made with {@link NDManager#create(java.nio.Buffer, ai.djl.ndarray.types.Shape,
 * ai.djl.ndarray.types.DataType)} over the pooled batch memory (a direct buffer). On the PyTorch engine with a CPU
 * manager that is {@code torch::from_blob}: the arrays are views of the pool, no byte is copied. With a GPU manager
 * (in {@code EasyTrain.fit} the trainer's, on the model's device, not the {@code optDevices} of its config) the
 * engine copies the batch to the device while creating the array; that copy is the upload. Other engines may copy on
 * the host.
 *
 * <p>Ownership: a DJL batch owns its pipeline batch. Closing the DJL batch (as {@code EasyTrain.fit} does after
 * each step) closes its manager, a sub-manager of the one passed to {@code getData}, which closes the arrays and
 * returns the pipeline batch's memory to the pool; the arrays must not be used after that. To keep one past the
 * step, duplicate it and attach the copy to a manager that outlives the batch ({@code NDArray kept =
 * array.duplicate(); kept.attach(longLived);}): a duplicate alone is made in the batch's manager and closes with it,
 * and a detached array is still a view of the pool's memory, which a later batch overwrites. A batch never closed is
 * closed with its parent manager (the trainer's), or when the next {@code iterator()} of this dataset starts (a step
 * that throws in {@code EasyTrain.fit} leaves its batch open: without that, a few failed steps caught by a training
 * loop would hold every pooled buffer and stall the pipeline). An epoch's stream is closed when it ends, when the iterator is closed (it
 * implements {@link AutoCloseable}), when the next epoch starts on the same pipeline, or when the pipeline closes; all of them
 * return the batches assembled and not yet handed to DJL. {@code EasyTrain.fit} closes neither its iterator nor the
 * batch of the step when a step throws, so after a failed {@code fit} start the next epoch (which returns both) or
 * close the pipeline and the trainer to get those buffers back. The pipeline belongs to the caller and stays open.
 *
 * <p>Threading: one training thread calls {@code getData} and iterates; the pipeline decodes ahead on its own
 * threads ({@code threads + prefetch} batches), so the executor DJL may pass to
 * {@link #getData(NDManager, java.util.concurrent.ExecutorService)} is not used. A DJL batch may be closed on any
 * thread. Backpressure: the iterator asks for one batch ahead of the one DJL holds, which stays within the
 * pipeline's {@code consumerHeld} (2 by default); DJL holding more open batches than that stalls the pipeline,
 * which then fails saying how many batches are held.
 *
 * <p>Epochs: the first {@code getData} iterates {@link Builder#firstEpoch(int)} (0 by default), each later one the
 * next epoch; {@link #setEpoch(int)} chooses the epoch of the next {@code getData} (replaying), {@link
 * #setEpoch(int, long)} also the position it starts at (resuming from a checkpoint). Calling
 * {@code iterator()} again on the same {@code getData} result replays that epoch. In ordered mode (the pipeline's
 * default) an epoch is a pure function of (the source's seed, epoch): same samples, same order, same clips.
 *
 * <p>Why not a {@code RandomAccessDataset}: DJL's random access reads one record by index and stacks records into a
 * batch with its own sampler and threads. Our samples are not a fixed list: a clip's start and the order are drawn
 * per (seed, epoch), {@code clipStart(ALL)} makes several samples of one video, and sharding gives each rank its
 * share; and the pipeline's speed comes from filling a whole batch in pooled memory on its own decode threads.
 * Random access by index would replace all of that with a stack copy per batch, DJL's order and an index without
 * an epoch, so the adapter streams epochs instead.
 *
 * <p>Errors: a failed sample is skipped and counted in {@code pipeline.account()}, or, with error policy fail, the
 * pipeline's {@code SampleException} comes out of the iterator's {@code hasNext()}.
 */
public final class PipelineDataset implements Dataset {
    private final Pipeline pipeline;
    private final AtomicInteger nextEpoch;
    /** Where the next {@code getData}'s epoch starts: 0, or a resumed position ({@link #setEpoch(int, long)}). */
    private final AtomicLong nextStart = new AtomicLong();
    /**
     * The DJL batches handed out and not closed yet; a new iteration closes them (a step that threw in
     * {@code EasyTrain.fit} leaves its batch open, and a few of them would hold every pooled buffer).
     */
    private final Set<Batch> open = ConcurrentHashMap.newKeySet();

    private PipelineDataset(Builder b) {
        this.pipeline = b.pipeline;
        this.nextEpoch = new AtomicInteger(b.firstEpoch);
    }

    /**
     * A builder: the pipeline is required, the first epoch is 0 unless set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The next epoch of the pipeline, streamed when its {@code iterator()} is called; each call moves on by one
     * epoch. The batches' managers are sub-managers of {@code manager}, on its device.
     *
     * @param manager the manager (usually the trainer's) whose device the arrays are created on
     * @return one epoch's batches; each {@code iterator()} is a new iteration of that epoch, closing the pipeline's
     *         older iteration, and is {@link AutoCloseable}
     */
    @Override
    public Iterable<Batch> getData(NDManager manager) {
        if (manager == null) {
            throw new IllegalArgumentException("manager required but was null");
        }
        int epoch = nextEpoch.getAndIncrement();
        long start = nextStart.getAndSet(0);
        return () -> {
            closeLeftOpen();
            return new EpochBatches(pipeline, epoch, start, manager, open);
        };
    }

    /** Closes the batches that older iterations handed out and nobody closed, returning their pooled memory. */
    private void closeLeftOpen() {
        for (Batch batch : open) {
            batch.close(); // takes itself out of the set; a second close does nothing
        }
    }

    /** Nothing to prepare: the pipeline's source has read its index already. */
    @Override
    public void prepare(Progress progress) {
        // the index was read when the source was built; samples are decoded as they are streamed
    }

    /**
     * The epoch the next {@code getData} iterates.
     *
     * @return that epoch, {@code >= 0}
     */
    public int epoch() {
        return nextEpoch.get();
    }

    /**
     * Makes the next {@code getData} iterate {@code epoch}, later ones the epochs after it.
     *
     * @param epoch the epoch of the next {@code getData}, {@code >= 0}
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public void setEpoch(int epoch) {
        setEpoch(epoch, 0);
    }

    /**
     * Makes the next {@code getData} iterate {@code epoch} from {@code startAt} (resuming a training run where its
     * checkpoint left it: {@code startAt} is the last batch's {@code Batch.nextPosition()}, saved with a
     * {@code ResumeState}; docs/sampling.md), later ones the epochs after it from their start.
     *
     * @param epoch   the epoch of the next {@code getData}, {@code >= 0}
     * @param startAt this rank's samples of that epoch already consumed, {@code >= 0}
     * @throws IllegalArgumentException if either is negative, {@code startAt} is past the epoch's end, or
     *                                  {@code startAt > 0} on an unordered pipeline (whose batches do not say that
     *                                  the samples before them came)
     */
    public void setEpoch(int epoch, long startAt) {
        pipeline.checkStart(epoch, startAt);
        nextEpoch.set(epoch);
        nextStart.set(startAt);
    }

    /**
     * The pipeline the batches come from.
     *
     * @return the pipeline, owned by the caller
     */
    public Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public String toString() {
        return "PipelineDataset[" + pipeline.source().dataset() + ", next epoch " + nextEpoch.get() + ", features "
                + pipeline.source().features() + ", labels " + pipeline.source().labels() + "]";
    }

    /** Builds a {@link PipelineDataset}; {@link #build()} checks every value. Not thread-safe. */
    public static final class Builder {
        private Pipeline pipeline;
        private int firstEpoch;

        private Builder() {}

        /**
         * The pipeline whose batches DJL trains on (required; it stays the caller's to close).
         *
         * @param pipeline the pipeline
         * @return this builder
         */
        public Builder pipeline(Pipeline pipeline) {
            this.pipeline = pipeline;
            return this;
        }

        /**
         * The epoch the first {@code getData} iterates (default 0).
         *
         * @param firstEpoch the epoch, {@code >= 0}
         * @return this builder
         */
        public Builder firstEpoch(int firstEpoch) {
            this.firstEpoch = firstEpoch;
            return this;
        }

        /**
         * The dataset.
         *
         * @return a new {@link PipelineDataset} over the pipeline
         * @throws IllegalArgumentException naming the missing pipeline or the negative first epoch
         */
        public PipelineDataset build() {
            if (pipeline == null) {
                throw new IllegalArgumentException("pipeline required but was null");
            }
            if (firstEpoch < 0) {
                throw new IllegalArgumentException("firstEpoch >= 0 required but was " + firstEpoch);
            }
            return new PipelineDataset(this);
        }
    }
}
