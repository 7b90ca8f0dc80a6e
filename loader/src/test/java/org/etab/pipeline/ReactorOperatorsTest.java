package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.source.SampleException;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Reactor operators a training loop puts after a pipeline's stream: whatever they do (a second subscription, an error
 * in the subscriber, a retry, a timeout), every batch is delivered once per subscription and every buffer comes back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a lost buffer shows as a hang in BatchPool.acquire
class ReactorOperatorsTest {
    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Pipeline pipeline(FakeSource s, PipelineOptions o) {
        return new Pipeline(s, o, new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    private static void awaitZero(java.util.function.IntSupplier n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (n.getAsInt() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(n.getAsInt()).isZero();
    }

    @Test
    void twoConcurrentSubscriptionsEachGetTheWholeEpoch() throws Exception {
        FakeSource source = new FakeSource(41);
        source.load = (plan, slot, d) -> {
            sleep(plan.record() % 3);
            return FakeSource.ONE_FRAME;
        };
        try (Pipeline p = pipeline(
                source, PipelineOptions.builder().batchSize(4).threads(2).build())) {
            for (int round = 0; round < 20; round++) {
                List<List<String>> got = new CopyOnWriteArrayList<>();
                Flux<List<String>> a = p.batches(0)
                        .map(b -> {
                            try (b) {
                                return b.samples().stream().map(s -> s.id()).toList();
                            }
                        })
                        .collectList()
                        .flatMapIterable(
                                l -> List.of(l.stream().flatMap(List::stream).toList()));
                Flux.merge(a.subscribeOn(Schedulers.boundedElastic()), a.subscribeOn(Schedulers.boundedElastic()))
                        .doOnNext(got::add)
                        .blockLast(Duration.ofSeconds(30));
                assertThat(got).hasSize(2);
                assertThat(got.get(0)).hasSize(41).isEqualTo(got.get(1));
                assertThat(p.batchPool().outstanding()).isZero();
            }
        }
    }

    @Test
    void aSubscriberThrowingInOnNextReturnsEveryBuffer() throws Exception {
        FakeSource source = new FakeSource(40);
        try (Pipeline p = pipeline(
                source, PipelineOptions.builder().batchSize(4).threads(2).build())) {
            AtomicReference<Throwable> err = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            AtomicInteger n = new AtomicInteger();
            p.batches(0)
                    .subscribe(
                            b -> {
                                b.close();
                                if (n.incrementAndGet() == 2) {
                                    throw new IllegalArgumentException("step failed");
                                }
                            },
                            e -> {
                                err.set(e);
                                done.countDown();
                            },
                            done::countDown);
            done.await();
            assertThat(err.get()).hasMessage("step failed");
            awaitZero(() -> p.batchPool().outstanding());
        }
    }

    @Test
    void retryAfterAFailedSampleStreamsTheEpochAgainAndReturnsEveryBuffer() throws Exception {
        FakeSource source = new FakeSource(40);
        AtomicInteger fails = new AtomicInteger();
        source.load = (plan, slot, d) -> {
            if (plan.id().equals("0/21") && fails.getAndIncrement() == 0) {
                throw new SampleException(Stage.DECODE, "bad once");
            }
            return FakeSource.ONE_FRAME;
        };
        try (Pipeline p = pipeline(
                source,
                PipelineOptions.builder()
                        .batchSize(4)
                        .threads(2)
                        .onError(ErrorPolicy.FAIL)
                        .build())) {
            List<Long> got = new ArrayList<>();
            p.batches(0)
                    .retry(1)
                    .doOnNext(b -> {
                        got.add(b.index());
                        b.close();
                    })
                    .blockLast(Duration.ofSeconds(30));
            assertThat(got).endsWith(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            awaitZero(() -> p.batchPool().outstanding());
        }
    }

    @Test
    void aTimeoutOperatorEndsTheStreamAndTheBuffersComeBack() throws Exception {
        FakeSource source = new FakeSource(40);
        source.load = (plan, slot, d) -> {
            sleep(plan.id().equals("0/9") ? 2000 : 1);
            return FakeSource.ONE_FRAME;
        };
        try (Pipeline p = pipeline(
                source, PipelineOptions.builder().batchSize(4).threads(2).build())) {
            assertThatThrownBy(() -> p.batches(0)
                            .timeout(Duration.ofMillis(500))
                            .doOnNext(Batch::close)
                            .blockLast(Duration.ofSeconds(30)))
                    .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
            awaitZero(() -> p.batchPool().outstanding());
            // the pipeline still streams the next epoch
            assertThat(p.batches(1).doOnNext(Batch::close).count().block()).isEqualTo(10);
        }
    }
}
