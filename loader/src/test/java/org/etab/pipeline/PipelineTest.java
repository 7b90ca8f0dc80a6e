package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.Pointer;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.batch.Sample;
import org.etab.batch.SampleInfo;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.etab.testing.NativeBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class PipelineTest {

    /** What a batch is, independent of where it lives: ids, frames, and a checksum of every byte. */
    private static String fingerprint(Batch b) {
        CRC32 x = new CRC32();
        CRC32 y = new CRC32();
        for (int i = 0; i < b.size(); i++) {
            x.update(b.features().slotBytes(i));
            y.update(b.labels().slotBytes(i));
        }
        StringBuilder sb = new StringBuilder();
        for (SampleInfo s : b.samples()) {
            sb.append(s.id()).append('@').append(s.sourceFrames()[0]).append(',');
        }
        return b.index() + ":" + sb + Long.toHexString(x.getValue()) + "/" + Long.toHexString(y.getValue());
    }

    private static List<String> run(int threads, boolean ordered, int epoch) {
        List<String> out = new ArrayList<>();
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(5, true)),
                PipelineFixtures.options(4, threads).toBuilder()
                        .ordered(ordered)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(epoch).toIterable(1)) {
                try (b) {
                    out.add(fingerprint(b));
                }
            }
            assertThat(p.account().failed()).isZero();
        }
        return out;
    }

    @Test
    void manyEpochsInOneStreamAreTheEpochsOneAfterTheOther() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(5, true)),
                PipelineFixtures.options(4, 2),
                registry,
                HostAllocator.NATIVE)) {
            List<String> oneByOne = new ArrayList<>();
            for (int e = 0; e < 3; e++) {
                for (Batch b : p.batches(e, e == 0 ? 5 : 0).toIterable(1)) {
                    try (b) {
                        oneByOne.add(b.samples().get(0).epoch() + "/" + fingerprint(b));
                    }
                }
            }
            long plannedOneByOne = p.account().planned();
            List<String> together = new ArrayList<>();
            for (Batch b : p.batches(0, 2, 5).toIterable(1)) {
                try (b) {
                    together.add(b.samples().get(0).epoch() + "/" + fingerprint(b));
                }
            }
            assertThat(together).isEqualTo(oneByOne);
            int n = PipelineFixtures.records().size();
            assertThat(plannedOneByOne).isEqualTo(3L * n - 5);
            assertThat(p.account().planned()).isEqualTo(2 * plannedOneByOne);
            assertThat(p.account().delivered()).isEqualTo(2 * plannedOneByOne);
            assertThat(p.batchPool().outstanding()).isZero();
        }
    }

    /**
     * The last sample of epoch 0 waits until a sample of epoch 1 is being decoded: only a stream that assembles the
     * next epoch while the previous one ends gets through (epoch by epoch, the wait would time out and fail it).
     */
    @Test
    void theNextEpochIsAssembledWhileThePreviousOneEnds() {
        EchoNetSource inner = new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(5, true));
        java.util.Map<SamplePlan, Integer> epochOf =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        java.util.concurrent.CountDownLatch epoch1Started = new java.util.concurrent.CountDownLatch(1);
        SampleSource source = new SampleSource() {
            @Override
            public String dataset() {
                return inner.dataset();
            }

            @Override
            public org.etab.batch.TensorSpec features() {
                return inner.features();
            }

            @Override
            public org.etab.batch.TensorSpec labels() {
                return inner.labels();
            }

            @Override
            public List<SamplePlan> plan(int epoch) {
                List<SamplePlan> plans = inner.plan(epoch);
                plans.forEach(pl -> epochOf.put(pl, epoch));
                return plans;
            }

            @Override
            public SampleWorker newWorker() {
                SampleWorker w = inner.newWorker();
                return new SampleWorker() {
                    @Override
                    public LoadStats load(
                            SamplePlan plan, org.etab.batch.BatchPool.Buffers buffers, int slot, long deadlineNanos) {
                        Integer epoch = epochOf.get(plan);
                        if (epoch != null && epoch == 1) {
                            epoch1Started.countDown();
                        }
                        if (epoch != null && epoch == 0 && plan == lastOfEpoch0(epochOf)) {
                            try {
                                if (!epoch1Started.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                                    throw new SampleException(
                                            Stage.INTERNAL, "epoch 1 did not start while epoch 0 ended");
                                }
                            } catch (InterruptedException e) {
                                throw new SampleException(Stage.INTERNAL, "interrupted", e);
                            }
                        }
                        return w.load(plan, buffers, slot, deadlineNanos);
                    }

                    @Override
                    public void close() {
                        w.close();
                    }
                };
            }
        };
        try (Pipeline p =
                new Pipeline(source, PipelineFixtures.options(4, 2), new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            long batches = 0;
            for (Batch b : p.batches(0, 1, 0).toIterable(1)) {
                try (b) {
                    batches++;
                }
            }
            int n = PipelineFixtures.records().size();
            assertThat(p.account().failed()).as(p.account().toString()).isZero();
            assertThat(p.account().delivered()).isEqualTo(2L * n);
            assertThat(batches).isEqualTo(2L * ((n + 3) / 4));
        }
    }

    /** The last plan of epoch 0 in delivery order (no sharding or limit: the source's own order). */
    private static SamplePlan lastOfEpoch0(java.util.Map<SamplePlan, Integer> epochOf) {
        synchronized (epochOf) {
            SamplePlan last = null;
            for (java.util.Map.Entry<SamplePlan, Integer> e : epochOf.entrySet()) {
                if (e.getValue() == 0 && (last == null || e.getKey().position() > last.position())) {
                    last = e.getKey();
                }
            }
            return last;
        }
    }

    @Test
    void orderedOutputIsIdenticalAcrossRunsAndThreadCounts() {
        List<String> one = run(1, true, 0);
        assertThat(one).hasSize(3); // 12 videos, batch 4
        assertThat(run(1, true, 0)).isEqualTo(one);
        assertThat(run(2, true, 0)).isEqualTo(one);
        assertThat(run(3, true, 0)).isEqualTo(one);
        assertThat(run(2, true, 1)).isNotEqualTo(one); // a fresh permutation and fresh clip starts
    }

    @Test
    void unorderedModeDeliversTheSameBatchesInSomeOrder() {
        assertThat(new HashSet<>(run(2, false, 0))).isEqualTo(new HashSet<>(run(1, true, 0)));
    }

    @Test
    void aSlowSubscriberBoundsTheWorkInFlight() {
        PipelineOptions o =
                PipelineFixtures.options(2, 2).toBuilder().prefetch(1).build();
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(1, false)),
                o,
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            Flux<Batch> flux = p.batches(0).doOnNext(Batch::close);
            StepVerifier.create(flux, 1)
                    .expectNextCount(1)
                    .thenAwait(Duration.ofMillis(800))
                    .then(() -> {
                        // one batch requested; at most `batchesAhead` more may have been assembled ahead
                        long bound = (1 + o.batchesAhead()) * (long) o.batchSize();
                        assertThat(p.account().delivered())
                                .isLessThanOrEqualTo(bound)
                                .isLessThan(12);
                        assertThat(p.batchPool().allocated())
                                .isLessThanOrEqualTo(p.batchPool().maxBuffers());
                    })
                    .thenRequest(Long.MAX_VALUE)
                    .expectNextCount(5)
                    .verifyComplete();
            assertThat(p.batchPool().allocated()).isLessThanOrEqualTo(o.batchesAhead() + o.consumerHeld());
        }
    }

    @Test
    void aSubscriberRequestingOneAtATimeNeverHoldsMoreThanThePool() throws Exception {
        PipelineOptions o =
                PipelineFixtures.options(1, 2).toBuilder().prefetch(0).build();
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(1, false)),
                o,
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            int max = 0;
            int n = 0;
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    max = Math.max(max, p.batchPool().outstanding());
                    Thread.sleep(20); // slower than the decoders
                    n++;
                }
            }
            assertThat(n).isEqualTo(12);
            assertThat(max).isLessThanOrEqualTo(p.batchPool().maxBuffers());
            assertThat(p.batchPool().allocated()).isLessThanOrEqualTo(o.batchesAhead() + o.consumerHeld());
        }
    }

    @Test
    void cancellingMidStreamReturnsEveryBufferAndCloseFreesAllNativeMemory() throws Exception {
        List<EchoNetRecord> records = PipelineFixtures.records(); // the phantom exists before the baseline
        long baseline = NativeBytes.settled();
        Pipeline p = new Pipeline(
                new EchoNetSource(records, PipelineFixtures.w1(1, false)),
                PipelineFixtures.options(2, 2),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
        for (int epoch = 0; epoch < 5; epoch++) {
            List<Batch> taken = p.batches(epoch).take(2).collectList().block();
            assertThat(taken).hasSize(2);
            taken.forEach(Batch::close);
            Disposable d = p.batches(epoch).doOnNext(Batch::close).subscribe();
            Thread.sleep(30);
            d.dispose();
        }
        // tasks that were running when cancelled give their buffers back when they finish
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.batchPool().outstanding() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(p.batchPool().outstanding()).isZero();
        assertThat(Pointer.totalBytes()).isGreaterThan(baseline);
        p.close();
        assertThat(p.batchPool().allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    @Test
    void manyEpochsWithCancellationsAndInjectedFailuresLeakNothing(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        Files.delete(records.get(1).video()); // missing
        Files.write(records.get(4).video(), new byte[] {0, 1, 2, 3}); // not a video
        byte[] whole = Files.readAllBytes(records.get(7).video());
        Files.write(records.get(7).video(), java.util.Arrays.copyOf(whole, whole.length / 3)); // truncated
        long baseline = NativeBytes.settled();
        for (ErrorPolicy policy : ErrorPolicy.values()) {
            Pipeline p = new Pipeline(
                    new EchoNetSource(records, PipelineFixtures.w1(3, true)),
                    PipelineFixtures.options(2, 2).toBuilder().onError(policy).build(),
                    new SimpleMeterRegistry(),
                    HostAllocator.NATIVE);
            for (int epoch = 0; epoch < 8; epoch++) {
                switch (epoch % 4) {
                    case 0 ->
                        p.batches(epoch)
                                .doOnNext(Batch::close)
                                .onErrorResume(e -> Flux.empty())
                                .blockLast();
                    case 1 ->
                        p.batches(epoch)
                                .take(1 + epoch % 3)
                                .doOnNext(Batch::close)
                                .onErrorResume(e -> Flux.empty())
                                .blockLast();
                    case 2 -> {
                        Disposable d = p.batches(epoch)
                                .doOnNext(Batch::close)
                                .onErrorResume(e -> Flux.empty())
                                .subscribe();
                        Thread.sleep(5 * epoch);
                        d.dispose();
                    }
                    default ->
                        p.samples(epoch)
                                .doOnNext(Sample::close)
                                .onErrorResume(e -> Flux.empty())
                                .blockLast();
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((p.batchPool().outstanding() != 0 || p.samplePool().outstanding() != 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(p.batchPool().outstanding()).isZero();
            assertThat(p.samplePool().outstanding()).isZero();
            assertThat(p.account().failed()).isPositive();
            p.close();
            assertThat(Pointer.totalBytes())
                    .as("native bytes after closing (policy %s)", policy)
                    .isEqualTo(baseline);
        }
    }

    @Test
    void closingFromInsideTheStreamFreesEverythingOnceTheTasksEnd() throws Exception {
        List<EchoNetRecord> records = PipelineFixtures.records();
        long baseline = NativeBytes.settled();
        for (int run = 0; run < 20; run++) {
            int seed = run;
            // Flux.using closes the pipeline on completion, i.e. on a decode thread delivering onComplete
            long n = Flux.using(
                            () -> new Pipeline(
                                    new EchoNetSource(records, PipelineFixtures.w1(seed, true)),
                                    PipelineFixtures.options(4, 2),
                                    new SimpleMeterRegistry(),
                                    HostAllocator.NATIVE),
                            p -> p.batches(0).doOnNext(Batch::close),
                            Pipeline::close)
                    .count()
                    .block();
            assertThat(n).isEqualTo(3);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Pointer.totalBytes() != baseline && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    @Test
    void aMissingVideoIsReportedAndTheAccountBalances(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        EchoNetRecord gone = records.get(5);
        Files.delete(gone.video());
        try (Pipeline p = new Pipeline(
                new EchoNetSource(records, PipelineFixtures.w1(1, false)),
                PipelineFixtures.options(4, 2),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            List<String> ids = new ArrayList<>();
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    b.samples().forEach(s -> ids.add(s.id()));
                }
            }
            assertThat(ids).hasSize(11).doesNotContain(gone.id());
            assertThat(p.account().planned()).isEqualTo(12);
            assertThat(p.account().delivered()).isEqualTo(11);
            assertThat(p.account().failed()).isEqualTo(1);
            SampleFailure f = p.account().failures().get(0);
            assertThat(f.id()).isEqualTo(gone.id());
            assertThat(f.stage()).isEqualTo(Stage.DECODE);
            assertThat(f.reason()).contains(gone.video().getFileName().toString());
        }
    }

    @Test
    void failPolicyStopsAtTheFirstBadSampleNamingIt(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        Files.write(records.get(2).video(), new byte[] {1, 2, 3}); // not a video any more
        try (Pipeline p = new Pipeline(
                new EchoNetSource(records, PipelineFixtures.w1(1, false)),
                PipelineFixtures.options(4, 2).toBuilder()
                        .onError(ErrorPolicy.FAIL)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            StepVerifier.create(p.batches(0).doOnNext(Batch::close))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(SampleException.class)
                            .hasMessageContaining(records.get(2).id())
                            .hasMessageContaining(
                                    records.get(2).video().getFileName().toString()))
                    .verify(Duration.ofSeconds(30));
        }
    }

    @Test
    void theSampleStreamGivesEachPlanInItsOwnSlot() {
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(3, true)),
                PipelineFixtures.options(8, 2),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            List<String> ids = new ArrayList<>();
            for (Sample s : p.samples(0).toIterable(1)) {
                try (s) {
                    assertThat(s.features().capacity()).isEqualTo(1);
                    ids.add(s.id());
                }
            }
            List<String> planned =
                    p.source().plan(0).stream().map(SamplePlan::id).toList();
            assertThat(ids).isEqualTo(planned);
            assertThat(p.samplePool().outstanding()).isZero();
        }
    }

    @Test
    void limitAndDropLastShapeTheEpoch() {
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(3, false)),
                PipelineFixtures.options(4, 2).toBuilder()
                        .limit(10)
                        .dropLast(true)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            List<Integer> sizes = new ArrayList<>();
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    sizes.add(b.size());
                }
            }
            assertThat(sizes).containsExactly(4, 4);
            assertThat(p.account().planned()).isEqualTo(8);
        }
    }

    @Test
    void consumeBuffersAtMostItsPrefetchAheadOfTheConsumer() {
        try (Pipeline p = new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(5, true)),
                PipelineFixtures.options(4, 1),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (int prefetch : new int[] {1, 3}) {
                List<Long> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
                List<Integer> got = new ArrayList<>();
                for (int i : p.consume(reactor.core.publisher.Flux.range(0, 10).doOnRequest(requests::add), prefetch)) {
                    got.add(i);
                }
                assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
                assertThat(requests).allMatch(n -> n <= prefetch).first().isEqualTo((long) prefetch);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.consume(reactor.core.publisher.Flux.empty(), 0))
                    .hasMessage("prefetch >= 1 required but was 0");
        }
    }
}
