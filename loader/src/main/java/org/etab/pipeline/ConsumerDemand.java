package org.etab.pipeline;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Whether a pipeline's consumer is waiting for a batch: every subscription to its streams has asked for more than it
 * was given and none is busy inside its {@code onNext} (the streams of one pipeline share its pool, so one busy with
 * what it holds makes the others' wait backpressure). The batch pool asks this before it blames the consumer for
 * holding every buffer: a consumer in a long step, with its request met, is slow, not stuck (iterations buffer ahead,
 * so a step holds more batches than the one in hand). A subscription left without being cancelled counts as busy, so
 * the pool's later waits fall back to its long timeout instead of the short stall error. So does one behind an
 * operator that queues items for a consumer on another thread (Reactor's plain {@code toIterable()} and
 * {@code publishOn} keep 256): its demand stays unmet while the batches it queued wait for a consumer in a long step,
 * so whether that consumer waits cannot be told, and blaming it would fail a loop that closes every batch. As the
 * pipeline's last
 * operator it also keeps an error that arrives after its subscriber cancelled from reaching that subscriber.
 *
 * <p>Threading: thread-safe; {@link #waiting()} is called from waiting decode threads while subscriptions request and
 * receive on theirs. Backpressure: none of its own; it only counts what passes. Ownership: holds no item.
 */
final class ConsumerDemand {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerDemand.class);

    private final Set<Tracker<?>> subscriptions = ConcurrentHashMap.newKeySet();

    /**
     * {@return true while some subscription waits for an item it asked for and none is busy with what it holds} The
     * streams of a pipeline share its pool, and a busy subscription's batches (in its hands, or assembled ahead for it)
     * come back only once it asks again: while one is busy, another one's wait for a buffer is backpressure too, not a
     * consumer that stopped closing batches.
     */
    boolean waiting() {
        boolean someWaits = false;
        for (Tracker<?> t : subscriptions) {
            if (!t.waiting()) {
                return false;
            }
            someWaits = true;
        }
        return someWaits;
    }

    /**
     * Whether {@code subscriber} or one after it queues more than one item for a consumer on another thread: an
     * iterator's ({@code toIterable()}, {@code toStream()}) or an asynchronous operator's ({@code publishOn}), as
     * Reactor's operators say by their {@code PREFETCH} and {@code RUN_STYLE}. A synchronous one ({@code zipWith},
     * {@code buffer}) hands on within its {@code onNext}, where a busy consumer shows; the pipeline's own iterations
     * are not scannable: their demand says when they wait.
     */
    static boolean queuesAhead(Object subscriber) {
        Scannable first = Scannable.from(subscriber);
        return Stream.concat(Stream.of(first), first.actuals()).anyMatch(s -> {
            Integer prefetch = s.scan(Scannable.Attr.PREFETCH);
            boolean queue = prefetch != null && prefetch > 1 && prefetch < Integer.MAX_VALUE;
            boolean handedOff =
                    s instanceof Iterator<?> || s.scan(Scannable.Attr.RUN_STYLE) == Scannable.Attr.RunStyle.ASYNC;
            return queue && handedOff;
        });
    }

    /** The stream, its subscriptions' demand watched by {@link #waiting()}. */
    <T> Flux<T> track(Flux<T> stream) {
        Function<? super Publisher<T>, ? extends Publisher<T>> lift =
                Operators.<T, T>lift((scannable, actual) -> new Tracker<>(actual));
        return Flux.from(lift.apply(stream.hide())); // hide: no fusion, which would bypass the counting
    }

    /** A subscription between the stream and its subscriber: counts requests, deliveries and time in onNext. */
    private final class Tracker<T> implements CoreSubscriber<T>, Subscription {
        private final CoreSubscriber<? super T> actual;
        /** Requested and not yet delivered; {@link Long#MAX_VALUE}: unbounded. */
        private final AtomicLong demand = new AtomicLong();

        private final AtomicInteger inOnNext = new AtomicInteger();
        /** Whether a subscriber after this one queues items ahead of the consumer: its wait cannot be told. */
        private final boolean queuesAhead;

        private Subscription upstream;
        private volatile boolean cancelled;

        Tracker(CoreSubscriber<? super T> actual) {
            this.actual = actual;
            this.queuesAhead = queuesAhead(actual); // the subscribers after this one exist already
        }

        boolean waiting() {
            return !queuesAhead && demand.get() > 0 && inOnNext.get() == 0;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            subscriptions.add(this);
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T t) {
            demand.getAndUpdate(d -> d == Long.MAX_VALUE ? d : Math.max(0, d - 1));
            inOnNext.incrementAndGet();
            try {
                actual.onNext(t);
            } finally {
                inOnNext.decrementAndGet();
            }
        }

        @Override
        public void onError(Throwable e) {
            subscriptions.remove(this);
            if (cancelled) {
                // the subscriber cancelled, then the pipeline closed (Flux.using's dispose) before the cancel reached
                // every task: "pipeline is closed" is no news to it, and downstream Reactor would log it at ERROR
                if (e instanceof Error) {
                    Operators.onErrorDropped(e, actual.currentContext()); // the stream's late-error hook: one line
                } else {
                    LOG.debug("after the subscriber cancelled: {}", e.toString());
                }
                return;
            }
            actual.onError(e);
        }

        @Override
        public void onComplete() {
            subscriptions.remove(this);
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            if (n > 0) {
                demand.getAndUpdate(d -> Operators.addCap(d, n));
            }
            upstream.request(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
            subscriptions.remove(this);
            upstream.cancel();
        }
    }
}
