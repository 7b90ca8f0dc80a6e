package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedWaitTest {
    final BlockingQueue<String> queue = new ArrayBlockingQueue<>(4);

    /** Records warnings; stuck while {@code stuck} is set; closed once {@code closed} is set. */
    static final class Recorder implements BoundedWait.Subject {
        final List<Duration> warnings = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicBoolean stuck = new AtomicBoolean();
        final AtomicInteger stuckAsked = new AtomicInteger();

        @Override
        public void check() {
            if (closed.get()) {
                throw new IllegalStateException("closed");
            }
        }

        @Override
        public String stuck() {
            stuckAsked.incrementAndGet();
            return stuck.get() ? "all in the consumer's hands" : null;
        }

        @Override
        public void warn(Duration waited) {
            warnings.add(waited);
        }

        @Override
        public RuntimeException failure(Duration waited, String stuck) {
            return new IllegalStateException(stuck != null ? "stuck: " + stuck : "timed out after " + waited);
        }
    }

    final Recorder subject = new Recorder();

    static BoundedWait wait(long warnMs, long timeoutMs, long graceMs) {
        return new BoundedWait(
                "a thing", Duration.ofMillis(warnMs), Duration.ofMillis(timeoutMs), Duration.ofMillis(graceMs));
    }

    static void later(long ms, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.run();
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void anItemThereIsTakenAtOnceAndOneOfferedLaterEndsTheWait() {
        queue.add("a");
        assertThat(wait(10, 1000, 0).take(queue, subject)).isEqualTo("a");
        later(100, () -> queue.add("b"));
        assertThat(wait(20, 5000, 0).take(queue, subject)).isEqualTo("b");
        assertThat(subject.warnings).isNotEmpty();
        assertThat(subject.stuckAsked).as("no grace: stuck is never asked").hasValue(0);
    }

    @Test
    void warnsEveryWarnAfterThenFailsAtTheTimeout() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> wait(50, 300, 0).take(queue, subject)).hasMessageStartingWith("timed out after");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(300L, 3000L);
        assertThat(subject.warnings).hasSizeBetween(4, 6);
        for (int i = 1; i < subject.warnings.size(); i++) {
            assertThat(subject.warnings.get(i)).isGreaterThan(subject.warnings.get(i - 1));
        }
    }

    @Test
    void aSubjectStuckForTheWholeGraceEndsTheWaitEarlySayingWhy() {
        subject.stuck.set(true);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> wait(1000, 60_000, 200).take(queue, subject))
                .hasMessage("stuck: all in the consumer's hands");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(200L, 2000L);
    }

    @Test
    void theGraceStartsAgainWheneverTheSubjectIsNotStuck() {
        subject.stuck.set(true);
        // unstuck at 150 ms and stuck again at 250 ms: the 200 ms grace runs out at 450 ms, not at 200 ms
        later(150, () -> subject.stuck.set(false));
        later(250, () -> subject.stuck.set(true));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> wait(1000, 60_000, 200).take(queue, subject)).hasMessageStartingWith("stuck:");
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(440L);
    }

    @Test
    void anItemWithinTheGraceEndsTheWaitNormally() {
        subject.stuck.set(true);
        later(100, () -> queue.add("c"));
        assertThat(wait(1000, 60_000, 1000).take(queue, subject)).isEqualTo("c");
    }

    @Test
    void aLongPauseIsSaidEveryTenWarningPeriodsWithoutFailingOrWarning() {
        List<Duration> notes = new CopyOnWriteArrayList<>();
        AtomicBoolean paused = new AtomicBoolean(true);
        BoundedWait.Subject pausing = new BoundedWait.Subject() {
            @Override
            public void check() {}

            @Override
            public boolean paused() {
                return paused.get();
            }

            @Override
            public void pausedFor(Duration d) {
                notes.add(d);
            }

            @Override
            public void warn(Duration waited) {
                subject.warn(waited);
            }

            @Override
            public RuntimeException failure(Duration waited, String stuck) {
                return new IllegalStateException("failed");
            }
        };
        // warn every 20 ms, time out at 100 ms: a pause of 700 ms neither warns nor fails, and is said at 200, 400, 600
        later(700, () -> queue.add("x"));
        assertThat(wait(20, 100, 0).take(queue, pausing)).isEqualTo("x");
        assertThat(subject.warnings).isEmpty();
        assertThat(notes).hasSizeGreaterThanOrEqualTo(2); // more when the machine is slow to hand the item over
        for (int i = 0; i < notes.size(); i++) {
            assertThat(notes.get(i).toMillis()).isGreaterThanOrEqualTo(200L * (i + 1)); // never early
        }
    }

    @Test
    void aClosedSubjectEndsTheWait() {
        later(100, () -> subject.closed.set(true));
        assertThatThrownBy(() -> wait(20, 60_000, 0).take(queue, subject)).hasMessage("closed");
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> wait(20, 60_000, 0).take(queue, subject))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("interrupted while waiting for a thing");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void rejectsBoundsThatMakeNoSense() {
        assertThatThrownBy(() -> wait(0, 100, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0 < warnAfter <= timeout required but were PT0S and PT0.1S");
        assertThatThrownBy(() -> wait(200, 100, 0)).hasMessageContaining("0 < warnAfter <= timeout");
        assertThatThrownBy(() -> wait(10, 100, -1)).hasMessage("grace >= 0 required but was PT-0.001S");
    }
}
