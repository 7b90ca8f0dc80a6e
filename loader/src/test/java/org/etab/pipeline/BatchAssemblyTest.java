package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class BatchAssemblyTest {
    private final FakeSource source = new FakeSource(10);
    private final RunAccount account = new RunAccount();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private BatchAssembly assembly(PipelineOptions o) {
        BatchAssembly a = new BatchAssembly(
                source, o, account, new PipelineMetrics(registry, "fake", "a" + toClose.size(), () -> 0, () -> 0));
        toClose.add(a);
        return a;
    }

    private BatchPool pool(int batchSize, int buffers) {
        BatchPool p = new BatchPool(source.features(), source.labels(), batchSize, buffers);
        toClose.add(p);
        return p;
    }

    private List<EpochSchedule.Group> groups(PipelineOptions o, int batchSize) {
        return new EpochSchedule(source, o, account).groups(0, 0, batchSize);
    }

    private static Undelivered undelivered() {
        return new Undelivered(new PipelineMetrics(new SimpleMeterRegistry(), "fake", "2", () -> 0, () -> 0));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void eachGroupBecomesABatchOfItsSamplesInOrderWithFewWorkersReused() throws InterruptedException {
        PipelineOptions o = PipelineOptions.builder().threads(2).build();
        BatchAssembly a = assembly(o);
        BatchPool pool = pool(3, 6);
        Undelivered u = undelivered();
        List<String> seen = new ArrayList<>();
        Flux.fromIterable(groups(o, 3))
                .concatMap(g -> a.assemble(g, pool, u))
                .doOnNext(u::remove)
                .doOnNext(b -> {
                    try (b) {
                        StringBuilder sb = new StringBuilder(b.index() + ":");
                        for (int i = 0; i < b.size(); i++) {
                            sb.append(b.features().slotBytes(i)[0])
                                    .append(b.samples().get(i).id())
                                    .append(' ');
                        }
                        seen.add(sb.toString().trim() + "->" + b.nextPosition());
                    }
                })
                .blockLast(Duration.ofSeconds(10));
        assertThat(seen)
                .containsExactly("0:00/0 10/1 20/2->3", "1:30/3 40/4 50/5->6", "2:60/6 70/7 80/8->9", "3:90/9->10");
        assertThat(a.workersCreated()).isBetween(1, 2);
        assertThat(account.delivered()).isEqualTo(10);
        assertThat(pool.outstanding()).isZero();
        // a task ends on its decode thread just after its batch went downstream: wait as Pipeline.close does
        assertThat(u.awaitTasks(Duration.ofSeconds(5))).isTrue();
        assertThat(source.prefetched).hasSize(4);
        assertThat(source.forgotten).containsExactlyInAnyOrderElementsOf(source.prefetched);
    }

    @Test
    void eachSampleGetsTheTimeoutAsADeadlineOrNone() {
        List<Long> deadlines = new CopyOnWriteArrayList<>();
        source.load = (plan, slot, deadline) -> {
            deadlines.add(deadline - System.nanoTime());
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions timed = PipelineOptions.builder()
                .threads(1)
                .sampleTimeout(Duration.ofSeconds(5))
                .build();
        BatchPool pool = pool(10, 2);
        assembly(timed)
                .assemble(groups(timed, 10).get(0), pool, undelivered())
                .block()
                .close();
        assertThat(deadlines).hasSize(10).allMatch(left -> left > 4_000_000_000L && left <= 5_000_000_000L);

        deadlines.clear();
        PipelineOptions untimed = timed.toBuilder().sampleTimeout(Duration.ZERO).build();
        assembly(untimed)
                .assemble(groups(untimed, 10).get(0), pool, undelivered())
                .block()
                .close();
        assertThat(deadlines).hasSize(10).allMatch(left -> left > Long.MAX_VALUE / 2);
    }

    @Test
    void aSampleThatEndsAfterItsDeadlineIsATimeoutWhateverTheWorkerWatched() {
        source.load = (plan, slot, deadline) -> {
            if (plan.id().equals("0/1")) {
                while (System.nanoTime() - deadline <= 0) {
                    Thread.onSpinWait(); // a stage that never looks at the deadline (a still's decode)
                }
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder()
                .threads(1)
                .sampleTimeout(Duration.ofMillis(200))
                .build();
        long t0 = System.nanoTime();
        try (Batch b = assembly(o)
                .assemble(groups(o, 3).get(0), pool(3, 2), undelivered())
                .block()) {
            assertThat(b.samples()).extracting(s -> s.id()).containsExactly("0/0", "0/2");
        }
        long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(account.failures()).singleElement().satisfies(f -> {
            assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
            assertThat(f.reason()).matches("0/1\\.avi: took \\d+ ms, more than the sample timeout \\(PT0\\.2S\\)");
            // the time the sample took: at least its timeout, at most the whole batch's
            assertThat(Long.parseLong(f.reason().replaceAll(".*took (\\d+) ms.*", "$1")))
                    .isBetween(200L, elapsedMillis);
        });
    }

    @Test
    void failedSamplesAreCountedReportedAndSkippedLeavingNoGaps() {
        source.failAtPlan = List.of("0/1");
        source.load = (plan, slot, deadline) -> {
            if (plan.id().equals("0/2")) {
                throw new SampleException(Stage.DECODE, "corrupt " + plan.file());
            }
            if (plan.id().equals("0/4")) {
                throw new IllegalStateException("a bug");
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        List<SampleFailure> heard = new CopyOnWriteArrayList<>();
        a.onFailure(heard::add);
        BatchPool pool = pool(5, 2);
        try (Batch b = a.assemble(groups(o, 5).get(0), pool, undelivered()).block()) {
            assertThat(b.samples()).extracting(s -> s.id()).containsExactly("0/0", "0/3");
            assertThat(b.features().slotBytes(1)[0]).isEqualTo((byte) 3); // written to the next free slot
            assertThat(b.nextPosition()).isEqualTo(5);
        }
        assertThat(account.failed()).isEqualTo(3);
        assertThat(account.delivered()).isEqualTo(2);
        assertThat(heard).isEqualTo(account.failures());
        assertThat(heard).extracting(SampleFailure::stage).containsExactly(Stage.PLAN, Stage.DECODE, Stage.INTERNAL);
        assertThat(heard.get(0).reason()).isEqualTo("listed as bad");
        assertThat(heard.get(1).reason()).contains("0/2.avi");
        assertThat(heard.get(2).reason()).contains("IllegalStateException").contains("a bug");
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void aBatchWithNoSampleLeftIsEmptyAndReturnsItsBuffer() {
        source.load = (plan, slot, deadline) -> {
            throw new SampleException(Stage.DECODE, "bad");
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchPool pool = pool(4, 1);
        StepVerifier.create(assembly(o).assemble(groups(o, 4).get(0), pool, undelivered()))
                .verifyComplete();
        assertThat(pool.outstanding()).isZero();
        assertThat(account.failed()).isEqualTo(4);
    }

    @Test
    void underTheFailPolicyTheFirstBadSampleEndsTheStreamNamingIt() throws InterruptedException {
        source.load = (plan, slot, deadline) -> {
            if (plan.id().equals("0/2")) {
                throw new SampleException(Stage.DECODE, "corrupt " + plan.file());
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o =
                PipelineOptions.builder().threads(1).onError(ErrorPolicy.FAIL).build();
        BatchPool pool = pool(4, 1);
        Undelivered u = undelivered();
        StepVerifier.create(assembly(o).assemble(groups(o, 4).get(0), pool, u))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(SampleException.class)
                        .hasMessageContaining("sample 0/2 failed")
                        .hasMessageContaining("0/2.avi")
                        .hasMessageContaining("error policy is fail")
                        .satisfies(stop -> assertThat(((SampleException) stop).failure())
                                .hasValueSatisfying(f -> assertThat(f.id()).isEqualTo("0/2"))
                                .isEqualTo(account.failures().stream().findFirst())))
                .verify(Duration.ofSeconds(10));
        assertThat(u.awaitTasks(Duration.ofSeconds(5))).isTrue(); // the task ends just after its error went out
        assertThat(pool.outstanding()).isZero();
        assertThat(account.delivered()).isEqualTo(2);
    }

    @Test
    void tasksFailingAtOnceReachTheConsumerAsTheFirstSampleFailureWithTheOthersSuppressed() {
        RuntimeException bug = new IllegalStateException("a bug");
        SampleException first = new SampleException(Stage.DECODE, "sample 0/1 failed");
        SampleException second = new SampleException(Stage.FETCH, "sample 0/5 failed");
        Throwable composite = Exceptions.multiple(bug, first, second);
        assertThat(Exceptions.isMultiple(composite)).isTrue();

        Throwable got = BatchAssembly.firstFailure(composite);
        assertThat(got).isSameAs(first);
        assertThat(got.getSuppressed()).containsExactly(bug, second);

        // no sample failure among them: the first error, still with the others
        RuntimeException other = new IllegalArgumentException("another");
        Throwable plain = BatchAssembly.firstFailure(Exceptions.multiple(bug, other));
        assertThat(plain).isSameAs(bug);
        assertThat(plain.getSuppressed()).containsExactly(other);
    }

    @Test
    void cancelledTasksReturnTheirBufferAndQueuedOnesNeverTakeOne() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        source.load = (plan, slot, deadline) -> {
            if (plan.id().equals("0/0")) {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        BatchPool pool = pool(2, 5);
        Undelivered u = undelivered();
        List<EpochSchedule.Group> groups = groups(o, 2);
        Disposable running = a.assemble(groups.get(0), pool, u).subscribe();
        Disposable queued = a.assemble(groups.get(1), pool, u).subscribe();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(u.tasks()).isEqualTo(2);
        running.dispose();
        queued.dispose();
        release.countDown();
        assertThat(u.awaitTasks(Duration.ofSeconds(10))).isTrue();
        assertThat(pool.outstanding()).isZero();
        assertThat(pool.allocated()).isEqualTo(1); // the queued task took no buffer
        assertThat(account.delivered()).isEqualTo(1); // the running one stopped after its sample
        assertThat(source.forgotten).hasSize(2);
    }

    @Test
    void aBatchFinishedAfterItsStreamEndedIsClosedByItsTask() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        source.load = (plan, slot, deadline) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchPool pool = pool(1, 1);
        Undelivered u = undelivered();
        List<Batch> got = new CopyOnWriteArrayList<>();
        assembly(o).assemble(groups(o, 1).get(0), pool, u).subscribe(got::add);
        u.closeAll(); // the stream ends (an error elsewhere) while the task still runs
        release.countDown();
        assertThat(u.awaitTasks(Duration.ofSeconds(10))).isTrue();
        assertThat(got).isEmpty();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void tasksRunOnDecodeThreadsAndAClosedAssemblyRefusesWork() {
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        List<Boolean> onDecode = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        source.load = (plan, slot, deadline) -> {
            onDecode.add(a.onDecodeThread());
            threads.add(
                    Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : ""));
            return FakeSource.ONE_FRAME;
        };
        BatchPool pool = pool(2, 1);
        a.assemble(groups(o, 2).get(0), pool, undelivered()).block().close();
        assertThat(onDecode).containsExactly(true, true);
        assertThat(a.onDecodeThread()).isFalse();
        // daemon threads: a pipeline left open does not keep the JVM from exiting
        assertThat(threads).containsOnly("etab-decode-1 daemon");

        a.close();
        assertThat(source.workersClosed.get()).isEqualTo(1);
        a.close(); // idempotent: each worker is closed once
        assertThat(source.workersClosed.get()).isEqualTo(1);
        assertThat(a.workersCreated()).isZero();
        StepVerifier.create(a.assemble(groups(o, 2).get(1), pool, undelivered()))
                .expectErrorMessage("pipeline is closed")
                .verify(Duration.ofSeconds(10));
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void metersCountDeliveredAndFailedSamplesAndEachBatchsTime() {
        source.load = (plan, slot, deadline) -> {
            if (plan.id().equals("0/3")) {
                throw new SampleException(Stage.DECODE, "corrupt");
            }
            return new SampleWorker.LoadStats(2, 3, 100);
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        BatchPool pool = pool(5, 2);
        long t0 = System.nanoTime();
        for (EpochSchedule.Group g : groups(o, 5)) {
            a.assemble(g, pool, undelivered()).block().close();
        }
        double elapsed = System.nanoTime() - t0;
        assertThat(registry.get("etab.samples").counter().count()).isEqualTo(9);
        assertThat(registry.get("etab.frames.delivered").counter().count()).isEqualTo(18);
        assertThat(registry.get("etab.frames.decoded").counter().count()).isEqualTo(27);
        assertThat(registry.get("etab.bytes.read").counter().count()).isEqualTo(900);
        assertThat(registry.get("etab.errors")
                        .tag("stage", Stage.DECODE.toString())
                        .counter()
                        .count())
                .isEqualTo(1);
        Timer load = registry.get("etab.decode").timer();
        assertThat(load.count()).isEqualTo(9);
        assertThat(load.totalTime(TimeUnit.NANOSECONDS)).isPositive().isLessThanOrEqualTo(elapsed);
        Timer batch = registry.get("etab.batch").timer();
        assertThat(batch.count()).isEqualTo(2);
        assertThat(batch.totalTime(TimeUnit.NANOSECONDS)).isPositive().isLessThanOrEqualTo(elapsed);
        assertThat(gauge("etab.batches.inflight")).isZero();
    }

    @Test
    void closeFailsATaskWaitingForABufferAndOneThatNeverRanAsClosedWithoutCountingThem() throws Exception {
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        BatchPool pool = pool(2, 1);
        BatchPool.Buffers held = pool.acquire(); // every buffer out: the first task waits for one
        Undelivered u = undelivered();
        List<EpochSchedule.Group> groups = groups(o, 2);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        a.assemble(groups.get(0), pool, u).subscribe(Batch::close, errors::add);
        a.assemble(groups.get(1), pool, u).subscribe(Batch::close, errors::add); // queued behind it
        for (int i = 0; i < 1000 && gauge("etab.batches.inflight") < 1; i++) {
            Thread.sleep(10);
        }
        assertThat(gauge("etab.batches.inflight")).isEqualTo(1); // the first task is in its wait

        a.close();
        assertThat(errors)
                .hasSize(2)
                .allSatisfy(e ->
                        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("pipeline is closed"));
        // the waiting one was interrupted, as its cause says; the queued one never ran
        assertThat(errors)
                .filteredOn(e -> e.getCause() != null)
                .singleElement()
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("interrupted while waiting"));
        assertThat(u.tasks()).isZero();
        assertThat(source.forgotten).hasSize(2).containsExactlyInAnyOrderElementsOf(source.prefetched);
        assertThat(account.failed()).isZero();
        assertThat(gauge("etab.batches.inflight")).isZero();
        pool.release(held);
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void aSampleInterruptedByCloseFailsTheStreamAsClosedAndIsNotCountedAsFailed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        source.load = (plan, slot, deadline) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new SampleException(Stage.FETCH, "read interrupted");
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        List<SampleFailure> heard = new CopyOnWriteArrayList<>();
        a.onFailure(heard::add);
        BatchPool pool = pool(2, 1);
        Undelivered u = undelivered();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        a.assemble(groups(o, 2).get(0), pool, u).subscribe(Batch::close, errors::add);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        a.close();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("pipeline is closed");
            assertThat(e).hasRootCauseMessage("read interrupted");
        });
        assertThat(account.failed()).isZero();
        assertThat(heard).isEmpty();
        assertThat(u.tasks()).isZero();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void anInterruptedCallerOfCloseStillWaitsForTheRunningTaskAndKeepsItsInterrupt() throws Exception {
        Thread closer = Thread.currentThread();
        CountDownLatch started = new CountDownLatch(1);
        source.load = (plan, slot, deadline) -> {
            started.countDown();
            // runs on past close's interrupt until the closing thread, interrupted itself, waits for this task
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder().threads(1).build();
        BatchAssembly a = assembly(o);
        a.assemble(groups(o, 1).get(0), pool(1, 1), undelivered()).subscribe(Batch::close, e -> {});
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        closer.interrupt();
        try {
            a.close();
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
        assertThat(source.workersClosed.get()).isEqualTo(1); // closed only once its task had ended
    }
}
