package org.etab.decode;

/**
 * A sample's deadline: a {@link System#nanoTime()} value, or {@link #NONE}. {@code nanoTime}'s origin is arbitrary (it
 * may be negative), so deadlines are compared by difference, and "no deadline" is tested for by value rather than
 * trusted to compare as the far future: {@code now - Long.MAX_VALUE} overflows to a positive number for any negative
 * {@code now}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class Deadline {

    /** No deadline. */
    public static final long NONE = Long.MAX_VALUE;

    private Deadline() {}

    /**
     * The deadline {@code timeoutNanos} after {@code fromNanos}.
     *
     * @param fromNanos    a {@link System#nanoTime()} value
     * @param timeoutNanos how long from then, {@code >= 0}
     * @return {@code fromNanos + timeoutNanos}, or {@link #NONE} when that sum overflows or is {@link #NONE}
     */
    public static long after(long fromNanos, long timeoutNanos) {
        long deadline = fromNanos + timeoutNanos;
        boolean overflowed = ((fromNanos ^ deadline) & (timeoutNanos ^ deadline)) < 0;
        return overflowed ? NONE : deadline;
    }

    /**
     * Whether {@code deadlineNanos} has passed now.
     *
     * @param deadlineNanos a deadline from {@link #after}, or {@link #NONE}
     * @return true once {@link System#nanoTime()} is past it; never for {@link #NONE}
     */
    public static boolean passed(long deadlineNanos) {
        return passed(System.nanoTime(), deadlineNanos);
    }

    static boolean passed(long nowNanos, long deadlineNanos) {
        return deadlineNanos != NONE && nowNanos - deadlineNanos > 0;
    }
}
