package org.etab.pipeline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A close that runs once: the first caller closes; a later one, on another thread, returns only once that close has
 * finished, so that it may then free what the closed object used. A later caller that the first close itself waits
 * for (a decode thread, or the closing thread in a hook of its own close) returns at once: waiting would deadlock.
 *
 * <p>Threading: thread-safe. A waiting caller goes on waiting through interrupts, as the first close does, and keeps
 * them.
 */
final class OnceClose {
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread closer;

    /** {@return whether the close has begun} */
    boolean isClosed() {
        return begun.get();
    }

    /**
     * Begins the close.
     *
     * @param mustNotWait true on a thread the first close waits for
     * @return true for the first caller, which must then call {@link #finished()} (on every path); false for a later
     *     one, once the first has finished (at once with {@code mustNotWait}, or on the first caller's thread)
     */
    boolean begin(boolean mustNotWait) {
        if (begun.compareAndSet(false, true)) {
            closer = Thread.currentThread();
            return true;
        }
        if (!mustNotWait && closer != Thread.currentThread()) {
            awaitFinished();
        }
        return false;
    }

    /** The first caller's close is done: later callers go on. */
    void finished() {
        finished.countDown();
    }

    private void awaitFinished() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    finished.await();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
