package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.etab.batch.BoundedWait;
import org.junit.jupiter.api.Test;

class UploadThreadTest {
    private static final Duration WARN = Duration.ofSeconds(30);
    /** The ring's own kind of wait: polls its queue, warns every 30 s, fails after a minute. */
    private static final BoundedWait SLOT_WAIT =
            new BoundedWait("a ring slot", WARN, Duration.ofMinutes(1), Duration.ZERO);

    private static final BoundedWait.Subject SUBJECT = new BoundedWait.Subject() {
        @Override
        public void check() {}

        @Override
        public void warn(Duration waited) {}

        @Override
        public RuntimeException failure(Duration waited, String stuck) {
            return new IllegalStateException("no slot within " + waited);
        }
    };

    @Test
    void cancelReturnsOnlyOnceTheUploadInHandHasFinished() throws Exception {
        try (UploadThread t = new UploadThread()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean finished = new AtomicBoolean();
            t.scheduler().schedule(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.set(true);
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            Thread canceller = new Thread(() -> t.cancel(new Feed(), WARN));
            canceller.start();
            canceller.join(200);
            assertThat(canceller.isAlive()).as("waits for the upload in hand").isTrue();
            release.countDown();
            canceller.join(10_000);
            assertThat(canceller.isAlive()).isFalse();
            assertThat(finished).isTrue();
        }
    }

    /**
     * The race a feeder's cancel had: the upload thread waited for a ring slot that only the consumer's closes free,
     * so the cancel did not wait for it, and the host batch it held came back after the cancelling close returned.
     * Now the cancel ends that wait itself, and the interrupt that ends it is gone before the thread's next task.
     */
    @Test
    void cancelEndsItsFeedsSlotWaitAndTheInterruptDoesNotReachTheNextTask() throws Exception {
        try (UploadThread t = new UploadThread()) {
            Feed feed = new Feed();
            BlockingQueue<Object> slots = new ArrayBlockingQueue<>(1); // empty: every slot is out
            CountDownLatch inSlotWait = new CountDownLatch(1);
            AtomicReference<Throwable> ended = new AtomicReference<>();
            t.scheduler().schedule(() -> {
                try {
                    t.waitingForSlot(feed, () -> {
                        inSlotWait.countDown();
                        return SLOT_WAIT.take(slots, SUBJECT);
                    });
                } catch (RuntimeException e) {
                    ended.set(e);
                }
            });
            assertThat(inSlotWait.await(10, TimeUnit.SECONDS)).isTrue();
            Thread canceller = new Thread(() -> t.cancel(feed, WARN));
            canceller.start();
            canceller.join(10_000);
            assertThat(canceller.isAlive())
                    .as("the cancel ended the slot wait and returned")
                    .isFalse();
            assertThat(ended.get()).isInstanceOf(CancellationException.class);

            CountDownLatch next = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean(true);
            t.scheduler().schedule(() -> {
                interrupted.set(Thread.currentThread().isInterrupted());
                next.countDown();
            });
            assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(interrupted)
                    .as("the next task's thread is not interrupted")
                    .isFalse();

            // a later upload of the cancelled feed does not wait at all
            assertThat(catching(() -> t.waitingForSlot(feed, () -> SLOT_WAIT.take(slots, SUBJECT))))
                    .isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void cancelDoesNotWaitForAnotherFeedsSlotWaitNorEndIt() throws Exception {
        try (UploadThread t = new UploadThread()) {
            Feed other = new Feed();
            BlockingQueue<Object> slots = new ArrayBlockingQueue<>(1);
            CountDownLatch inSlotWait = new CountDownLatch(1);
            AtomicReference<Object> got = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            t.scheduler().schedule(() -> {
                got.set(t.waitingForSlot(other, () -> {
                    inSlotWait.countDown();
                    return SLOT_WAIT.take(slots, SUBJECT);
                }));
                done.countDown();
            });
            assertThat(inSlotWait.await(10, TimeUnit.SECONDS)).isTrue();
            Thread canceller = new Thread(() -> t.cancel(new Feed(), WARN));
            canceller.start();
            canceller.join(10_000); // only the other feed's consumer frees a slot: the caller may be it
            assertThat(canceller.isAlive()).isFalse();
            assertThat(done.getCount()).as("the other feed still waits").isEqualTo(1);
            slots.add("slot");
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(got.get()).isEqualTo("slot");
        }
    }

    @Test
    void cancelAfterCloseReturnsAtOnce() throws Exception {
        UploadThread t = new UploadThread();
        t.close();
        Thread canceller = new Thread(() -> t.cancel(new Feed(), WARN));
        canceller.start();
        canceller.join(10_000);
        assertThat(canceller.isAlive()).isFalse();
    }

    private static Throwable catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
