package org.etab.gpu.cuda;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A feeder's one upload thread: host batches are uploaded on it in order ({@link #scheduler()}), and a cancel of one
 * subscription to the feeder's stream ({@link Feed}) ends that subscription's wait for a ring slot and waits until
 * the thread has finished the batch it was on ({@link #cancel}), so that a cancelling close returns with that host
 * batch back in its pool.
 *
 * <p>Threading: {@link #waitingForSlot} runs on the upload thread; {@link #cancel} on the cancelling thread. A slot
 * wait is ended by interrupting the upload thread, only while that wait is the cancelled feed's (both under this
 * object's lock), and the interrupt is cleared before the thread goes on to another task.
 */
final class UploadThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UploadThread.class);

    private final Scheduler scheduler = Schedulers.newSingle("etab-upload", true);
    /** The feed whose upload waits for a ring slot now, and the thread waiting; both null when none. */
    private Feed waiting; // guarded by this

    private Thread waiter; // guarded by this

    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Takes a ring slot on the upload thread for {@code feed}: a wait that only the consumer's closes or the feed's
     * cancel end.
     *
     * @throws CancellationException when the feed is (or gets) cancelled before a slot comes
     */
    <T> T waitingForSlot(Feed feed, Supplier<T> take) {
        synchronized (this) {
            if (feed.isCancelled()) {
                throw new CancellationException("the feed was cancelled");
            }
            waiting = feed;
            waiter = Thread.currentThread();
        }
        try {
            return take.get();
        } catch (IllegalStateException e) {
            synchronized (this) {
                if (feed.isCancelled() && e.getCause() instanceof InterruptedException) {
                    throw new CancellationException("the feed was cancelled while its upload waited for a ring slot");
                }
            }
            throw e;
        } finally {
            synchronized (this) {
                waiting = null;
                waiter = null;
                if (feed.isCancelled()) {
                    Thread.interrupted(); // the cancel's interrupt, if it came, is not for the thread's next task
                }
            }
        }
    }

    /**
     * Cancels {@code feed}: ends its upload's wait for a ring slot (that host batch is then closed), and waits until
     * the upload thread has finished the batch it was on, warning after {@code warnAfter}. Does not wait while the
     * thread waits for another feed's slot (only that feed's consumer ends it), nor on a non-blocking thread: the
     * upload thread itself (a {@code take} downstream) or one of Reactor's, which must not wait.
     */
    void cancel(Feed feed, Duration warnAfter) {
        synchronized (this) {
            feed.cancel();
            if (waiting == feed) {
                waiter.interrupt();
            }
        }
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
            while (!idle.await(10, TimeUnit.MILLISECONDS) && !waitsForAnother(feed)) {
                if (System.nanoTime() - end >= 0) {
                    LOG.warn("the upload thread was still busy {} after a cancel", warnAfter);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop, not to wait
        }
    }

    /** Whether an upload waits for a ring slot now. */
    synchronized boolean waitsForSlot() {
        return waiting != null;
    }

    private synchronized boolean waitsForAnother(Feed feed) {
        return waiting != null && waiting != feed;
    }

    @Override
    public void close() {
        scheduler.dispose();
    }
}
