package org.etab.gpu;

import java.util.function.LongConsumer;

import org.etab.batch.Batch;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * A pull cursor over one {@code Flux<Batch>}: the calling thread asks for one batch at a time and blocks until
 * it arrives; {@link #close()} cancels the stream and closes whatever was delivered but not taken.
 *
 * <p>Why not {@code Flux.toIterable} (or {@code Pipeline.consume}, which wraps it): that iterator cannot be
 * cancelled, and on cancel its queue is not discarded, so an epoch abandoned half-way (a {@code reset()}) would
 * keep pooled batches forever and stall the bounded pool.
 *
 * <p>Threading: {@link #advance()}, {@link #take()} and {@link #close()} are called by one consumer thread;
 * batches arrive on the pipeline's decode threads. Backpressure: exactly one batch is requested at a time (the
 * pipeline assembles {@code threads + prefetch} ahead on its own, whatever the demand). Ownership: a batch
 * returned by {@link #take()} belongs to the caller; one delivered and not taken is closed by {@link #close()},
 * one arriving after it is closed on arrival. Errors: a stream error is rethrown by {@link #advance()} once the
 * batches delivered before it were taken.
 */
final class BatchCursor implements CoreSubscriber<Batch>, AutoCloseable {
    private final Flux<Batch> stream;
    private final LongConsumer waited;
    private Subscription subscription;
    private boolean subscribed;
    private boolean requested;
    private Batch ready;
    private boolean done;
    private Throwable error;
    private boolean cancelled;

    /**
     * @param stream the batches, subscribed on the first {@link #advance()}
     * @param waited called with the nanoseconds each {@link #advance()} blocked (the consumer's stall)
     */
    BatchCursor(Flux<Batch> stream, LongConsumer waited) {
        this.stream = stream;
        this.waited = waited;
    }

    /**
     * Waits until a batch is ready (true) or the stream ended (false).
     *
     * @throws RuntimeException the stream's error, once the batches before it were taken
     */
    boolean advance() {
        boolean subscribe;
        synchronized (this) {
            if (cancelled) {
                throw new IllegalStateException("cursor is closed");
            }
            subscribe = !subscribed;
            subscribed = true;
        }
        if (subscribe) {
            stream.subscribe(this); // onSubscribe may run on this thread, before subscribe returns
        }
        long t0 = System.nanoTime();
        Subscription toRequest = null;
        synchronized (this) {
            if (ready == null && !done && !requested) {
                requested = true;
                toRequest = subscription;
            }
        }
        if (toRequest != null) {
            toRequest.request(1);
        }
        try {
            synchronized (this) {
                while (ready == null && !done) {
                    wait();
                }
                if (ready != null) {
                    return true;
                }
                if (error instanceof RuntimeException e) {
                    throw e;
                }
                if (error instanceof Error e) {
                    throw e;
                }
                if (error != null) {
                    throw new IllegalStateException("batch stream failed: " + error, error);
                }
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for a batch; the epoch's stream is cancelled", e);
        } finally {
            waited.accept(System.nanoTime() - t0);
        }
    }

    /** The batch {@link #advance()} found; the caller owns it from now on. */
    synchronized Batch take() {
        if (ready == null) {
            throw new IllegalStateException("no batch is ready: call advance() first");
        }
        Batch b = ready;
        ready = null;
        return b;
    }

    /** Cancels the stream and closes the batch delivered but not taken, if any. Idempotent. */
    @Override
    public void close() {
        Subscription s;
        Batch b;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            s = done ? null : subscription;
            b = ready;
            ready = null;
            notifyAll();
        }
        if (s != null) {
            s.cancel(); // the pipeline closes the batches it is still assembling
        }
        if (b != null) {
            b.close();
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        boolean cancelNow;
        Subscription request = null;
        synchronized (this) {
            subscription = s;
            cancelNow = cancelled;
            if (!cancelNow && requested) {
                request = s; // advance() asked before the subscription arrived
            }
        }
        if (cancelNow) {
            s.cancel();
        } else if (request != null) {
            request.request(1);
        }
    }

    @Override
    public void onNext(Batch batch) {
        synchronized (this) {
            if (!cancelled && ready == null) {
                ready = batch;
                requested = false;
                notifyAll();
                return;
            }
        }
        batch.close(); // after a cancel (or, never expected, beyond the one requested)
    }

    @Override
    public synchronized void onError(Throwable t) {
        error = t;
        done = true;
        notifyAll();
    }

    @Override
    public synchronized void onComplete() {
        done = true;
        notifyAll();
    }
}
