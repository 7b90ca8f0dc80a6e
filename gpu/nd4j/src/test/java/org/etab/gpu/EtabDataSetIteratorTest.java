package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;

/** The DL4J iterator on the phantom EchoNet set: 12 gray 32x32 stills in batches of 5 (5, 5, 2). */
class EtabDataSetIteratorTest {
    static final int BATCH = 5;

    static List<EchoNetRecord> records() {
        return EchoNetReader.read(PhantomDatasets.echonet()).select("all");
    }

    static Pipeline stills(Target target, long seed) {
        SampleOptions o = SampleOptions.builder()
                .target(target)
                .video(false)
                .frameSize(32, 32)
                .channels(1)
                .normalize(false)
                .dtype(DType.FLOAT32)
                .seed(seed)
                .shuffle(true)
                .build();
        return new Pipeline(
                new EchoNetSource(records(), o),
                PipelineOptions.builder().batchSize(BATCH).threads(2).build());
    }

    /** The EF of each sample of an epoch, in the order the pipeline plans it. */
    static List<Float> plannedEf(Pipeline p, int epoch) {
        Map<String, Float> ef = records().stream().collect(Collectors.toMap(EchoNetRecord::id, r -> (float) r.ef()));
        return p.schedule(epoch, 0, BATCH).stream()
                .map(s -> ef.get(s.plan().id()))
                .toList();
    }

    static List<DataSet> epoch(EtabDataSetIterator it) {
        List<DataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    static List<Float> column(List<DataSet> sets, Function<DataSet, INDArray> part, int col) {
        List<Float> out = new ArrayList<>();
        for (DataSet d : sets) {
            INDArray a = part.apply(d);
            for (int i = 0; i < a.rows(); i++) {
                out.add(a.getFloat(i, col));
            }
        }
        return out;
    }

    @Test
    void shapesAndEfLabelsFollowThePlan() {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            assertThat(it.batch()).isEqualTo(BATCH);
            assertThat(it.inputColumns()).isEqualTo(32 * 32);
            assertThat(it.totalOutcomes()).isEqualTo(1);
            assertThat(it.asyncSupported()).isFalse();
            assertThat(it.resetSupported()).isTrue();
            List<DataSet> sets = epoch(it);
            assertThat(sets).extracting(DataSet::numExamples).containsExactly(5, 5, 2);
            for (DataSet d : sets) {
                assertThat(d.getFeatures().shape()).containsExactly(d.numExamples(), 1, 32, 32);
                assertThat(d.getFeatures().dataType()).isEqualTo(DataType.FLOAT);
                assertThat(d.getLabels().shape()).containsExactly(d.numExamples(), 1);
                assertThat(d.getLabels().dataType()).isEqualTo(DataType.FLOAT);
                assertThat(d.getFeatures().maxNumber().doubleValue()).isBetween(0.0, 1.0);
                assertThat(d.getFeatures().sumNumber().doubleValue()).isPositive();
            }
            assertThat(column(sets, DataSet::getLabels, 0)).isEqualTo(plannedEf(p, 0));
            assertThat(p.account().failed()).isZero();
        }
    }

    @Test
    void cmIsOneHotWhenAskedElseTheIndexAsFloat() {
        try (Pipeline p = stills(Target.CM, 7)) {
            List<Float> ef = plannedEf(p, 0);
            try (EtabDataSetIterator it =
                    EtabDataSetIterator.builder(p).oneHot(2).build()) {
                assertThat(it.totalOutcomes()).isEqualTo(2);
                assertThat(it.getLabels()).containsExactly("0", "1");
                List<DataSet> sets = epoch(it);
                for (DataSet d : sets) {
                    assertThat(d.getLabels().shape()).containsExactly(d.numExamples(), 2);
                    assertThat(d.getLabels().sum(1).toFloatVector()).containsOnly(1f);
                }
                List<Float> cm = column(sets, DataSet::getLabels, 1);
                assertThat(cm).isEqualTo(ef.stream().map(e -> e < 50 ? 1f : 0f).toList());
                assertThat(cm).contains(0f, 1f); // the phantom has both classes
            }
            try (EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
                List<DataSet> sets = epoch(it);
                assertThat(sets.get(0).getLabels().shape()).containsExactly(BATCH, 1);
                assertThat(column(sets, DataSet::getLabels, 0))
                        .isEqualTo(ef.stream().map(e -> e < 50 ? 1f : 0f).toList());
            }
        }
    }

    @Test
    void oneHotOfARegressionTargetFailsWhenBuilt() {
        try (Pipeline p = stills(Target.EF, 7)) {
            assertThatThrownBy(() -> EtabDataSetIterator.builder(p).oneHot(2).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("float32[1]");
            assertThatThrownBy(() -> EtabDataSetIterator.builder(p).oneHot(1))
                    .hasMessageContaining("classes >= 2 required but was 1");
        }
    }

    @Test
    void nextAfterTheEndThrowsAndNextOfAnotherSizeIsRefused() {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            assertThatThrownBy(() -> it.next(3)).isInstanceOf(UnsupportedOperationException.class);
            assertThat(it.next(BATCH).numExamples()).isEqualTo(BATCH);
            it.next();
            it.next();
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next)
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessage("epoch 0 has no more batches; reset() starts epoch 1");
        }
    }

    @Test
    void theFirstEpochIsTheBuildersAndNeverNegative() {
        try (Pipeline p = stills(Target.EF, 7)) {
            assertThatThrownBy(() -> EtabDataSetIterator.builder(p).firstEpoch(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("firstEpoch >= 0 required but was -1");
            try (EtabDataSetIterator it =
                    EtabDataSetIterator.builder(p).firstEpoch(2).build()) {
                assertThat(it.epoch()).isEqualTo(2);
                assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(plannedEf(p, 2));
                assertThat(it.toString())
                        .isEqualTo("EtabDataSetIterator[echonet, epoch 2, batch " + BATCH + ", features "
                                + p.source().features() + ", labels "
                                + p.source().labels() + ", COPY]");
            }
            try (EtabDataSetIterator it =
                    EtabDataSetIterator.builder(p).firstEpoch(0).build()) {
                assertThat(it.epoch()).isZero();
            }
        }
    }

    /** A view's batch is the caller's until the next {@code next()}, or until the iterator moves to another epoch. */
    @Test
    void movingToAnotherEpochReleasesTheBatchAViewHeld() throws InterruptedException {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.builder(p)
                        .ownership(EtabDataSetIterator.Ownership.VIEW)
                        .build()) {
            it.next();
            it.reset();
            awaitNoOutstanding(p); // the epoch's iteration is closed, and the view's batch went back with it
            it.next();
            it.setEpoch(4);
            awaitNoOutstanding(p);
            it.next();
            it.setEpoch(4, 0);
            awaitNoOutstanding(p);
        }
    }

    @Test
    void aNewIteratorWithTheSameSeedReplaysTheSameSequence() {
        List<Float> first;
        List<Float> second;
        List<Float> pixels1;
        List<Float> pixels2;
        try (Pipeline p = stills(Target.EF, 11);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            List<DataSet> e0 = epoch(it);
            it.reset();
            List<DataSet> e1 = epoch(it);
            first = concat(column(e0, DataSet::getLabels, 0), column(e1, DataSet::getLabels, 0));
            pixels1 = rowSums(e0, e1);
        }
        try (Pipeline p = stills(Target.EF, 11);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            List<DataSet> e0 = epoch(it);
            it.reset();
            List<DataSet> e1 = epoch(it);
            second = concat(column(e0, DataSet::getLabels, 0), column(e1, DataSet::getLabels, 0));
            pixels2 = rowSums(e0, e1);
        }
        assertThat(second).isEqualTo(first);
        assertThat(pixels2).isEqualTo(pixels1);
    }

    private static List<Float> concat(List<Float> a, List<Float> b) {
        List<Float> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<Float> rowSums(List<DataSet> a, List<DataSet> b) {
        List<Float> out = new ArrayList<>();
        for (List<DataSet> sets : List.of(a, b)) {
            for (DataSet d : sets) {
                for (float f :
                        d.getFeatures().reshape(d.numExamples(), -1).sum(1).toFloatVector()) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    @Test
    void resetStartsAFreshEpochButNeverSkipsOne() {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            it.reset(); // nothing taken: still epoch 0
            assertThat(it.hasNext()).isTrue();
            it.reset(); // looked, took nothing: still epoch 0
            assertThat(it.epoch()).isZero();
            List<Float> e0 = column(epoch(it), DataSet::getLabels, 0);
            assertThat(e0).isEqualTo(plannedEf(p, 0));
            it.reset();
            it.reset(); // double reset: one epoch on
            assertThat(it.epoch()).isEqualTo(1);
            List<Float> e1 = column(epoch(it), DataSet::getLabels, 0);
            assertThat(e1).isEqualTo(plannedEf(p, 1)).isNotEqualTo(e0); // a fresh permutation
            assertThat(e1).containsExactlyInAnyOrderElementsOf(e0);

            it.reset();
            it.next(); // part of epoch 2, then reset: epoch 3 from its start
            it.reset();
            assertThat(it.epoch()).isEqualTo(3);
            assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(plannedEf(p, 3));

            it.setEpoch(1); // replay an epoch
            assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(e1);

            it.setEpoch(1, BATCH); // resume it after its first batch (a checkpoint's nextPosition)
            assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(e1.subList(BATCH, e1.size()));
            it.reset(); // the epoch after a resumed one starts from its beginning
            assertThat(it.epoch()).isEqualTo(2);
            assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(plannedEf(p, 2));
            assertThatThrownBy(() -> it.setEpoch(0, -1)).hasMessage("startAt >= 0 required but was -1");
            int length = e1.size();
            assertThatThrownBy(() -> it.setEpoch(1, length + 1)) // refused now, not when the epoch starts
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Integer.toString(length + 1));
            it.setEpoch(1, length); // a checkpoint after the epoch's last batch: nothing left of it
            assertThat(it.hasNext()).isFalse();
            it.reset();
            assertThat(it.epoch()).isEqualTo(2);
            assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(plannedEf(p, 2));
        }
    }

    @Test
    void everyBatchGoesBackToThePool() throws InterruptedException {
        try (Pipeline p = stills(Target.EF, 7)) {
            try (EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
                it.next();
                assertThat(PipelineProbe.batchPool(p).outstanding())
                        .isLessThanOrEqualTo(p.options().batchesAhead() + 1);
                epoch(it);
                assertThat(PipelineProbe.batchPool(p).outstanding()).isZero(); // a copy: each batch closed in next()

                it.reset();
                it.next(); // abandon epoch 1 mid-way
                it.reset();
                it.next();
            } // close mid-epoch 2: the stream is cancelled, the pipeline closes what it was assembling
            awaitNoOutstanding(p);

            try (EtabDataSetIterator it = EtabDataSetIterator.builder(p)
                    .ownership(EtabDataSetIterator.Ownership.VIEW)
                    .build()) {
                DataSet d = it.next();
                assertThat(d.getFeatures().dataType()).isEqualTo(DataType.FLOAT);
                float before = d.getFeatures().getFloat(0, 0, 16, 16);
                assertThat(PipelineProbe.batchPool(p).outstanding()).isPositive(); // the view holds its batch
                it.next(); // ...until the next next()
                epoch(it);
                assertThat(PipelineProbe.batchPool(p).outstanding()).isEqualTo(1); // the last view is still valid
                assertThat(before).isFinite();
            }
            awaitNoOutstanding(p);
        }
    }

    @Test
    void theConsumerWaitIsRecordedAndAnAbandonedEpochIsBackInThePoolWhenResetReturns() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .video(false)
                .frameSize(32, 32)
                .channels(1)
                .normalize(false)
                .dtype(DType.FLOAT32)
                .seed(7)
                .shuffle(true)
                .build();
        try (Pipeline p = new Pipeline(
                        new EchoNetSource(records(), o),
                        PipelineOptions.builder().batchSize(BATCH).threads(2).build(),
                        registry,
                        HostAllocator.NATIVE);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            epoch(it);
            // one wait per hasNext that found something new: 3 batches and the end
            assertThat(registry.get("etab.consumer.wait").timer().count()).isEqualTo(4);
            assertThat(p.consumerWaitSeconds()).isPositive();

            it.reset();
            it.next(); // abandon epoch 1 mid-way
            it.reset();
            assertThat(PipelineProbe.batchPool(p).outstanding()).isZero(); // no waiting: reset returned them
            it.next();
            it.setEpoch(0);
            assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
        }
    }

    @Test
    void anotherIterationOfThePipelineClosesTheEpochSayingWhy() {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            it.next();
            p.iterate(0).close();
            assertThatThrownBy(it::hasNext)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a newer iteration started on the same pipeline");
            it.reset(); // the next epoch starts a new iteration
            assertThat(epoch(it)).hasSize(3);
        }
    }

    @Test
    void anEpochClosedBeforeItsFirstBatchStartsAgainOnReset() {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            assertThat(it.hasNext()).isTrue();
            p.iterate(5).close(); // closes the iterator's epoch before anything was taken
            assertThatThrownBy(it::hasNext).hasMessageContaining("a newer iteration started on the same pipeline");
            it.reset();
            assertThat(it.epoch()).isZero();
            assertThat(epoch(it)).hasSize(3);
            // interrupted in its first wait, as DL4J's AsyncDataSetIterator does on reset
            it.reset();
            Thread.currentThread().interrupt();
            assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class);
            Thread.interrupted();
            it.reset();
            assertThat(it.epoch()).isEqualTo(1);
            assertThat(epoch(it)).hasSize(3);
        }
    }

    @Test
    void resetLeavesAnEpochThatEndedWithoutABatch(@TempDir Path tmp) throws IOException {
        // a copy whose videos are all missing while epoch 0 runs: every sample fails, the epoch has no batch
        Path root = tmp.resolve("echonet");
        Path src = PhantomDatasets.echonet();
        Files.createDirectories(root.resolve("Videos"));
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(src.resolve(f), root.resolve(f));
        }
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .video(false)
                .frameSize(32, 32)
                .channels(1)
                .normalize(false)
                .seed(7)
                .shuffle(true)
                .build();
        try (Pipeline p = new Pipeline(
                        new EchoNetSource(records, o),
                        PipelineOptions.builder().batchSize(BATCH).threads(2).build());
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            assertThat(it.hasNext()).isFalse();
            it.reset(); // nothing was taken, but the epoch is over: on to epoch 1, not epoch 0 again
            assertThat(it.epoch()).isEqualTo(1);
            it.reset(); // nothing of epoch 1 looked at yet: stays
            assertThat(it.epoch()).isEqualTo(1);

            for (EchoNetRecord r : records) {
                Files.copy(src.resolve("Videos").resolve(r.video().getFileName()), r.video());
            }
            assertThat(column(epoch(it), DataSet::getLabels, 0)).isEqualTo(plannedEf(p, 1));
        }
    }

    @Test
    void viewsHoldTheSameDataAsCopies() {
        List<Float> copies;
        List<Float> views = new ArrayList<>();
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            List<DataSet> sets = epoch(it);
            copies = rowSums(sets, List.of());
            copies.addAll(column(sets, DataSet::getLabels, 0));
        }
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.builder(p)
                        .ownership(EtabDataSetIterator.Ownership.VIEW)
                        .build()) {
            List<Float> labels = new ArrayList<>();
            while (it.hasNext()) {
                DataSet d = it.next(); // read before the next next(): then the view's batch is back in the pool
                views.addAll(rowSums(List.of(d), List.of()));
                labels.addAll(column(List.of(d), DataSet::getLabels, 0));
            }
            views.addAll(labels);
        }
        assertThat(views).isEqualTo(copies);
    }

    @Test
    void thePreProcessorIsAppliedToEveryDataSetAndANormalizersFitTakesAnEpoch() {
        for (EtabDataSetIterator.Ownership ownership : EtabDataSetIterator.Ownership.values()) {
            try (Pipeline p = stills(Target.EF, 7);
                    EtabDataSetIterator it =
                            EtabDataSetIterator.builder(p).ownership(ownership).build()) {
                NormalizerMinMaxScaler scaler = new NormalizerMinMaxScaler(-1, 1);
                scaler.fitLabel(true);
                scaler.fit(it); // reads epoch 0, then resets DL4J's way: on to epoch 1
                assertThat(it.epoch()).as("%s", ownership).isEqualTo(1);
                it.setPreProcessor(scaler);
                assertThat(it.getPreProcessor()).isSameAs(scaler);
                it.setEpoch(0); // the epoch the scaler saw: its extremes land on -1 and 1
                List<DataSet> sets = new ArrayList<>();
                while (it.hasNext()) {
                    DataSet d = it.next();
                    sets.add(ownership == EtabDataSetIterator.Ownership.VIEW ? d.copy() : d);
                }
                List<Float> ef = column(sets, DataSet::getLabels, 0);
                assertThat(ef).as("%s", ownership).allMatch(v -> v >= -1f - 1e-5f && v <= 1f + 1e-5f);
                assertThat(ef.stream().mapToDouble(Float::doubleValue).min().orElseThrow())
                        .isCloseTo(-1.0, within(1e-5));
                assertThat(ef.stream().mapToDouble(Float::doubleValue).max().orElseThrow())
                        .isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void copiesWrappedInDl4jsAsyncIteratorGoThroughWholeEpochs() throws InterruptedException {
        try (Pipeline p = stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            AsyncDataSetIterator async = new AsyncDataSetIterator(it, 2, true); // its own thread iterates ours
            try {
                List<Float> epoch0 = new ArrayList<>();
                while (async.hasNext()) {
                    epoch0.addAll(column(List.of(async.next()), DataSet::getLabels, 0));
                }
                async.reset(); // at the end of the epoch: its thread has ended, ours moves on to epoch 1
                List<Float> epoch1 = new ArrayList<>();
                while (async.hasNext()) {
                    epoch1.addAll(column(List.of(async.next()), DataSet::getLabels, 0));
                }
                assertThat(epoch0).isEqualTo(plannedEf(p, 0));
                assertThat(epoch1).isEqualTo(plannedEf(p, 1));
            } finally {
                async.shutdown();
            }
            awaitNoOutstanding(p);
        }
    }

    @Test
    void closedIteratorRefusesWork() {
        try (Pipeline p = stills(Target.EF, 7)) {
            EtabDataSetIterator it = EtabDataSetIterator.of(p);
            it.close();
            it.close();
            assertThatThrownBy(it::hasNext)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            for (Runnable call : List.<Runnable>of(it::reset, () -> it.setEpoch(1), () -> it.setEpoch(1, 0))) {
                assertThatThrownBy(call::run)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("iterator is closed");
            }
        }
    }

    static void awaitNoOutstanding(Pipeline p) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (PipelineProbe.batchPool(p).outstanding() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
    }
}
