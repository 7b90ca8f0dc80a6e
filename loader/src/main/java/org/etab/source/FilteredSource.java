package org.etab.source;

import java.util.List;
import java.util.Set;
import org.etab.batch.TensorSpec;

/** A source restricted to some sample ids (e.g. one sample for a plot), same shapes and order otherwise. */
public final class FilteredSource implements SampleSource {
    private final SampleSource source;
    private final Set<String> ids;

    /**
     * Restricts {@code source}'s plans and rejected rows to {@code ids}; the positions in the plans stay those of
     * the full epoch.
     *
     * @param source the source to filter; its workers are used as they are
     * @param ids    the sample ids to keep (copied); ids the source does not have select nothing
     */
    public FilteredSource(SampleSource source, Set<String> ids) {
        this.source = source;
        this.ids = Set.copyOf(ids);
    }

    @Override
    public String dataset() {
        return source.dataset();
    }

    @Override
    public TensorSpec features() {
        return source.features();
    }

    @Override
    public TensorSpec labels() {
        return source.labels();
    }

    @Override
    public List<SamplePlan> plan(int epoch) {
        return source.plan(epoch).stream().filter(p -> ids.contains(p.id())).toList();
    }

    @Override
    public List<IndexProblem> rejected() {
        return source.rejected().stream().filter(p -> ids.contains(p.id())).toList();
    }

    @Override
    public void prefetch(List<SamplePlan> plans) {
        source.prefetch(plans);
    }

    @Override
    public void forget(List<SamplePlan> plans) {
        source.forget(plans);
    }

    @Override
    public SampleWorker newWorker() {
        return source.newWorker();
    }
}
