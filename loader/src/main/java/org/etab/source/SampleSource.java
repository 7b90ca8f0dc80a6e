package org.etab.source;

import java.util.List;
import org.etab.batch.TensorSpec;

/**
 * A dataset as the pipeline sees it: declared tensor shapes, an epoch's plan, and workers that write one
 * sample into a batch slot. A new dataset is one of these, not edits across the pipeline.
 *
 * <p>Threading: {@link #plan} may be called from any thread; each {@link SampleWorker} is used by one thread
 * at a time.
 */
public interface SampleSource {

    /**
     * Dataset name for metrics and reports.
     *
     * @return the registry name ("echonet")
     */
    String dataset();

    /**
     * One sample's input tensor, fixed before any data moves so that the pool allocates once.
     *
     * @return the features spec
     */
    TensorSpec features();

    /**
     * One sample's target tensor.
     *
     * @return the labels spec
     */
    TensorSpec labels();

    /**
     * The samples of one epoch, in delivery order. A pure function of the epoch (and the source's seed), without
     * I/O, so that every rank and every resume computes the same order.
     *
     * @param epoch the epoch, 0-based
     * @return the plans, their positions numbered in order
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    List<SamplePlan> plan(int epoch);

    /**
     * A fingerprint of an epoch's order, to save with a resume position ({@code ResumeState.withOrder}) and check
     * when resuming ({@code ResumeState.requireSameOrder}): another shuffle, other clip starts or another selection
     * give another one. The first 8 bytes of a SHA-256 over every plan's id and frames, in order; never 0 (which a
     * state reads as "none"). It plans the whole epoch: compute it once per epoch, not per batch.
     *
     * @param epoch the epoch, 0-based
     * @return the fingerprint of {@link #plan(int) plan(epoch)}
     */
    default long orderFingerprint(int epoch) {
        return PlanFingerprint.of(plan(epoch));
    }

    /**
     * Called when a batch is scheduled, before any worker runs it, so that a source whose reads have latency
     * (remote storage) can start them early; {@link #forget} follows with the same plans once the batch is done
     * or abandoned. Thread-safe. The default does nothing.
     *
     * @param plans the batch's samples
     */
    default void prefetch(List<SamplePlan> plans) {}

    /**
     * Drops whatever {@link #prefetch} started for these plans and no worker took. Thread-safe. The default does
     * nothing.
     *
     * @param plans the plans given to {@link #prefetch}
     */
    default void forget(List<SamplePlan> plans) {}

    /**
     * The rows of this selection the index could not use, each with its id, file and reason: they are never
     * planned, so a run's account is {@code planned + rejected = rows selected} (one epoch, one rank, no limit).
     * The default is none.
     *
     * @return the rejected rows, immutable
     */
    default List<IndexProblem> rejected() {
        return List.of();
    }

    /**
     * A worker with its own decoder and scratch memory; the pipeline makes them as its decode threads need them,
     * reuses them, and closes them when it closes.
     *
     * @return a new worker, owned (and closed) by the caller
     */
    SampleWorker newWorker();
}
