package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UploadThreadTest {
    private static final Duration WARN = Duration.ofSeconds(30);

    @Test
    void awaitIdleReturnsOnlyOnceTheUploadInHandHasFinished() throws Exception {
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
            Thread waiter = new Thread(() -> t.awaitIdle(WARN));
            waiter.start();
            waiter.join(200);
            assertThat(waiter.isAlive()).as("waits for the upload in hand").isTrue();
            release.countDown();
            waiter.join(10_000);
            assertThat(waiter.isAlive()).isFalse();
            assertThat(finished).isTrue();
        }
    }

    @Test
    void awaitIdleDoesNotWaitForAnUploadThatWaitsForARingSlot() throws Exception {
        try (UploadThread t = new UploadThread()) {
            CountDownLatch inSlotWait = new CountDownLatch(1);
            CountDownLatch slotFree = new CountDownLatch(1);
            t.scheduler()
                    .schedule(() -> t.waitingForSlot(() -> {
                        inSlotWait.countDown();
                        try {
                            return slotFree.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    }));
            assertThat(inSlotWait.await(10, TimeUnit.SECONDS)).isTrue();
            Thread waiter = new Thread(() -> t.awaitIdle(WARN));
            waiter.start();
            waiter.join(10_000); // only the consumer frees a slot: the caller may be it, so it must not wait
            assertThat(waiter.isAlive()).isFalse();
            slotFree.countDown();
        }
    }

    @Test
    void awaitIdleAfterCloseReturnsAtOnce() throws Exception {
        UploadThread t = new UploadThread();
        t.close();
        Thread waiter = new Thread(() -> t.awaitIdle(WARN));
        waiter.start();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).isFalse();
    }
}
