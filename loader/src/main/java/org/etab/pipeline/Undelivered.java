package org.etab.pipeline;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.etab.batch.Batch;

/**
 * The batches of one stream subscription that were assembled but not yet passed downstream, and the batch tasks
 * still running for it. When the stream ends early (cancel, error) the batches are closed here: Reactor's discard
 * hooks do not reach every value an operator holds at cancellation, and a value emitted while a cancel is in flight
 * may be dropped.
 *
 * <p>Threading: thread-safe; batches are added on decode threads, removed on the delivering thread, and
 * {@link #closeAll()} runs on whichever thread ends the stream.
 *
 * <p>Backpressure: holds at most the stream's {@code batchesAhead} batches (what the assembly may have made ahead
 * of delivery); it bounds nothing itself.
 *
 * <p>Ownership: a batch added here belongs to the stream until {@link #remove} hands it downstream; after
 * {@link #closeAll()} it is closed, and {@link #add} refuses later batches so that their maker closes them.
 */
final class Undelivered {
    private final Set<Batch> batches = new HashSet<>();
    private final PipelineMetrics metrics; // its ready gauge is this set's size, summed over streams
    private boolean ended;
    private int tasks;

    Undelivered(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    /** False when the stream has already ended: the caller must close the batch itself. */
    synchronized boolean add(Batch b) {
        if (ended) {
            return false;
        }
        batches.add(b);
        metrics.batchReady();
        return true;
    }

    /** The batch goes downstream: no longer this set's to close. */
    synchronized void remove(Batch b) {
        if (batches.remove(b)) {
            metrics.batchTaken();
        }
    }

    /** Ends the stream: closes every batch still here and refuses later ones. Idempotent. */
    synchronized void closeAll() {
        ended = true;
        metrics.batchesTaken(batches.size());
        batches.forEach(Batch::close);
        batches.clear();
    }

    /** A batch task of this stream was handed to the decode pool. */
    synchronized void taskStarted() {
        tasks++;
    }

    /** A batch task of this stream ended, its buffer handed off or returned. */
    synchronized void taskEnded() {
        tasks--;
        if (tasks == 0) {
            notifyAll();
        }
    }

    /** Batch tasks handed to the decode pool and not yet ended. */
    synchronized int tasks() {
        return tasks;
    }

    /**
     * Waits until no batch task of this stream runs any more, so that every buffer it took is back in the pool.
     * Tasks of a cancelled stream stop between samples, so this takes at most about one sample's time.
     *
     * @return false if tasks were still running after {@code limit}
     */
    synchronized boolean awaitTasks(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (tasks > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Where a subscriber that wants to await a stream's tasks registers in the subscriber's context. */
    interface Watcher {
        void watch(Undelivered stream);
    }
}
