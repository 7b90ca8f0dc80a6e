package org.etab.gpu.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.etab.batch.Batch;

/**
 * One subscription to a feeder's stream: whether it was cancelled, and the host batches handed to the upload thread
 * and not yet taken by an upload. On a cancel those are closed here ({@link #closeQueued()}): the upload thread's queue
 * ({@code publishOn}) discards what it holds only from its drain task, and a drain task that was scheduled but had
 * not started when the cancel disposed it never runs (reactor-core #4396, open in 3.8.7), so its batches would stay
 * out of the pool for good.
 *
 * <p>Threading: thread-safe; batches are handed off on the pipeline's threads, taken on the upload thread, and the
 * cancel runs on the cancelling thread.
 *
 * <p>Ownership: a batch handed off belongs to the upload thread's queue; {@link #take} passes it to the upload;
 * after {@link #cancel()} the batches still here are closed, and a later {@link #take} of one of them says so.
 */
final class Feed {
    private final Set<Batch> queued = Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by this
    private boolean cancelled; // guarded by this

    /** A host batch goes to the upload thread's queue (unless cancelled: that queue then discards it itself). */
    synchronized void handOff(Batch host) {
        if (!cancelled) {
            queued.add(host);
        }
    }

    /** The upload thread takes {@code host} out of the queue: false when the cancel has already closed it. */
    synchronized boolean take(Batch host) {
        return queued.remove(host) || !cancelled;
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Marks the feed cancelled; the batches still queued stay until {@link #closeQueued()}. */
    synchronized void cancel() {
        cancelled = true;
    }

    /** Closes the host batches handed off and never taken (call once the upload thread is done with the feed). */
    void closeQueued() {
        List<Batch> left;
        synchronized (this) {
            cancelled = true;
            left = new ArrayList<>(queued);
            queued.clear();
        }
        left.forEach(Batch::close);
    }
}
