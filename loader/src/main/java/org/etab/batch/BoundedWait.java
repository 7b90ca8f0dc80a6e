package org.etab.batch;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A wait for a pooled resource that never hangs silently: it warns every {@code warnAfter}, fails after
 * {@code timeout}, and fails early, after {@code grace}, once its {@link Subject} says that only the consumer can end
 * the wait and keeps saying so. While the subject says the wait is {@linkplain Subject#paused() paused} (the consumer
 * busy with what it holds), none of these clocks runs: each starts again when the pause ends. For the library's stages (the batch pool, the CUDA feeder's ring), not for
 * applications.
 *
 * <p>Threading: immutable; any number of threads may wait through one instance. Each wait runs on the caller's
 * thread and calls its subject there. An interrupt ends the wait with an {@link IllegalStateException}, the
 * thread's interrupt flag set again.
 *
 * <p>Backpressure: this is where a stage's backpressure ends up: the waiting thread blocks, nothing is queued, and
 * the wait is bounded. Ownership: holds nothing; the item taken belongs to the caller.
 */
public final class BoundedWait {
    /** Polls at least this often while a grace is running, so an early failure comes within a tenth of it. */
    private static final int GRACE_STEPS = 10;
    /** A pause this many warning periods long is said (5 minutes at the pool's 30 s): a stall that looks like a step. */
    static final int PAUSE_NOTE_PERIODS = 10;

    private final String what;
    private final Duration warnAfter;
    private final Duration timeout;
    private final Duration grace;

    /** The waiting stage's side of a wait: called on the waiting thread between polls, never concurrently. */
    public interface Subject {
        /** Throws to end the wait now, e.g. once the stage has been closed. */
        void check();

        /**
         * Whether the wait is only backpressure now: the consumer is busy with the items it holds and has asked for
         * nothing more, so a long wait is its step, not a stall. The default: never paused.
         *
         * @return true while no clock of the wait should run
         */
        default boolean paused() {
            return false;
        }

        /**
         * Why only the consumer can end the wait now (every item is in its hands). Only asked when the wait has a
         * grace. The default: never stuck.
         *
         * @return the reason, for the failure message, or null while an item may still come back without the
         *     consumer
         */
        default String stuck() {
            return null;
        }

        /**
         * Logs that nothing has come back yet; called every {@code warnAfter}.
         *
         * @param waited time since the wait began
         */
        void warn(Duration waited);

        /**
         * Logs that the wait has been {@linkplain #paused() paused} for long, without failing it (a consumer's step
         * may take that long, but a stream abandoned without being cancelled looks the same); called every
         * {@value BoundedWait#PAUSE_NOTE_PERIODS} x {@code warnAfter} of one unbroken pause. The default: nothing.
         *
         * @param paused time since the pause began
         */
        default void pausedFor(Duration paused) {}

        /**
         * The error that ends the wait; {@link BoundedWait#take} throws it.
         *
         * @param waited time since the wait began
         * @param stuck  {@link #stuck()}'s reason when it held for the whole grace, null when the timeout ran out
         * @return the exception to throw, naming what is held and what to do
         */
        RuntimeException failure(Duration waited, String stuck);
    }

    /**
     * A wait with these bounds.
     *
     * @param what      the item waited for, as error messages name it ("a batch buffer")
     * @param warnAfter how often to warn; {@code 0 < warnAfter <= timeout}
     * @param timeout   how long to wait at most
     * @param grace     how long {@link Subject#stuck()} may hold before the wait fails; zero: never early
     * @throws IllegalArgumentException when {@code warnAfter} is not positive or exceeds {@code timeout}, or
     *                                  {@code grace} is negative
     */
    public BoundedWait(String what, Duration warnAfter, Duration timeout, Duration grace) {
        if (warnAfter.isNegative() || warnAfter.isZero() || timeout.compareTo(warnAfter) < 0) {
            throw new IllegalArgumentException(
                    "0 < warnAfter <= timeout required but were " + warnAfter + " and " + timeout);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace >= 0 required but was " + grace);
        }
        this.what = what;
        this.warnAfter = warnAfter;
        this.timeout = timeout;
        this.grace = grace;
    }

    /**
     * How often a wait warns.
     *
     * @return the positive warning period
     */
    public Duration warnAfter() {
        return warnAfter;
    }

    /**
     * How long a wait lasts at most.
     *
     * @return the timeout, at least {@link #warnAfter()}
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * How long the subject may say it is stuck before the wait fails early.
     *
     * @return the grace; zero when the wait never fails early
     */
    public Duration grace() {
        return grace;
    }

    /**
     * The head of {@code queue}: at once if there is one, else the first item offered within the bounds. Blocks
     * the calling thread and calls {@code subject} on it.
     *
     * @param <T>     the item type
     * @param queue   where the items come back
     * @param subject the waiting stage, asked between polls
     * @return the item, now owned by the caller
     * @throws RuntimeException      whatever {@link Subject#check()} throws, or {@link Subject#failure} after the
     *                               timeout or the grace
     * @throws IllegalStateException when the thread is interrupted (its interrupt flag set again)
     */
    public <T> T take(BlockingQueue<T> queue, Subject subject) {
        T item = queue.poll();
        if (item != null) {
            return item;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long warnNanos = warnAfter.toNanos();
        long graceNanos = grace.toNanos();
        long step = graceNanos > 0 ? Math.min(warnNanos, Math.max(1, graceNanos / GRACE_STEPS)) : warnNanos;
        long nextWarn = start + warnNanos;
        long stuckSince = 0;
        boolean stuck = false;
        long pauseNoteNanos = warnNanos * PAUSE_NOTE_PERIODS;
        long pauseStart = 0;
        long nextPauseNote = 0;
        boolean pausing = false;
        try {
            while (true) {
                long now = System.nanoTime();
                if (subject.paused()) {
                    if (!pausing) {
                        pausing = true;
                        pauseStart = now;
                        nextPauseNote = now + pauseNoteNanos;
                    } else if (now - nextPauseNote >= 0) {
                        subject.pausedFor(Duration.ofNanos(now - pauseStart));
                        nextPauseNote += pauseNoteNanos;
                    }
                    start = now;
                    deadline = now + timeout.toNanos();
                    nextWarn = now + warnNanos;
                    stuck = false;
                } else {
                    pausing = false;
                }
                String why = graceNanos > 0 ? subject.stuck() : null;
                if (why == null) {
                    stuck = false;
                } else if (!stuck) {
                    stuck = true;
                    stuckSince = now;
                } else if (now - stuckSince >= graceNanos) {
                    throw subject.failure(Duration.ofNanos(now - start), why);
                }
                if (now - deadline >= 0) {
                    throw subject.failure(Duration.ofNanos(now - start), null);
                }
                if (now - nextWarn >= 0) {
                    subject.warn(Duration.ofNanos(now - start));
                    nextWarn += warnNanos;
                }
                long wake = Math.min(deadline, Math.min(nextWarn, stuck ? stuckSince + graceNanos : now + step));
                item = queue.poll(Math.max(1, Math.min(step, wake - now)), TimeUnit.NANOSECONDS);
                if (item != null) {
                    return item;
                }
                subject.check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    @Override
    public String toString() {
        return "BoundedWait[" + what + ", warn every " + warnAfter + ", fail after " + timeout + ", grace " + grace
                + "]";
    }
}
