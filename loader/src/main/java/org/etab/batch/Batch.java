package org.etab.batch;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A batch of samples collated in pooled native memory: {@code features} and {@code labels} hold
 * {@link #capacity()} slots, of which the first {@link #size()} are valid (fewer than the batch size when
 * the epoch ended or samples failed and were skipped).
 *
 * <p>Ownership: the consumer owns a batch until {@link #close()}, which returns its memory to the pool;
 * the tensors must not be used after that (a {@link HostTensor} taken from it then throws
 * {@link IllegalStateException}; a pointer or view taken from the tensor is not checked). Close every batch (try-with-resources); the pool is bounded,
 * so once every buffer is in a batch not closed, the pipeline fails within {@link BatchPool#HELD_GRACE} with
 * an error that says how many are open.
 */
public final class Batch implements AutoCloseable {
    private final long index;
    private final List<SampleInfo> samples;
    private final BatchPool.Buffers buffers;
    /** The buffers' tensors as this batch hands them out: refused once it is closed. */
    private final HostTensor features;

    private final HostTensor labels;
    private final BatchPool pool;
    private final long nextPosition;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Wraps buffers acquired from {@code pool} as a batch handed to the consumer; from now on the pool counts them
     * as held by the consumer until {@link #close()}. Called by the pipeline, not by applications.
     *
     * @param index        position of the batch in its epoch, 0-based
     * @param samples      the valid samples in slot order (copied); at most the buffers' capacity
     * @param buffers      the tensors, acquired from {@code pool} by the caller, whose ownership passes to the batch
     * @param pool         where {@link #close()} returns the buffers
     * @param nextPosition the resume position after this batch ({@link #nextPosition()}), or -1 when unknown
     */
    public Batch(long index, List<SampleInfo> samples, BatchPool.Buffers buffers, BatchPool pool, long nextPosition) {
        this.index = index;
        this.samples = List.copyOf(samples);
        this.buffers = buffers;
        this.features = buffers.features().heldBy(this);
        this.labels = buffers.labels().heldBy(this);
        this.pool = pool;
        this.nextPosition = nextPosition;
        pool.handedOut(this, buffers);
    }

    /**
     * A batch without a resume position ({@link #nextPosition()} is -1).
     *
     * @param index   position of the batch in its epoch, 0-based
     * @param samples the valid samples in slot order (copied)
     * @param buffers the tensors, acquired from {@code pool}, whose ownership passes to the batch
     * @param pool    where {@link #close()} returns the buffers
     */
    public Batch(long index, List<SampleInfo> samples, BatchPool.Buffers buffers, BatchPool pool) {
        this(index, samples, buffers, pool, -1);
    }

    /**
     * Where this rank's sequence of the epoch continues after this batch (failed samples included): the
     * position to save with a checkpoint and pass to {@code Pipeline.batches(epoch, position)} to resume. Only an
     * ordered pipeline resumes (unordered, the batches before this one in the sequence may not have come yet).
     *
     * @return the 0-based position in this rank's sequence, or -1 when the batch was made without one
     */
    public long nextPosition() {
        return nextPosition;
    }

    /**
     * The epoch this batch belongs to, for a checkpoint ({@code state.at(batch.epoch(), batch.nextPosition())}) in a
     * stream over several epochs.
     *
     * @return its samples' epoch, or -1 for a batch without samples
     */
    public int epoch() {
        return samples.isEmpty() ? -1 : samples.get(0).epoch();
    }

    /**
     * Position of this batch in its epoch.
     *
     * @return the 0-based batch index
     */
    public long index() {
        return index;
    }

    /**
     * Valid samples in this batch: slots {@code 0 .. size() - 1} hold data.
     *
     * @return between 0 and {@link #capacity()}
     */
    public int size() {
        return samples.size();
    }

    /**
     * Slots allocated.
     *
     * @return the configured batch size
     */
    public int capacity() {
        return buffers.features().capacity();
    }

    /**
     * What each valid slot holds. Still readable after {@link #close()} (it is plain data, not pooled memory).
     *
     * @return an immutable list of {@link #size()} entries, in slot order
     */
    public List<SampleInfo> samples() {
        return samples;
    }

    /**
     * Inputs: {@code [capacity, ...features spec]}; slots {@code >= size()} hold stale data.
     *
     * @return the features tensor, valid until {@link #close()}, after which reading it throws
     * @throws IllegalStateException when the batch is closed
     */
    public HostTensor features() {
        requireOpen();
        return features;
    }

    /**
     * Targets: {@code [capacity, ...label spec]}; slots {@code >= size()} hold stale data.
     *
     * @return the labels tensor, valid until {@link #close()}, after which reading it throws
     * @throws IllegalStateException when the batch is closed
     */
    public HostTensor labels() {
        requireOpen();
        return labels;
    }

    /**
     * Whether {@link #close()} has run (on any thread).
     *
     * @return true once the memory is back in the pool
     */
    public boolean isClosed() {
        return closed.get();
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("batch " + index + " is closed; its memory is back in the pool");
        }
    }

    /** Returns the memory to the pool. Idempotent and thread-safe. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.release(buffers);
        }
    }

    @Override
    public String toString() {
        return "Batch[" + index + ", " + size() + "/" + capacity() + " samples, features "
                + buffers.features().spec() + ", labels " + buffers.labels().spec() + "]";
    }
}
