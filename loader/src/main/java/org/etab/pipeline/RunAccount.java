package org.etab.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.etab.source.IndexProblem;
import org.etab.source.SampleFailure;

/**
 * The account of a run: every planned sample ends delivered or failed, so after a complete run
 * {@code planned == delivered + failed}. Failures keep their reasons (the first {@value #KEPT}). The rows of the
 * selection the index rejected are counted once per pipeline, on rank 0 only (so that the ranks' accounts add up):
 * for one epoch without a limit, {@code planned + rejected} is the selection's rows.
 *
 * <p>Threading: thread-safe.
 */
public final class RunAccount {
    static final int KEPT = 10_000;

    private final AtomicLong planned = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final List<SampleFailure> failures = new ArrayList<>();
    private final List<IndexProblem> rejected;

    RunAccount() {
        this(List.of());
    }

    RunAccount(List<IndexProblem> rejected) {
        this.rejected = List.copyOf(rejected);
    }

    void planned(long n) {
        planned.addAndGet(n);
    }

    void delivered(int validFrames) {
        delivered.incrementAndGet();
        frames.addAndGet(validFrames);
    }

    void failed(SampleFailure f) {
        failed.incrementAndGet();
        synchronized (failures) {
            if (failures.size() < KEPT) {
                failures.add(f);
            }
        }
    }

    /**
     * Samples planned so far: every epoch's share of this rank, counted when the epoch is planned.
     *
     * @return the count over every epoch streamed so far
     */
    public long planned() {
        return planned.get();
    }

    /**
     * Samples delivered so far, written into a batch or sample slot (whether or not the consumer took it yet).
     *
     * @return the count over every epoch streamed so far
     */
    public long delivered() {
        return delivered.get();
    }

    /**
     * Samples that failed so far, whatever the {@link ErrorPolicy}; all are counted, even beyond the
     * 10,000 whose reasons {@link #failures()} keeps.
     *
     * @return the count over every epoch streamed so far
     */
    public long failed() {
        return failed.get();
    }

    /**
     * Rows of the selection the index rejected (never planned); counted on rank 0 only.
     *
     * @return the number of {@link #rejections()}
     */
    public long rejected() {
        return rejected.size();
    }

    /**
     * The rows of the selection the index rejected, with their reasons, in index order.
     *
     * @return an immutable list; empty on ranks other than 0
     */
    public List<IndexProblem> rejections() {
        return rejected;
    }

    /**
     * Decoded frames delivered in samples (padding excluded).
     *
     * @return the count over every epoch streamed so far
     */
    public long frames() {
        return frames.get();
    }

    /**
     * The failures so far, in the order they happened, with their reasons.
     *
     * @return an immutable snapshot of the first 10,000 failures
     */
    public List<SampleFailure> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public String toString() {
        return "planned=" + planned() + " delivered=" + delivered() + " failed=" + failed() + " rejected=" + rejected();
    }
}
