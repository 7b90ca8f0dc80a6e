package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Deadlines compare by difference, whatever {@code nanoTime}'s origin, and "none" never passes. */
class DeadlineTest {

    @Test
    void noDeadlineNeverPassesEvenWhereNanoTimeIsNegative() {
        for (long now : new long[] {Long.MIN_VALUE, -1_000_000_000L, -1, 0, 1, Long.MAX_VALUE - 1}) {
            assertThat(Deadline.passed(now, Deadline.NONE)).as("now %d", now).isFalse();
        }
        // what the plain difference said for a negative clock: "passed" (overflow)
        long now = -5;
        assertThat(now - Deadline.NONE > 0).isTrue();
    }

    @Test
    void aDeadlinePassesOnceTheClockIsBeyondItAcrossAnyOrigin() {
        for (long origin : new long[] {-4_000_000_000_000_000_000L, -1, 0, 4_000_000_000_000_000_000L}) {
            long deadline = Deadline.after(origin, 1_000);
            assertThat(Deadline.passed(origin, deadline)).isFalse();
            assertThat(Deadline.passed(origin + 1_000, deadline)).isFalse();
            assertThat(Deadline.passed(origin + 1_001, deadline)).isTrue();
        }
    }

    @Test
    void aTimeoutBeyondTheClocksRangeIsNoDeadline() {
        assertThat(Deadline.after(Long.MAX_VALUE - 10, 100)).isEqualTo(Deadline.NONE);
        assertThat(Deadline.after(1, Long.MAX_VALUE)).isEqualTo(Deadline.NONE);
        assertThat(Deadline.after(-10, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(Deadline.passed(System.nanoTime(), Deadline.after(System.nanoTime(), Long.MAX_VALUE)))
                .isFalse();
        assertThat(Deadline.passed(Deadline.after(System.nanoTime(), 0) - 1)).isTrue();
    }
}
