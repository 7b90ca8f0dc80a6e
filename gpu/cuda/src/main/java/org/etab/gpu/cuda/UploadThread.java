package org.etab.gpu.cuda;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A feeder's one upload thread: host batches are uploaded on it in order ({@link #scheduler()}), and a cancel can
 * wait until it has finished the batch it was on ({@link #awaitIdle}), so that a cancelling close returns with that
 * host batch back in its pool.
 *
 * <p>Threading: {@link #waitingForSlot} runs on the upload thread; {@link #awaitIdle} on the cancelling thread.
 */
final class UploadThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UploadThread.class);

    private final Scheduler scheduler = Schedulers.newSingle("etab-upload", true);
    /** 1 while the upload thread waits for a ring slot. */
    private final AtomicInteger slotWaits = new AtomicInteger();

    Scheduler scheduler() {
        return scheduler;
    }

    /** Takes a ring slot on the upload thread, marked as a wait that only the consumer's closes end. */
    <T> T waitingForSlot(Supplier<T> take) {
        slotWaits.incrementAndGet();
        try {
            return take.get();
        } finally {
            slotWaits.decrementAndGet();
        }
    }

    /**
     * Waits until the upload thread has finished the batch it was on, warning after {@code warnAfter}. Not while it
     * waits for a ring slot (only the consumer's closes end that, and the caller may be the consumer: that host batch
     * comes back when a slot does), and not on a non-blocking thread: the upload thread itself (a {@code take}
     * downstream) or one of Reactor's, which must not wait.
     */
    void awaitIdle(Duration warnAfter) {
        if (Schedulers.isInNonBlockingThread()) {
            return;
        }
        CountDownLatch idle = new CountDownLatch(1);
        try {
            scheduler.schedule(idle::countDown); // one thread, tasks in order: it runs after the current upload
        } catch (RejectedExecutionException closed) {
            return; // the feeder is closed: its upload thread is gone
        }
        long end = System.nanoTime() + warnAfter.toNanos();
        try {
            while (!idle.await(10, TimeUnit.MILLISECONDS) && slotWaits.get() == 0) {
                if (System.nanoTime() - end >= 0) {
                    LOG.warn("the upload thread was still busy {} after a cancel", warnAfter);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop, not to wait
        }
    }

    @Override
    public void close() {
        scheduler.dispose();
    }
}
