package org.etab.batch;

/**
 * One sample in its own pooled slot: the element of {@code Flux<Sample>}. It is a batch of one, so it
 * converts and uploads the same way as a {@link Batch}.
 *
 * <p>Ownership: the consumer closes it; closing returns its memory to the pool.
 */
public final class Sample implements AutoCloseable {
    private final Batch batch;

    /**
     * Views a batch of one as a sample; the sample takes over the batch (closing either closes both).
     *
     * @param batch an open batch of exactly one valid sample
     * @throws IllegalArgumentException when the batch holds another number of samples
     */
    public Sample(Batch batch) {
        if (batch.size() != 1) {
            throw new IllegalArgumentException("a sample is a batch of exactly one but had " + batch.size());
        }
        this.batch = batch;
    }

    /**
     * What this sample is: record, frames, place in the epoch. Readable after {@link #close()}.
     *
     * @return the batch's only {@link SampleInfo}
     */
    public SampleInfo info() {
        return batch.samples().get(0);
    }

    /**
     * The sample id.
     *
     * @return {@code info().id()}
     */
    public String id() {
        return info().id();
    }

    /**
     * The input tensor: one slot of the features spec.
     *
     * @return the tensor, valid until {@link #close()}
     * @throws IllegalStateException when the sample is closed
     */
    public HostTensor features() {
        return batch.features();
    }

    /**
     * The target tensor: one slot of the label spec.
     *
     * @return the tensor, valid until {@link #close()}
     * @throws IllegalStateException when the sample is closed
     */
    public HostTensor labels() {
        return batch.labels();
    }

    /**
     * The same sample as a batch of one (shares the memory; closing either closes both).
     *
     * @return the batch this sample wraps
     */
    public Batch asBatch() {
        return batch;
    }

    /** Returns the memory to the pool. Idempotent and thread-safe. */
    @Override
    public void close() {
        batch.close();
    }

    @Override
    public String toString() {
        return "Sample[" + id() + "]";
    }
}
