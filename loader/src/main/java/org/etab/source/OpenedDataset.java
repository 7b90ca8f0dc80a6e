package org.etab.source;

import java.util.List;
import java.util.Objects;

/**
 * A dataset opened for a run: its source, what its index left out, and what it holds open.
 *
 * <p>Ownership: the caller closes it after the run; closing releases what the dataset holds open (a remote
 * store, a local copy of its index) and is a no-op for local datasets.
 *
 * @param source    the samples, ready for a pipeline
 * @param problems  what the index left out, with reasons (whole files and other splits included; for display)
 * @param records   records selected
 * @param resources released by {@link #close()}
 */
public record OpenedDataset(SampleSource source, List<IndexProblem> problems, int records, AutoCloseable resources)
        implements AutoCloseable {
    /**
     * An opened dataset.
     *
     * @param source    the samples, not null
     * @param problems  what the index left out (copied)
     * @param records   records selected
     * @param resources released by {@link #close()}, not null
     * @throws NullPointerException when {@code source}, {@code problems} or {@code resources} is null
     */
    public OpenedDataset {
        Objects.requireNonNull(source, "source");
        problems = List.copyOf(problems);
        Objects.requireNonNull(resources, "resources");
    }

    /**
     * A local dataset: nothing to release.
     *
     * @param source   the samples, not null
     * @param problems what the index left out (copied)
     * @param records  records selected
     */
    public OpenedDataset(SampleSource source, List<IndexProblem> problems, int records) {
        this(source, problems, records, () -> {});
    }

    /**
     * The rows of the selection the index rejected: {@link SampleSource#rejected()} of {@link #source()}, unlike
     * {@link #problems()}, which covers whole files and other splits too.
     *
     * @return the rejected rows of this selection
     */
    public List<IndexProblem> rejected() {
        return source.rejected();
    }

    /**
     * Releases the resources; call once the run is over (the source must not be used after).
     *
     * @throws IllegalStateException wrapping what closing the resources threw
     */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the dataset: " + e.getMessage(), e);
        }
    }
}
