package org.etab.batch;

/**
 * One sample in its own pooled slot: the element of {@code Flux<Sample>}. It is a batch of one, so it
 * converts and uploads the same way as a {@link Batch}.
 *
 * <p>Ownership: the consumer closes it; closing returns its memory to the pool.
 */
public final class Sample implements AutoCloseable {
    private final Batch batch;

    public Sample(Batch batch) {
        if (batch.size() != 1) {
            throw new IllegalArgumentException("a sample is a batch of exactly one but had " + batch.size());
        }
        this.batch = batch;
    }

    public SampleInfo info() {
        return batch.samples().get(0);
    }

    public String id() {
        return info().id();
    }

    /** The input tensor: one slot of the features spec. */
    public HostTensor features() {
        return batch.features();
    }

    /** The target tensor: one slot of the label spec. */
    public HostTensor labels() {
        return batch.labels();
    }

    /** The same sample as a batch of one (shares the memory; closing either closes both). */
    public Batch asBatch() {
        return batch;
    }

    @Override
    public void close() {
        batch.close();
    }

    @Override
    public String toString() {
        return "Sample[" + id() + "]";
    }
}
