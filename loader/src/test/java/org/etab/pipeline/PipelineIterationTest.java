package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.Sample;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.NativeBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Iterating epochs on the calling thread: whatever way a loop leaves, the pool gets every buffer back. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a leak shows as a hang in BatchPool.acquire
class PipelineIterationTest {
    private static final int EPOCHS = 200;

    /** Small clips (8 frames, 32x32), so that 200 epochs stay quick. */
    private static SampleOptions small(long seed) {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(8)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.RANDOM)
                .frameSize(32, 32)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(seed)
                .shuffle(true)
                .build();
    }

    private static Pipeline pipeline(List<EchoNetRecord> records, PipelineOptions o) {
        return new Pipeline(new EchoNetSource(records, small(7)), o, new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    private static PipelineOptions options() {
        return PipelineOptions.builder().batchSize(2).threads(2).build(); // batchesAhead 4, 6 buffers
    }

    private static int free(BatchPool pool) {
        return pool.allocated() - pool.outstanding();
    }

    /** Native bytes besides the pool's buffers (which it allocates lazily, up to its maximum). */
    private static long bytesBesidesThePool(BatchPool pool) {
        long perBuffer = (pool.featureSpec().bytes() + pool.labelSpec().bytes()) * pool.batchSize();
        return Pointer.totalBytes() - pool.allocated() * perBuffer;
    }

    /**
     * Whole epochs until every decode thread's worker exists and has decoded: what a worker allocates on its first
     * decode (a 64 KiB packet buffer and a plane) is then in the count, and what comes later is growth. A second worker
     * appears only when two batch tasks overlap, which is up to the scheduler (on a loaded machine one thread may run
     * a whole epoch alone), so neither one whole epoch nor a few cut short by a break ensure it.
     */
    private static void warmUp(Pipeline p) {
        int threads = options().threads();
        for (int i = 0; i < 100 && (i == 0 || p.workersCreated() < threads); i++) {
            wholeEpoch(p, 0);
        }
        assertThat(p.workersCreated()).as("workers after warming up").isEqualTo(threads);
    }

    /** One whole epoch, every sample delivered. */
    private static void wholeEpoch(Pipeline p, int epoch) {
        int n = 0;
        for (Batch b : p.consume(p.batches(epoch))) {
            try (b) {
                n += b.size();
            }
        }
        assertThat(n).isEqualTo(PipelineFixtures.records().size());
    }

    @Test
    void breakingAfterOneBatchWithTryWithResourcesReturnsEveryBufferAtOnceForEpochAfterEpoch() {
        List<EchoNetRecord> records = PipelineFixtures.records(); // the phantom exists before the baseline
        long baseline = NativeBytes.settled();
        Pipeline p = pipeline(records, options());
        warmUp(p);
        long steadyBytes = bytesBesidesThePool(p.batchPool());
        for (int epoch = 1; epoch < EPOCHS; epoch++) {
            try (BatchIterator<Batch> it = p.iterate(epoch)) {
                try (Batch b = it.next()) {
                    assertThat(b.samples().get(0).epoch()).isEqualTo(epoch);
                }
            }
            BatchPool pool = p.batchPool();
            assertThat(pool.outstanding())
                    .as("buffers out after epoch %d", epoch)
                    .isZero();
            assertThat(free(pool)).isEqualTo(pool.allocated());
            assertThat(pool.allocated()).isLessThanOrEqualTo(pool.maxBuffers());
            assertThat(bytesBesidesThePool(pool))
                    .as("native bytes after epoch %d", epoch)
                    .isEqualTo(steadyBytes);
        }
        assertThat(p.workersCreated()).isLessThanOrEqualTo(2);
        assertThat(p.account().planned()).isEqualTo((long) EPOCHS * records.size());
        p.close();
        assertThat(p.batchPool().allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    @Test
    void aPlainForLoopThatBreaksLeaksNothingPastTheNextEpochsStart() {
        List<EchoNetRecord> records = PipelineFixtures.records();
        long baseline = NativeBytes.settled();
        Pipeline p = pipeline(records, options());
        warmUp(p);
        long steadyBytes = bytesBesidesThePool(p.batchPool());
        for (int epoch = 1; epoch < EPOCHS; epoch++) {
            for (Batch b : p.consume(p.batches(epoch))) {
                b.close();
                break; // the iteration stays open until the next one starts
            }
            assertThat(p.batchPool().allocated())
                    .isLessThanOrEqualTo(p.batchPool().maxBuffers());
        }
        wholeEpoch(p, EPOCHS); // a whole epoch after all those breaks
        BatchPool pool = p.batchPool();
        assertThat(pool.outstanding()).isZero();
        assertThat(free(pool)).isEqualTo(pool.allocated());
        assertThat(bytesBesidesThePool(pool)).isEqualTo(steadyBytes);
        p.close();
        assertThat(pool.allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    @Test
    void anExceptionInTheLoopBodyReturnsEveryBuffer() {
        try (Pipeline p = pipeline(PipelineFixtures.records(), options())) {
            for (int epoch = 0; epoch < 5; epoch++) {
                int e = epoch;
                assertThatThrownBy(() -> {
                            try (BatchIterator<Batch> it = p.iterate(e)) {
                                int seen = 0;
                                while (it.hasNext()) {
                                    try (Batch b = it.next()) {
                                        if (seen++ == e) {
                                            throw new IllegalStateException("the training step failed");
                                        }
                                    }
                                }
                            }
                        })
                        .hasMessage("the training step failed");
                assertThat(p.batchPool().outstanding()).isZero();
            }
            // the pipeline goes on as if nothing happened
            try (BatchIterator<Batch> it = p.iterate(9)) {
                assertThat(it.stream()
                                .mapToInt(b -> {
                                    try (b) {
                                        return b.size();
                                    }
                                })
                                .sum())
                        .isEqualTo(PipelineFixtures.records().size());
            }
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void aStreamErrorEndsTheIterationWithItsCauseAndReturnsEveryBuffer(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        Files.write(records.get(2).video(), new byte[] {1, 2, 3}); // not a video any more
        try (Pipeline p = pipeline(
                records, options().toBuilder().onError(ErrorPolicy.FAIL).build())) {
            BatchIterator<Batch> it = p.iterate(0);
            assertThatThrownBy(() -> {
                        while (it.hasNext()) {
                            it.next().close();
                        }
                    })
                    .isInstanceOf(SampleException.class)
                    .hasMessageContaining(records.get(2).id());
            assertThat(it.isClosed()).isTrue();
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void loopsThatBreakEarlyUnderFaultsReturnEveryBufferAndTheNextLoopsRun(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        for (int i = 0; i < records.size(); i += 3) {
            Files.write(records.get(i).video(), new byte[] {1, 2, 3}); // a third of the videos are broken
        }
        int broken = (records.size() + 2) / 3;
        PipelineOptions o = options().toBuilder().onError(ErrorPolicy.SKIP).build();
        try (Pipeline p = pipeline(records, o)) {
            for (int loop = 0; loop < 3; loop++) {
                try (BatchIterator<Batch> it = p.iterate(loop)) { // closeable iteration
                    while (it.hasNext()) {
                        try (Batch b = it.next()) {
                            break;
                        }
                    }
                }
                assertThat(p.batchPool().outstanding())
                        .as("buffers out after loop %d", loop)
                        .isZero();
                for (Batch b : p.consume(p.batches(10 + loop))) { // a plain for loop over consume
                    b.close();
                    break;
                }
            }
            // a whole epoch after the early stops: every good sample, every broken one reported (counted by epoch:
            // the tasks of the last abandoned loop may still be reporting theirs as this one starts)
            java.util.concurrent.atomic.AtomicInteger failedNow = new java.util.concurrent.atomic.AtomicInteger();
            p.onFailure(f -> {
                if (f.epoch() == 20) {
                    failedNow.incrementAndGet();
                }
            });
            int delivered = 0;
            try (BatchIterator<Batch> it = p.iterate(20)) {
                while (it.hasNext()) {
                    try (Batch b = it.next()) {
                        delivered += b.size();
                    }
                }
            }
            assertThat(delivered).isEqualTo(records.size() - broken);
            assertThat(failedNow.get()).isEqualTo(broken);
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void samplesFailingTogetherUnderFailEndTheStreamWithOneSampleExceptionNotAComposite(@TempDir Path tmp)
            throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        for (EchoNetRecord r : records) {
            Files.write(r.video(), new byte[] {1, 2, 3}); // every video broken: the threads fail at once
        }
        PipelineOptions o = PipelineOptions.builder()
                .batchSize(1)
                .threads(4)
                .prefetch(4)
                .onError(ErrorPolicy.FAIL)
                .build();
        try (Pipeline p = pipeline(records, o)) {
            for (int run = 0; run < 5; run++) {
                BatchIterator<Batch> it = p.iterate(run);
                assertThatThrownBy(() -> {
                            while (it.hasNext()) {
                                it.next().close();
                            }
                        })
                        .isExactlyInstanceOf(SampleException.class)
                        .hasMessageContaining("error policy is fail");
                assertThat(p.batchPool().outstanding()).isZero();
            }
        }
    }

    @Test
    void failuresOnEveryThreadAtTheSameInstantStillEndTheStreamWithOneSampleException() {
        int threads = 4;
        FakeSource source = new FakeSource(64);
        PipelineOptions o = PipelineOptions.builder()
                .batchSize(1)
                .threads(threads)
                .prefetch(4)
                .onError(ErrorPolicy.FAIL)
                .build();
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            for (int run = 0; run < 50; run++) {
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
                source.load = (plan, slot, deadline) -> {
                    try {
                        together.await(2, TimeUnit.SECONDS); // the threads fail together
                    } catch (Exception e) {
                        // a thread left alone (the stream already ended) fails on its own
                    }
                    throw new SampleException(org.etab.source.Stage.DECODE, plan.id() + ": broken");
                };
                BatchIterator<Batch> it = p.iterate(run);
                assertThatThrownBy(() -> {
                            while (it.hasNext()) {
                                it.next().close();
                            }
                        })
                        .as("run %d", run)
                        .isExactlyInstanceOf(SampleException.class)
                        .hasMessageContaining("error policy is fail");
                assertThat(p.batchPool().outstanding()).isZero();
            }
        }
    }

    @Test
    void aStepLongerThanTheGraceIsWaitedForAndAConsumerThatNeverClosesIsNamedWithinSeconds() throws Exception {
        FakeSource source = new FakeSource(24);
        // a pool of 6: 4 batches ahead, 2 held; the iteration buffers 2 ahead of the one in hand
        PipelineOptions o = PipelineOptions.builder().batchSize(2).threads(2).build();
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            int n = 0;
            try (BatchIterator<Batch> it = p.iterate(0)) {
                while (it.hasNext()) {
                    try (Batch b = it.next()) {
                        if (n++ == 0) {
                            Thread.sleep(BatchPool.HELD_GRACE.plusSeconds(1).toMillis()); // an evaluation, say
                        }
                    }
                }
            }
            assertThat(n).isEqualTo(12);
            assertThat(p.account().delivered()).isEqualTo(24);
            assertThat(p.batchPool().outstanding()).isZero();

            // a loop that keeps asking without closing: every buffer ends up in its hands, and it is told so
            List<Batch> kept = new java.util.ArrayList<>();
            long t0 = System.nanoTime();
            try (BatchIterator<Batch> it = p.iterate(1)) {
                assertThatThrownBy(() -> {
                            while (it.hasNext()) {
                                kept.add(it.next());
                            }
                        })
                        .hasMessageContaining("6 batches were assembled and not closed");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(BatchPool.HELD_GRACE.multipliedBy(3));
            kept.forEach(Batch::close);
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void aPlainToIterableLoopWhoseStepOutlastsTheGraceRunsToItsEnd() throws Exception {
        FakeSource source = new FakeSource(12);
        // a pool of 4: 2 batches ahead, 2 held; Reactor's toIterable() asks for 256 and queues what comes, so during
        // a long step the pool fills with batches queued for a loop that closes every one: backpressure, not a leak
        PipelineOptions o =
                PipelineOptions.builder().batchSize(2).threads(1).prefetch(1).build();
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            int n = 0;
            for (Batch b : p.batches(0).toIterable()) {
                try (b) {
                    if (n++ == 0) {
                        Thread.sleep(BatchPool.HELD_GRACE.plusSeconds(2).toMillis()); // an evaluation, say
                    }
                }
            }
            assertThat(n).isEqualTo(6);
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void closingThePipelineUnderALiveSubscriptionEndsItWithAnError() {
        FakeSource source = new FakeSource(64);
        // 4 batches, all handed to the one decode thread at once: when the pipeline closes, 3 are still queued
        PipelineOptions o = PipelineOptions.builder()
                .batchSize(4)
                .threads(1)
                .prefetch(3)
                .limit(16)
                .build();
        Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE);
        source.load = (plan, slot, deadline) -> {
            sleepMillis(100);
            return FakeSource.ONE_FRAME;
        };
        // closed once the first batch is out, so that the other three are queued or loading, however slow the machine
        CountDownLatch firstBatch = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            try {
                firstBatch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.close();
        });
        closer.start();
        // batch tasks still queued when the pipeline closes never run; the stream must not wait for them
        assertThatThrownBy(() -> p.batches(0)
                        .doOnNext(b -> {
                            firstBatch.countDown();
                            sleepMillis(400);
                            b.close();
                        })
                        .blockLast(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pipeline is closed");
    }

    @Test
    void batchesQueuedByTheSubscribersOwnOperatorsComeBackThroughItsDiscardHook() throws Exception {
        FakeSource source = new FakeSource(40);
        PipelineOptions o = PipelineOptions.builder().batchSize(4).threads(2).build();
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            p.batches(0)
                    .publishOn(reactor.core.scheduler.Schedulers.boundedElastic()) // queues batches ahead
                    .take(1)
                    .doOnNext(Batch::close)
                    .doOnDiscard(Batch.class, Batch::close) // as docs/architecture.md says, for the queued ones
                    .blockLast(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (p.batchPool().outstanding() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // publishOn clears its queue on its own thread
            }
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aParallelStreamOfAnIterationIsTakenOneBatchAtATime() {
        FakeSource source = new FakeSource(40);
        // a pool of 6 for 10 batches: a split that took batches out by the hundred would hold every buffer
        PipelineOptions o = PipelineOptions.builder().batchSize(4).threads(2).build();
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE);
                Stream<Batch> s = p.iterate(0).stream().parallel()) {
            int samples = s.mapToInt(b -> {
                        try (b) {
                            return b.size();
                        }
                    })
                    .sum();
            assertThat(samples).isEqualTo(40);
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void aParallelStreamOverConsumeIsTakenOneBatchAtATime() {
        FakeSource source = new FakeSource(40);
        PipelineOptions o = PipelineOptions.builder().batchSize(4).threads(2).build(); // a pool of 6 for 10 batches
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            Iterable<Batch> epoch = p.consume(p.batches(0));
            int samples = java.util.stream.StreamSupport.stream(epoch.spliterator(), true)
                    .mapToInt(b -> {
                        try (b) {
                            return b.size();
                        }
                    })
                    .sum();
            assertThat(samples).isEqualTo(40);
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void aStreamViewClosedAfterATakeReturnsEveryBuffer() {
        try (Pipeline p = pipeline(PipelineFixtures.records(), options())) {
            for (int epoch = 0; epoch < 10; epoch++) {
                try (Stream<Batch> s = p.iterate(epoch).stream()) {
                    assertThat(s.limit(2).peek(Batch::close).count()).isEqualTo(2);
                }
                assertThat(p.batchPool().outstanding()).isZero();
            }
        }
    }

    @Test
    void aLoopEndedByATakeOfTheCallersReturnsEveryBufferWhenItEnds() throws Exception {
        FakeSource source = new FakeSource(40);
        CountDownLatch secondBatchLoading = new CountDownLatch(1);
        CountDownLatch loopEnded = new CountDownLatch(1);
        source.load = (plan, slot, deadline) -> {
            if (plan.record() == 3) { // the first batch ends (and take(1) completes) once the second one loads
                awaitQuietly(secondBatchLoading, Duration.ofSeconds(60));
            }
            if (plan.record() == 4) { // the second batch's first sample, still loading when take(1) completes
                secondBatchLoading.countDown();
                awaitQuietly(loopEnded, Duration.ofSeconds(2)); // bounded: a loop that waits for it still ends
            }
            return FakeSource.ONE_FRAME;
        };
        PipelineOptions o = PipelineOptions.builder().batchSize(4).threads(2).build();
        try (Pipeline p = new Pipeline(source, o, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            int batches = 0;
            try (BatchIterator<Batch> it = p.iterate(p.batches(0).take(1), 2)) {
                while (it.hasNext()) {
                    it.next().close();
                    batches++;
                }
            }
            int outstanding = p.batchPool().outstanding();
            loopEnded.countDown();
            assertThat(batches).isEqualTo(1);
            assertThat(outstanding).as("buffers out when the loop has ended").isZero();
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration limit) {
        try {
            latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aNewIterationClosesTheOlderOneWhichThenSaysWhy() {
        try (Pipeline p = pipeline(PipelineFixtures.records(), options())) {
            BatchIterator<Batch> older = p.iterate(0);
            older.next().close();
            try (BatchIterator<Batch> newer = p.iterate(1)) {
                assertThat(older.isClosed()).isTrue();
                assertThatThrownBy(older::hasNext)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("a newer iteration started on the same pipeline");
                int n = 0;
                while (newer.hasNext()) {
                    try (Batch b = newer.next()) {
                        n += b.size();
                    }
                }
                assertThat(n).isEqualTo(PipelineFixtures.records().size());
            }
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    @Test
    void sampleStreamsIterateTheSameWay() {
        try (Pipeline p = pipeline(PipelineFixtures.records(), options())) {
            for (int epoch = 0; epoch < 20; epoch++) {
                try (BatchIterator<Sample> it = p.iterate(p.samples(epoch), 1)) {
                    it.next().close();
                }
                assertThat(p.samplePool().outstanding()).isZero();
            }
        }
    }

    @Test
    void closingThePipelineClosesItsOpenIterationAndFreesEverything() {
        List<EchoNetRecord> records = PipelineFixtures.records();
        long baseline = NativeBytes.settled();
        Pipeline p = pipeline(records, options());
        BatchIterator<Batch> it = p.iterate(0);
        it.next().close();
        p.close();
        assertThat(it.isClosed()).isTrue();
        assertThatThrownBy(it::hasNext).hasMessageContaining("the pipeline was closed");
        assertThatThrownBy(() -> p.iterate(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("pipeline is closed");
        assertThat(p.batchPool().allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    @Test
    void aConsumerWhoseIterationAnotherThreadClosedHasItsBuffersBackWhenItsOwnCloseReturns() throws Exception {
        // a watchdog closes the iteration while the loop waits for a batch; the loop's try-with-resources close must
        // wait as the watchdog's does, for the batch task that a cancel stops only after its sample
        LingeringSource source = new LingeringSource(2, 1500);
        try (Pipeline p = new Pipeline(
                source,
                PipelineOptions.builder().batchSize(2).threads(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            BatchIterator<Batch> it = p.iterate(0);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicInteger outstanding = new AtomicInteger(-1);
            Thread loop = new Thread(() -> {
                try (it) {
                    while (it.hasNext()) {
                        it.next().close();
                    }
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
                outstanding.set(p.batchPool().outstanding());
            });
            loop.start();
            assertThat(source.lingering.await(30, TimeUnit.SECONDS)).isTrue();
            Thread watchdog = new Thread(it::close, "watchdog");
            watchdog.start();
            loop.join(60_000);
            assertThat(thrown.get())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this iteration is closed");
            assertThat(outstanding.get())
                    .as("buffers out when the loop's close returned")
                    .isZero();
            watchdog.join(60_000);
        }
    }
}
