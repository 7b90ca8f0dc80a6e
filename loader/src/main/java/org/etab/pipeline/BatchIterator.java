package org.etab.pipeline;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * One iteration over a pipeline's stream on the calling thread, the way a training loop consumes an epoch; closing
 * it cancels the stream and returns every batch it holds to the pool, on every path:
 *
 * <pre>{@code
 * try (BatchIterator<Batch> it = pipeline.iterate(epoch)) {
 *     while (it.hasNext()) {
 *         try (Batch b = it.next()) {
 *             train(b);
 *         }
 *     }
 * }
 * }</pre>
 *
 * or as a {@link Stream} ({@code try (Stream<Batch> s = pipeline.iterate(epoch).stream()) {...}}). A pipeline has
 * one open iteration at a time: starting a new one ({@link Pipeline#iterate}, or the {@code iterator()} of
 * {@link Pipeline#consume}) closes the older one first, so a plain {@code for} loop that {@code break}s leaks
 * nothing past the next epoch's start. The older iteration then throws {@link IllegalStateException} if used.
 *
 * <p>Threading: {@link #hasNext()} and {@link #next()} are called by one consumer thread; items arrive on the
 * pipeline's decode threads. {@link #close()} may be called from any thread; it wakes a consumer blocked in
 * {@link #hasNext()}.
 *
 * <p>Backpressure: at most {@code prefetch} items are requested ahead of the consumer (one more as each is taken);
 * the pipeline assembles at most {@code batchesAhead} batches ahead on its own. Each {@link #hasNext()} that
 * blocks records its wait as the consumer's stall ({@code etab.consumer.wait}).
 *
 * <p>Ownership: an item returned by {@link #next()} belongs to the caller. Items delivered and not taken are
 * closed (when {@link AutoCloseable}) by {@link #close()}, and one arriving after it is closed on arrival. Unless
 * called on a decode thread or on an interrupted one (asked to stop, not to wait), {@link #close()} returns once the
 * batch tasks of the cancelled stream have ended (they stop between samples), so their buffers are back in the pool;
 * otherwise they come back as those tasks end. The iteration closes itself when the stream
 * completes or fails, waiting the same way (a {@code take} of the caller's completes the stream by cancelling the
 * pipeline's, whose tasks may still run); a stream error is thrown by {@link #hasNext()} once the items before it
 * were taken.
 *
 * @param <T> the items: {@code Batch}, {@code Sample}, or what a stage after the pipeline makes of them
 */
public final class BatchIterator<T> implements Iterator<T>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchIterator.class);

    private static final Object COMPLETE = new Object();
    private static final Object CLOSED = new Object();

    private final int prefetch;
    private final LongConsumer waited;
    private final Owner owner;
    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final List<Undelivered> streams = new CopyOnWriteArrayList<>();
    private volatile Subscription subscription;
    private volatile String closedBecause;
    private T next; // taken from the queue by hasNext(), not yet by next(); guarded by this
    /** Open until the first close (or the end) has closed the items nobody took; a later close waits for it. */
    private final CountDownLatch closeDone = new CountDownLatch(1);
    /** The thread of the first close or the end: a later close on it must not wait for itself. */
    private volatile Thread closer;

    private boolean done;

    /** What an iteration needs from its pipeline. */
    interface Owner {
        /** True on a decode thread, which must not wait for batch tasks. */
        boolean onDecodeThread();

        /** The iteration closed or ended: it is no longer the pipeline's open one. */
        void ended(BatchIterator<?> it);

        /**
         * How long closing waits for a cancelled stream's batch tasks (each ends after its current sample) before it
         * warns and lets their buffers come back when they end: longer than one sample may take, short of a hang.
         */
        Duration settleLimit();
    }

    BatchIterator(int prefetch, LongConsumer waited, Owner owner) {
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch >= 1 required but was " + prefetch);
        }
        this.prefetch = prefetch;
        this.waited = waited;
        this.owner = owner;
    }

    /** Starts the iteration: subscribes and requests {@code prefetch} items. */
    void subscribe(Flux<T> stream) {
        stream.subscribe(new Receiver());
    }

    /**
     * Waits for the next item (true) or the stream's end (false). Call it on the consumer thread.
     *
     * @return true when {@link #next()} has an item; false once the stream has completed
     * @throws IllegalStateException if this iteration was closed (by the caller, by a newer iteration on the same
     *                               pipeline, or by closing the pipeline), or interrupted while waiting
     * @throws RuntimeException      the stream's error, once the items before it were taken (an {@link Error} as
     *                               itself)
     */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        requireOpen();
        long t0 = System.nanoTime();
        Object signal;
        try {
            signal = signals.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for the next item; the iteration is closed", e);
        }
        waited.accept(System.nanoTime() - t0);
        if (signal == CLOSED) {
            signals.offer(CLOSED); // for a later call
            requireOpen();
            return false;
        }
        if (signal == COMPLETE) {
            done = true;
            end();
            return false;
        }
        if (signal instanceof Failure f) {
            done = true;
            close();
            if (f.error() instanceof Error e) {
                throw e; // as itself: Reactor's propagate would wrap an AssertionError
            }
            throw Exceptions.propagate(f.error());
        }
        @SuppressWarnings("unchecked")
        T item = (T) signal;
        synchronized (this) {
            if (closedBecause == null) {
                next = item;
                return true;
            }
        }
        discard(item); // closed from another thread while this one waited
        requireOpen();
        return false;
    }

    /**
     * The next item, which the caller then owns (closes); waits for it as {@link #hasNext()} does, and requests one
     * more from the stream.
     *
     * @return the item, not null
     * @throws NoSuchElementException when the stream has ended
     * @throws IllegalStateException  as {@link #hasNext()}: this iteration was closed, or the wait interrupted
     * @throws RuntimeException       the stream's error, once the items before it were taken
     */
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        T item;
        synchronized (this) {
            item = next;
            next = null;
        }
        if (item == null) {
            requireOpen(); // closed from another thread since hasNext()
            throw new NoSuchElementException("the stream has ended");
        }
        Subscription s = subscription;
        if (s != null) {
            s.request(1);
        }
        return item;
    }

    /**
     * The rest of this iteration as a sequential stream whose {@code close()} closes this iteration. It never splits:
     * made {@code parallel()}, it still takes one item at a time on the calling thread.
     *
     * @return an ordered stream of non-null items, each owned by the caller once the stream passes it on; use it
     *         in try-with-resources
     */
    public Stream<T> stream() {
        return StreamSupport.stream(new OneAtATime(), false).onClose(this::close);
    }

    /**
     * An iterable over iterations that {@code open} starts: each {@code iterator()} is a new one, and so is each
     * {@code spliterator()}, which never splits ({@link #stream()}), unlike {@link Iterable}'s default.
     */
    static <T> Iterable<T> iterable(Supplier<BatchIterator<T>> open) {
        return new Iterable<>() {
            @Override
            public Iterator<T> iterator() {
                return open.get();
            }

            @Override
            public Spliterator<T> spliterator() {
                return open.get().stream().spliterator();
            }
        };
    }

    /**
     * This iteration as a spliterator that does not split: a parallel stream splits an iterator's items into arrays
     * of 1024 and more for other threads, which would take every pooled buffer out at once (the pool then failed
     * within seconds, blaming batches the stream's own body closed), and call {@link #next()} off the consumer thread.
     */
    private final class OneAtATime extends Spliterators.AbstractSpliterator<T> {
        OneAtATime() {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        }

        @Override
        public boolean tryAdvance(Consumer<? super T> action) {
            if (!hasNext()) {
                return false;
            }
            action.accept(next());
            return true;
        }

        @Override
        public Spliterator<T> trySplit() {
            return null;
        }
    }

    /**
     * Whether this iteration is over.
     *
     * @return true once closed (by the caller, a newer iteration or the pipeline) or once the stream has ended
     */
    public boolean isClosed() {
        return closedBecause != null;
    }

    /**
     * Cancels the stream, closes every item delivered and not taken, and waits (off the decode threads) until the
     * stream's batch tasks have ended. Idempotent; a later call on another thread waits as the first does, for the
     * items nobody took to be closed and for the tasks.
     */
    @Override
    public void close() {
        close("it was closed");
    }

    /** Closes this iteration, saying why in the exception a later use throws. */
    void close(String because) {
        T held = null;
        boolean first;
        synchronized (this) {
            first = closedBecause == null;
            if (first) {
                closedBecause = because;
                closer = Thread.currentThread();
                held = next;
                next = null;
            }
        }
        if (!first) {
            // closed already, maybe by another thread (a watchdog, the pipeline) that still waits: this close too
            // returns once the tasks have ended
            if (!owner.onDecodeThread() && closer != Thread.currentThread()) {
                // and once the first has closed the items nobody took (it may still be cancelling)
                try {
                    closeDone.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // asked to stop, not to wait
                    return;
                }
                awaitTasks();
            }
            return;
        }
        try {
            owner.ended(this);
            Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            discard(held);
            Object signal;
            while ((signal = signals.poll()) != null) {
                discard(signal);
            }
            signals.offer(CLOSED);
        } finally {
            closeDone.countDown();
        }
        if (!owner.onDecodeThread()) {
            awaitTasks();
        }
    }

    /**
     * The stream completed: nothing to cancel. An operator of the caller's between the pipeline and this iteration
     * ({@code take}, {@code timeout}'s fallback, ...) may have completed it by cancelling the pipeline's stream, whose
     * batch tasks then still run; they are waited for (off the decode threads) as {@link #close()} waits, so that the
     * buffers are back in the pool when the loop ends.
     */
    private void end() {
        synchronized (this) {
            if (closedBecause == null) {
                closedBecause = "it has ended";
                closer = Thread.currentThread();
                closeDone.countDown(); // nothing left to close: the stream delivered everything and completed
            }
        }
        owner.ended(this);
        if (!owner.onDecodeThread()) {
            awaitTasks();
        }
    }

    private void awaitTasks() {
        try {
            for (Undelivered stream : streams) {
                if (!stream.awaitTasks(owner.settleLimit())) {
                    LOG.warn(
                            "{} batch tasks of a cancelled stream still run after {}; their buffers return to the "
                                    + "pool when they end",
                            stream.tasks(),
                            owner.settleLimit());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireOpen() {
        String because = closedBecause;
        if (because != null && !done) {
            throw new IllegalStateException("this iteration is closed: " + because);
        }
    }

    private static void discard(Object item) {
        if (item instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing an item nobody took failed", e);
            }
        }
    }

    private record Failure(Throwable error) {}

    /** Receives the stream; its context lets the pipeline's streams register for {@link #awaitTasks()}. */
    private final class Receiver implements CoreSubscriber<T> {
        private final Context context = Context.of(Undelivered.Watcher.class, (Undelivered.Watcher) streams::add);

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            if (closedBecause != null) {
                s.cancel();
            } else {
                s.request(prefetch);
            }
        }

        @Override
        public void onNext(T item) {
            arrive(item);
        }

        @Override
        public void onError(Throwable e) {
            arrive(new Failure(e));
        }

        @Override
        public void onComplete() {
            arrive(COMPLETE);
        }

        private void arrive(Object signal) {
            if (closedBecause != null) {
                discard(signal);
                return;
            }
            signals.offer(signal);
            // close() may have drained the queue between the check and the offer
            if (closedBecause != null && signals.remove(signal)) {
                discard(signal);
            }
        }
    }
}
