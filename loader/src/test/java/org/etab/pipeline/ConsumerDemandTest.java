package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.util.context.Context;

class ConsumerDemandTest {

    @Test
    void aSubscriberThatQueuesAheadOfItsConsumerIsNotTakenForWaiting() {
        ConsumerDemand demand = new ConsumerDemand();
        Sinks.Many<Integer> queued = Sinks.many().unicast().onBackpressureBuffer();
        demand.track(queued.asFlux()).toIterable().iterator(); // subscribes, asking for 256 to queue
        assertThat(demand.waiting())
                .as("toIterable() queues 256: its consumer may be busy")
                .isFalse();

        ConsumerDemand async = new ConsumerDemand();
        Sinks.Many<Integer> published = Sinks.many().unicast().onBackpressureBuffer();
        async.track(published.asFlux()).publishOn(Schedulers.single()).subscribe();
        assertThat(async.waiting())
                .as("publishOn queues 256 for another thread")
                .isFalse();

        ConsumerDemand one = new ConsumerDemand();
        Sinks.Many<Integer> single = Sinks.many().unicast().onBackpressureBuffer();
        one.track(single.asFlux()).toIterable(1).iterator();
        assertThat(one.waiting()).as("toIterable(1): asked for 1, given none").isTrue();

        // a synchronous operator with a queue hands on within its onNext, where a busy consumer shows
        ConsumerDemand sync = new ConsumerDemand();
        Sinks.Many<Integer> buffered = Sinks.many().unicast().onBackpressureBuffer();
        sync.track(buffered.asFlux()).buffer(4).subscribe();
        buffered.tryEmitNext(1);
        assertThat(sync.waiting()).as("buffer(4) given 1 of the 4 it waits for").isTrue();
    }

    @Test
    void waitingMeansAskedForMoreThanGivenAndNotBusyWithAnItem() {
        ConsumerDemand demand = new ConsumerDemand();
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        List<Boolean> seenWhileBusy = new ArrayList<>();
        BaseSubscriber<Integer> consumer = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {}

            @Override
            protected void hookOnNext(Integer value) {
                seenWhileBusy.add(demand.waiting()); // inside onNext: busy, not waiting
            }
        };
        assertThat(demand.waiting()).isFalse(); // no subscription
        demand.track(source.asFlux()).subscribe(consumer);
        assertThat(demand.waiting()).as("subscribed, nothing asked").isFalse();
        consumer.request(2);
        assertThat(demand.waiting()).as("asked for 2, given none").isTrue();
        source.tryEmitNext(1);
        assertThat(demand.waiting()).as("asked for 2, given 1").isTrue();
        source.tryEmitNext(2);
        assertThat(demand.waiting()).as("given what it asked for").isFalse();
        assertThat(seenWhileBusy).containsExactly(false, false);
        consumer.request(1);
        assertThat(demand.waiting()).isTrue();
        consumer.cancel();
        assertThat(demand.waiting()).as("cancelled").isFalse();
    }

    @Test
    void aSubscriptionBusyWithWhatItHoldsMakesAnotherOnesWaitBackpressure() {
        ConsumerDemand demand = new ConsumerDemand();
        Sinks.Many<Integer> training = Sinks.many().unicast().onBackpressureBuffer();
        Sinks.Many<Integer> evaluation = Sinks.many().unicast().onBackpressureBuffer();
        BaseSubscriber<Integer> busy = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(2);
            }

            @Override
            protected void hookOnNext(Integer value) {}
        };
        demand.track(training.asFlux()).subscribe(busy);
        training.tryEmitNext(1);
        training.tryEmitNext(2); // its requests met: busy with the two it holds (a long training step)
        BaseSubscriber<Integer> waiting = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(1);
            }

            @Override
            protected void hookOnNext(Integer value) {}
        };
        demand.track(evaluation.asFlux()).subscribe(waiting);
        // the pool the two streams share fills up with the busy one's batches: the other one's wait is backpressure
        assertThat(demand.waiting()).as("one waits, one is busy").isFalse();
        busy.request(1);
        assertThat(demand.waiting()).as("both wait").isTrue();
        busy.cancel();
        assertThat(demand.waiting()).as("the other one alone waits").isTrue();
        waiting.cancel();
    }

    @Test
    void anUnboundedSubscriberWaitsExceptWhileInsideOnNextAndEndsWithTheStream() {
        ConsumerDemand demand = new ConsumerDemand();
        List<Boolean> seen = new ArrayList<>();
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        demand.track(source.asFlux()).subscribe(v -> seen.add(demand.waiting()));
        assertThat(demand.waiting()).isTrue();
        source.tryEmitNext(1);
        assertThat(seen).containsExactly(false);
        assertThat(demand.waiting()).isTrue();
        source.tryEmitComplete();
        assertThat(demand.waiting()).as("completed").isFalse();
        assertThat(demand.track(Flux.range(0, 5)).collectList().block()).containsExactly(0, 1, 2, 3, 4);
    }

    /** A subscriber that says, as Reactor's operators do, how many items it queues and on which thread. */
    private static final class Queuing implements CoreSubscriber<Integer>, Scannable {
        private final int prefetch;
        private final Scannable.Attr.RunStyle style;

        Queuing(int prefetch, Scannable.Attr.RunStyle style) {
            this.prefetch = prefetch;
            this.style = style;
        }

        @Override
        public Object scanUnsafe(Scannable.Attr key) {
            if (key == Scannable.Attr.PREFETCH) {
                return prefetch;
            }
            if (key == Scannable.Attr.RUN_STYLE) {
                return style;
            }
            return null;
        }

        @Override
        public void onSubscribe(Subscription s) {}

        @Override
        public void onNext(Integer item) {}

        @Override
        public void onError(Throwable e) {}

        @Override
        public void onComplete() {}
    }

    @Test
    void queuingAheadMeansMoreThanOneItemForAnotherThread() {
        assertThat(ConsumerDemand.queuesAhead(new Queuing(2, Scannable.Attr.RunStyle.ASYNC)))
                .isTrue();
        assertThat(ConsumerDemand.queuesAhead(new Queuing(1, Scannable.Attr.RunStyle.ASYNC)))
                .isFalse();
        assertThat(ConsumerDemand.queuesAhead(new Queuing(2, Scannable.Attr.RunStyle.SYNC)))
                .isFalse();
        assertThat(ConsumerDemand.queuesAhead(new Queuing(Integer.MAX_VALUE, Scannable.Attr.RunStyle.ASYNC)))
                .isFalse();
    }

    @Test
    void anErrorReachesTheSubscriberUnlessItCancelledFirst() {
        ConsumerDemand demand = new ConsumerDemand();
        StepVerifier.create(demand.track(Flux.<Integer>error(new IllegalStateException("boom"))))
                .expectErrorMessage("boom")
                .verify(Duration.ofSeconds(10));
        assertThat(demand.waiting()).isFalse(); // the subscription ended

        // cancelled, then the pipeline's close fails what was still running: the subscriber hears nothing of it,
        // and an Error goes to the stream's late-error hook
        TestPublisher<Integer> upstream = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
        List<Throwable> heard = new CopyOnWriteArrayList<>();
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Disposable subscription = demand.track(upstream.flux())
                .contextWrite(Context.of("reactor.onErrorDropped.local", (Consumer<Throwable>) dropped::add))
                .subscribe(i -> {}, heard::add);
        subscription.dispose();
        upstream.assertCancelled();
        upstream.error(new IllegalStateException("pipeline is closed"));
        assertThat(heard).isEmpty();
        assertThat(dropped).isEmpty();

        TestPublisher<Integer> failing = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
        demand.track(failing.flux())
                .contextWrite(Context.of("reactor.onErrorDropped.local", (Consumer<Throwable>) dropped::add))
                .subscribe(i -> {}, heard::add)
                .dispose();
        AssertionError error = new AssertionError("late");
        failing.error(error);
        assertThat(heard).isEmpty();
        assertThat(dropped).containsExactly(error);
    }

    @Test
    void aCancelReachesTheStream() {
        AtomicBoolean cancelled = new AtomicBoolean();
        new ConsumerDemand()
                .track(Flux.<Integer>never().doOnCancel(() -> cancelled.set(true)))
                .subscribe()
                .dispose();
        assertThat(cancelled).isTrue();
    }
}
