package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class BatchIteratorTest {

    /** Stands for a batch: a resource the iteration must close if nobody took it. */
    static final class Item implements AutoCloseable {
        final int n;
        volatile boolean closed;

        Item(int n) {
            this.n = n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The pipeline side, recorded. */
    static final class Owner implements BatchIterator.Owner {
        volatile boolean decodeThread;
        final List<BatchIterator<?>> ended = new CopyOnWriteArrayList<>();

        @Override
        public boolean onDecodeThread() {
            return decodeThread;
        }

        @Override
        public void ended(BatchIterator<?> it) {
            ended.add(it);
        }

        volatile Duration settleLimit = Duration.ofSeconds(30);

        @Override
        public Duration settleLimit() {
            return settleLimit;
        }
    }

    private final Owner owner = new Owner();
    private final List<Long> waits = new CopyOnWriteArrayList<>();

    private <T> BatchIterator<T> iterate(Flux<T> stream, int prefetch) {
        BatchIterator<T> it = new BatchIterator<>(prefetch, waits::add, owner);
        it.subscribe(stream);
        return it;
    }

    private static List<Item> items(int n) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Item(i));
        }
        return out;
    }

    @Test
    void deliversEveryItemInOrderRequestingAtMostPrefetchAhead() {
        List<Long> requests = new CopyOnWriteArrayList<>();
        BatchIterator<Integer> it = iterate(Flux.range(0, 10).doOnRequest(requests::add), 3);
        List<Integer> got = new ArrayList<>();
        while (it.hasNext()) {
            got.add(it.next());
        }
        assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(requests).first().isEqualTo(3L);
        assertThat(requests).allMatch(n -> n <= 3);
        assertThat(it.hasNext()).isFalse();
        assertThat(it.isClosed()).isTrue();
        assertThat(owner.ended).containsExactly(it);
        assertThat(waits).hasSizeGreaterThanOrEqualTo(11); // each hasNext that took from the queue
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        it.close(); // after the end: nothing to do
    }

    @Test
    void prefetchOneFromAnotherThreadRequestsOneAtATimeAndCloseReturnsTheOneQueued() {
        List<Item> items = items(100);
        List<Long> requests = new CopyOnWriteArrayList<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        BatchIterator<Item> it = iterate(
                Flux.fromIterable(items)
                        .doOnRequest(requests::add)
                        .doOnCancel(() -> cancelled.set(true))
                        .subscribeOn(Schedulers.single()),
                1); // like decode threads
        for (int i = 0; i < 3; i++) {
            assertThat(it.hasNext()).isTrue();
            assertThat(it.hasNext()).isTrue(); // asking again takes and requests nothing more
            try (Item item = it.next()) {
                assertThat(item.n).isEqualTo(i);
            }
        }
        assertThat(it.hasNext()).isTrue(); // item 3 taken from the queue, not yet by next()
        it.close();
        assertThat(cancelled).isTrue();
        assertThat(requests).containsExactly(1L, 1L, 1L, 1L); // the first, then one per item taken
        assertThat(waits).hasSize(4); // each hasNext that took from the queue
        assertThat(items.get(3).closed).isTrue();
        assertThat(items.subList(4, 100)).noneMatch(i -> i.closed); // never requested
        assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeCancelsTheStreamAndClosesWhatWasDeliveredButNotTaken() {
        List<Item> items = items(10);
        AtomicBoolean cancelled = new AtomicBoolean();
        BatchIterator<Item> it = iterate(Flux.fromIterable(items).doOnCancel(() -> cancelled.set(true)), 3);
        Item first = it.next();
        assertThat(it.hasNext()).isTrue(); // item 1 taken from the queue, not yet by next()
        it.close();
        assertThat(cancelled).isTrue();
        assertThat(first.closed).isFalse(); // the caller's
        assertThat(items.subList(1, 4)).allMatch(i -> i.closed); // peeked + queued
        assertThat(items.subList(4, 10)).noneMatch(i -> i.closed); // never requested
        assertThat(owner.ended).containsExactly(it);
        assertThatThrownBy(it::hasNext)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this iteration is closed: it was closed");
        it.close(); // idempotent
    }

    @Test
    void anItemArrivingAfterCloseIsClosedOnArrival() {
        AtomicReference<Subscriber<? super Item>> downstream = new AtomicReference<>();
        Flux<Item> stubborn = Flux.from(s -> {
            downstream.set(s);
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {
                    // a producer with an item already under way delivers it anyway
                }
            });
        });
        BatchIterator<Item> it = iterate(stubborn, 2);
        it.close();
        Item late = new Item(0);
        downstream.get().onNext(late);
        assertThat(late.closed).isTrue();
    }

    @Test
    void aStreamErrorIsThrownAfterTheItemsBeforeItAndClosesTheIteration() {
        BatchIterator<Integer> it =
                iterate(Flux.just(1, 2).concatWith(Flux.error(new IllegalStateException("boom"))), 2);
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.next()).isEqualTo(2);
        assertThatThrownBy(it::hasNext)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boom");
        assertThat(it.isClosed()).isTrue();
        assertThat(owner.ended).containsExactly(it);
        assertThat(it.hasNext()).isFalse();

        BatchIterator<Integer> checked = iterate(Flux.error(new IOException("disk")), 1);
        assertThatThrownBy(checked::hasNext)
                .isInstanceOf(RuntimeException.class)
                .hasRootCauseMessage("disk");
    }

    @Test
    void closeFromAnotherThreadWakesAConsumerBlockedInHasNext() throws Exception {
        BatchIterator<Integer> it = iterate(Flux.never(), 2);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                it.hasNext();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        consumer.start();
        Thread.sleep(100);
        it.close("the pipeline was closed");
        consumer.join(10_000);
        assertThat(consumer.isAlive()).isFalse();
        assertThat(thrown.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this iteration is closed: the pipeline was closed");
    }

    @Test
    void anInterruptedConsumerGetsAnErrorKeepsItsInterruptAndTheIterationIsClosed() throws Exception {
        Item queued = new Item(0);
        AtomicBoolean cancelled = new AtomicBoolean();
        // one item, then nothing: the consumer takes it and blocks waiting for the next
        BatchIterator<Item> it =
                iterate(Flux.concat(Flux.just(queued), Flux.<Item>never()).doOnCancel(() -> cancelled.set(true)), 2);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CountDownLatch took = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try (Item first = it.next()) {
                took.countDown();
                it.hasNext();
            } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        consumer.start();
        assertThat(took.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100); // in hasNext's wait
        consumer.interrupt();
        consumer.join(10_000);
        assertThat(consumer.isAlive()).isFalse();
        assertThat(thrown.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("interrupted while waiting for the next item; the iteration is closed");
        assertThat(stillInterrupted).isTrue();
        assertThat(cancelled).isTrue();
        assertThat(queued.closed).as("the item the consumer took, closed by it").isTrue();
        assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTheStreamViewClosesTheIteration() {
        List<Item> items = items(6);
        AtomicBoolean cancelled = new AtomicBoolean();
        BatchIterator<Item> it = iterate(Flux.fromIterable(items).doOnCancel(() -> cancelled.set(true)), 2);
        try (Stream<Item> s = it.stream()) {
            s.limit(1).forEach(Item::close);
        }
        assertThat(cancelled).isTrue();
        assertThat(it.isClosed()).isTrue();
        assertThat(items.subList(0, 3)).allMatch(i -> i.closed);
    }

    @Test
    void closeWaitsForTheBatchTasksOfItsStreamsButNotOnADecodeThread() throws Exception {
        for (boolean decodeThread : new boolean[] {false, true}) {
            owner.decodeThread = decodeThread;
            Undelivered stream =
                    new Undelivered(new PipelineMetrics(new SimpleMeterRegistry(), "fake", "1", () -> 0, () -> 0));
            Flux<Integer> watched = Flux.deferContextual(ctx -> {
                ctx.<Undelivered.Watcher>get(Undelivered.Watcher.class).watch(stream);
                stream.taskStarted();
                return Flux.never();
            });
            BatchIterator<Integer> it = iterate(watched, 1);
            // on a decode thread the task ends once close has returned (a close that waited for it would see it end
            // after 5 s, and fail below); else after 300 ms, which close must wait for
            CountDownLatch closed = new CountDownLatch(1);
            Thread task = endTask(stream, decodeThread, closed);
            it.close();
            assertThat(stream.tasks())
                    .as("tasks left when close returned (decode thread: %s)", decodeThread)
                    .isEqualTo(decodeThread ? 1 : 0);
            closed.countDown();
            task.join();
        }
    }

    @Test
    void closeWaitsForATaskThatOutlivesThePipelinesSettleLimitNoLonger() {
        owner.settleLimit = Duration.ofMillis(200);
        Undelivered stream =
                new Undelivered(new PipelineMetrics(new SimpleMeterRegistry(), "fake", "1", () -> 0, () -> 0));
        Flux<Integer> watched = Flux.deferContextual(ctx -> {
            ctx.<Undelivered.Watcher>get(Undelivered.Watcher.class).watch(stream);
            stream.taskStarted(); // and never ends: a sample stuck past its timeout
            return Flux.never();
        });
        BatchIterator<Integer> it = iterate(watched, 1);
        long t0 = System.nanoTime();
        it.close(); // warns that a task still runs, and returns
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(10));
        assertThat(stream.tasks()).isEqualTo(1);
    }

    @Test
    void prefetchMustBePositive() {
        assertThatThrownBy(() -> new BatchIterator<Integer>(0, waits::add, owner))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefetch >= 1 required but was 0");
    }

    @Test
    void aSecondCloseReturnsOnlyOnceTheFirstHasClosedTheItemsNobodyTook() throws Exception {
        // the first close (a watchdog) is held up after marking the iteration closed, before it closes the item in
        // hand; the consumer's own close must not return before that item is closed
        HeldFirstClose slow = new HeldFirstClose();
        Item held = new Item(0);
        BatchIterator<Item> it = new BatchIterator<>(2, waits::add, slow);
        it.subscribe(Flux.concat(Flux.just(held), Flux.never()));
        assertThat(it.hasNext()).isTrue(); // the item is in hand, not taken
        Thread watchdog = new Thread(it::close, "watchdog");
        watchdog.start();
        assertThat(slow.inFirstClose.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean closedWhenReturned = new AtomicBoolean();
        Thread consumer = new Thread(
                () -> {
                    it.close();
                    closedWhenReturned.set(held.closed);
                },
                "consumer");
        consumer.start();
        consumer.join(300); // a close that waits is still waiting; one that does not has returned
        slow.release.countDown();
        consumer.join(30_000);
        watchdog.join(30_000);
        assertThat(held.closed).isTrue();
        assertThat(closedWhenReturned.get())
                .as("the item in hand closed when the second close returned")
                .isTrue();
    }

    private Undelivered watchedStream() {
        return new Undelivered(new PipelineMetrics(new SimpleMeterRegistry(), "fake", "1", () -> 0, () -> 0));
    }

    @Test
    void anIterableOpensANewIterationForEachIteratorAndSpliteratorThatNeverSplits() {
        Iterable<Integer> iterable = BatchIterator.iterable(() -> iterate(Flux.range(0, 5), 2));
        List<Integer> looped = new ArrayList<>();
        for (int i : iterable) {
            looped.add(i);
        }
        assertThat(looped).containsExactly(0, 1, 2, 3, 4);
        assertThat(iterable.spliterator().trySplit()).isNull();
        try (Stream<Integer> s = StreamSupport.stream(iterable.spliterator(), true)) {
            assertThat(s.toList()).containsExactly(0, 1, 2, 3, 4);
        }
    }

    @Test
    void aStreamSubscribedToAClosedIterationIsCancelledWithoutARequest() {
        BatchIterator<Integer> it = new BatchIterator<>(2, waits::add, owner);
        it.close();
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Long> requests = new CopyOnWriteArrayList<>();
        it.subscribe(Flux.<Integer>never().doOnRequest(requests::add).doOnCancel(() -> cancelled.set(true)));
        assertThat(cancelled).isTrue();
        assertThat(requests).isEmpty();
    }

    @Test
    void aClosedIterationThrowsWithoutRecordingAWaitAndEachWaitIsWithinTheLoop() {
        long t0 = System.nanoTime();
        BatchIterator<Integer> done = iterate(Flux.range(0, 3).delayElements(Duration.ofMillis(5)), 1);
        while (done.hasNext()) {
            done.next();
        }
        long elapsed = System.nanoTime() - t0;
        assertThat(waits).isNotEmpty().allSatisfy(w -> assertThat(w).isBetween(0L, elapsed));

        BatchIterator<Integer> it = iterate(Flux.never(), 1);
        it.close();
        int before = waits.size();
        assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class);
        assertThat(waits).hasSize(before);
    }

    @Test
    void aCloseOnAnotherThreadAfterTheStreamEndedReturns() throws Exception {
        BatchIterator<Integer> it = iterate(Flux.just(1), 1);
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.hasNext()).isFalse();
        CompletableFuture.runAsync(it::close).get(10, TimeUnit.SECONDS);
        assertThat(it.isClosed()).isTrue();
    }

    @Test
    void theEndWaitsForTheBatchTasksOfItsStreamsButNotOnADecodeThread() throws Exception {
        for (boolean decodeThread : new boolean[] {false, true}) {
            owner.decodeThread = decodeThread;
            Undelivered stream = watchedStream();
            Flux<Integer> watched = Flux.deferContextual(ctx -> {
                ctx.<Undelivered.Watcher>get(Undelivered.Watcher.class).watch(stream);
                stream.taskStarted(); // a task the caller's take() left running
                return Flux.just(1);
            });
            BatchIterator<Integer> it = iterate(watched, 1);
            CountDownLatch ended = new CountDownLatch(1);
            Thread task = endTask(stream, decodeThread, ended);
            assertThat(it.next()).isEqualTo(1);
            assertThat(it.hasNext()).isFalse();
            assertThat(stream.tasks())
                    .as("tasks left when the end was seen (decode thread: %s)", decodeThread)
                    .isEqualTo(decodeThread ? 1 : 0);
            ended.countDown();
            task.join();
        }
    }

    @Test
    void anInterruptedCloserDoesNotWaitForTheTasksAndKeepsItsInterrupt() {
        Undelivered stream = watchedStream();
        BatchIterator<Integer> it = iterate(
                Flux.deferContextual(ctx -> {
                    ctx.<Undelivered.Watcher>get(Undelivered.Watcher.class).watch(stream);
                    stream.taskStarted(); // never ends
                    return Flux.never();
                }),
                1);
        Thread.currentThread().interrupt();
        it.close();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(it.isClosed()).isTrue();
        assertThat(stream.tasks()).isEqualTo(1);
    }

    @Test
    void anInterruptedSecondCloseReturnsAtOnceAndKeepsItsInterrupt() throws Exception {
        HeldFirstClose slow = new HeldFirstClose();
        Item held = new Item(0);
        BatchIterator<Item> it = new BatchIterator<>(2, waits::add, slow);
        it.subscribe(Flux.concat(Flux.just(held), Flux.never()));
        assertThat(it.hasNext()).isTrue();
        Thread watchdog = new Thread(it::close, "watchdog");
        watchdog.start();
        try {
            assertThat(slow.inFirstClose.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.currentThread().interrupt(); // asked to stop, not to wait for the first close
            it.close();
            assertThat(Thread.interrupted()).isTrue();
            assertThat(held.closed).isFalse(); // the first close has not got to it yet
        } finally {
            slow.release.countDown();
            watchdog.join(30_000);
        }
        assertThat(held.closed).isTrue();
    }

    @Test
    void aSecondCloseOffTheDecodeThreadsWaitsForTheTasksTheFirstOnADecodeThreadLeft() throws Exception {
        BatchIterator.Owner decodeThreadNamed = new BatchIterator.Owner() {
            @Override
            public boolean onDecodeThread() {
                return Thread.currentThread().getName().equals("decode");
            }

            @Override
            public void ended(BatchIterator<?> it) {}

            @Override
            public Duration settleLimit() {
                return Duration.ofSeconds(30);
            }
        };
        Undelivered stream = watchedStream();
        BatchIterator<Integer> it = new BatchIterator<>(1, waits::add, decodeThreadNamed);
        it.subscribe(Flux.deferContextual(ctx -> {
            ctx.<Undelivered.Watcher>get(Undelivered.Watcher.class).watch(stream);
            stream.taskStarted();
            return Flux.never();
        }));
        Thread decode = new Thread(it::close, "decode"); // e.g. the pipeline closed by Flux.using on a decode thread
        decode.start();
        decode.join(10_000);
        assertThat(stream.tasks()).isEqualTo(1); // that close did not wait
        Thread task = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stream.taskEnded();
        });
        task.start();
        it.close(); // the consumer's own close waits for the task
        assertThat(stream.tasks()).isZero();
        task.join();
    }

    /** An owner whose first close, on a thread named "watchdog", is held in {@code ended} until released. */
    private static final class HeldFirstClose implements BatchIterator.Owner {
        final CountDownLatch inFirstClose = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public boolean onDecodeThread() {
            return false;
        }

        @Override
        public void ended(BatchIterator<?> it) {
            if (Thread.currentThread().getName().equals("watchdog")) {
                inFirstClose.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Duration settleLimit() {
            return Duration.ofSeconds(30);
        }
    }

    /**
     * Ends one of {@code stream}'s tasks on another thread, started now: on a decode thread once {@code release} is
     * counted down (at most 5 s), else after 300 ms, which a close that waits for the tasks must wait for.
     */
    private static Thread endTask(Undelivered stream, boolean decodeThread, CountDownLatch release) {
        Thread task = new Thread(() -> {
            try {
                if (decodeThread) {
                    release.await(5, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(300);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stream.taskEnded();
        });
        task.start();
        return task;
    }
}
