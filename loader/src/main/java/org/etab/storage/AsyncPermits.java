package org.etab.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A non-blocking counting semaphore: {@link #acquire} completes when {@code n} units are free, in FIFO order.
 *
 * <p><b>Threading:</b> thread-safe; a grant is delivered on the thread that released the units (or the
 * subscribing thread when they are free at once). Nothing blocks.
 *
 * <p><b>Backpressure:</b> a waiter costs one queue entry and no other memory; the queue holds only subscribed
 * acquisitions, so it is bounded by the subscribers themselves. A request larger than the capacity is clamped to
 * the capacity (it then waits until nothing else is held, and runs alone).
 *
 * <p><b>Ownership:</b> the subscriber owns a delivered {@link Permit} and calls {@link Permit#release()}
 * (idempotent) on every path. A subscriber that cancels before the grant reaches it leaves nothing behind: a
 * waiting entry is removed, a grant not yet delivered is returned.
 */
final class AsyncPermits {
    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;
    private static final int RELEASED = 3;

    private final long capacity;
    private final ArrayDeque<Permit> queue = new ArrayDeque<>();
    private long available;
    private long peakInUse;

    AsyncPermits(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity >= 1 required but was " + capacity);
        }
        this.capacity = capacity;
        this.available = capacity;
    }

    /** Completes with a permit for {@code min(n, capacity)} units once they are free and earlier waiters are served. */
    Mono<Permit> acquire(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("n >= 1 required but was " + n);
        }
        long amount = Math.min(n, capacity);
        return Mono.create(sink -> {
            Permit p = new Permit(amount, sink);
            boolean now;
            synchronized (this) {
                now = queue.isEmpty() && available >= amount;
                if (now) {
                    take(amount);
                    p.state.set(GRANTED);
                } else {
                    queue.add(p);
                }
            }
            sink.onCancel(p::cancel);
            if (now) {
                sink.success(p);
            }
        });
    }

    /**
     * A permit now or null; never jumps the queue (a waiter ahead keeps its turn, so a large request is not starved
     * by a stream of small ones).
     */
    synchronized Permit tryAcquire(long n) {
        long amount = Math.min(Math.max(n, 1), capacity);
        if (!queue.isEmpty() || available < amount) {
            return null;
        }
        take(amount);
        Permit p = new Permit(amount, null);
        p.state.set(GRANTED);
        return p;
    }

    synchronized long inUse() {
        return capacity - available;
    }

    /** Acquisitions waiting for their units (for tests and diagnostics). */
    synchronized int waiting() {
        return queue.size();
    }

    /** The most units ever held at once (for tests and diagnostics). */
    synchronized long peakInUse() {
        return peakInUse;
    }

    long capacity() {
        return capacity;
    }

    private void take(long amount) {
        available -= amount;
        peakInUse = Math.max(peakInUse, capacity - available);
    }

    private void giveBack(long amount) {
        List<Permit> granted = new ArrayList<>();
        synchronized (this) {
            available += amount;
            drain(granted);
        }
        deliver(granted);
    }

    // under the lock: grant waiters from the head while they fit (FIFO: the head blocks those behind it)
    private void drain(List<Permit> granted) {
        while (!queue.isEmpty() && available >= queue.peek().amount) {
            Permit head = queue.poll();
            if (head.state.compareAndSet(WAITING, GRANTED)) {
                take(head.amount);
                granted.add(head);
            }
        }
    }

    private static void deliver(List<Permit> granted) {
        // outside the lock: onNext runs the waiter's continuation
        for (Permit p : granted) {
            p.sink.success(p);
        }
    }

    /** Units held until {@link #release()}. */
    final class Permit {
        final long amount;
        private final MonoSink<Permit> sink;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        private Permit(long amount, MonoSink<Permit> sink) {
            this.amount = amount;
            this.sink = sink;
        }

        /** Returns the units; idempotent. */
        void release() {
            if (state.compareAndSet(GRANTED, RELEASED)) {
                giveBack(amount);
            }
        }

        private void cancel() {
            if (state.compareAndSet(WAITING, CANCELLED)) {
                List<Permit> granted = new ArrayList<>();
                synchronized (AsyncPermits.this) {
                    queue.remove(this);
                    drain(granted); // a cancelled head may have been blocking smaller waiters
                }
                deliver(granted);
            } else {
                // granted but cancelled before delivery: MonoSink drops the value, so give the units back here
                release();
            }
        }
    }
}
