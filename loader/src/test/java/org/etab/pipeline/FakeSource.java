package org.etab.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.source.IndexProblem;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;

/**
 * A source with no files, for the stage tests: epoch {@code e} is {@code size} plans "e/0", "e/1", ... in order;
 * a worker writes the plan's record number into the first feature byte of its slot, or does what {@link #load} says.
 */
final class FakeSource implements SampleSource {
    /** What a worker does for one plan; may throw or block. */
    interface Load {
        SampleWorker.LoadStats load(SamplePlan plan, int slot, long deadlineNanos);
    }

    static final SampleWorker.LoadStats ONE_FRAME = new SampleWorker.LoadStats(1, 1, 0);

    private final int size;
    private final TensorSpec features;
    final List<Integer> planned = new CopyOnWriteArrayList<>();
    final List<List<SamplePlan>> prefetched = new CopyOnWriteArrayList<>();
    final List<List<SamplePlan>> forgotten = new CopyOnWriteArrayList<>();
    final AtomicInteger workersMade = new AtomicInteger();
    final AtomicInteger workersClosed = new AtomicInteger();
    volatile Load load = (plan, slot, deadline) -> ONE_FRAME;
    /** Plan ids that fail at planning time (the plan carries the reason). */
    volatile List<String> failAtPlan = List.of();
    /** Rows of the selection the index rejected. */
    volatile List<IndexProblem> rejected = List.of();

    FakeSource(int size) {
        this(size, new TensorSpec(DType.UINT8, 4));
    }

    /** A source whose samples' features are {@code features} (the first byte written as above). */
    FakeSource(int size, TensorSpec features) {
        this.size = size;
        this.features = features;
    }

    @Override
    public String dataset() {
        return "fake";
    }

    @Override
    public TensorSpec features() {
        return features;
    }

    @Override
    public TensorSpec labels() {
        return new TensorSpec(DType.FLOAT32, 1);
    }

    @Override
    public List<IndexProblem> rejected() {
        return rejected;
    }

    @Override
    public List<SamplePlan> plan(int epoch) {
        planned.add(epoch);
        List<SamplePlan> plans = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String id = epoch + "/" + i;
            plans.add(new SamplePlan(
                    i, i, id, id + ".avi", new int[] {i}, failAtPlan.contains(id) ? "listed as bad" : null));
        }
        return plans;
    }

    @Override
    public void prefetch(List<SamplePlan> plans) {
        prefetched.add(plans);
    }

    @Override
    public void forget(List<SamplePlan> plans) {
        forgotten.add(plans);
    }

    @Override
    public SampleWorker newWorker() {
        workersMade.incrementAndGet();
        return new SampleWorker() {

            @Override
            public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
                LoadStats stats = load.load(plan, slot, deadlineNanos);
                buffers.features().buffer().put((int) buffers.features().slotOffset(slot), (byte) plan.record());
                return stats;
            }

            @Override
            public void close() {
                workersClosed.incrementAndGet();
            }
        };
    }
}
