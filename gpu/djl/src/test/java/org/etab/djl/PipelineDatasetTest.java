package org.etab.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.HostTensor;
import org.etab.batch.SampleInfo;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.NativeBytes;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL dataset on the phantom EchoNet set (12 videos, batches of 5: 5, 5, 2) with DJL's PyTorch engine on the CPU:
 * arrays equal to (and, on the CPU, views of) the pipeline's own batches, epochs in the pipeline's seeded order,
 * {@code EasyTrain.fit} training a linear model, and every pooled buffer back after fit and after early closes.
 */
class PipelineDatasetTest {
    private static final int BATCH = 5;
    private static final int SAMPLES = PhantomDatasets.ECHONET_VIDEOS;

    private static List<EchoNetRecord> records() {
        return EchoNetReader.read(PhantomDatasets.echonet()).select("all");
    }

    /** EF from gray 4-frame 16x16 clips, float32 in [0, 1]. */
    private static Pipeline clips(List<EchoNetRecord> records) {
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(4)
                .fps(25)
                .frameSize(16, 16)
                .channels(1)
                .normalize(false)
                .dtype(DType.FLOAT32)
                .seed(7)
                .shuffle(true)
                .build();
        return new Pipeline(
                new EchoNetSource(records, o),
                PipelineOptions.builder().batchSize(BATCH).threads(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    private static NDManager cpu() {
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    /** What the pipeline itself delivers for an epoch: each batch's valid bytes and sample ids. */
    private record Reference(List<byte[]> features, List<byte[]> labels, List<List<String>> ids) {}

    private static Reference reference(Pipeline p, int epoch) {
        Reference r = new Reference(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (BatchIterator<org.etab.batch.Batch> it = p.iterate(epoch)) {
            while (it.hasNext()) {
                try (org.etab.batch.Batch b = it.next()) {
                    r.features().add(validBytes(b.features(), b.size()));
                    r.labels().add(validBytes(b.labels(), b.size()));
                    r.ids().add(b.samples().stream().map(SampleInfo::id).toList());
                }
            }
        }
        return r;
    }

    private static byte[] validBytes(HostTensor t, int n) {
        byte[] out = new byte[Math.toIntExact(t.spec().bytes() * n)];
        t.buffer().get(0, out);
        return out;
    }

    private static void awaitNoOutstanding(Pipeline p) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (PipelineProbe.batchPool(p).outstanding() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(PipelineProbe.batchPool(p).outstanding())
                .as("pooled buffers still out")
                .isZero();
    }

    @Test
    void setEpochWithAPositionResumesThereAndTheNextEpochStartsFromItsBeginning() {
        try (Pipeline p = clips(records());
                NDManager manager = cpu()) {
            PipelineDataset whole = PipelineDataset.builder().pipeline(p).build();
            List<Object> epoch0 = indices(whole.getData(manager));
            List<Object> epoch1 = indices(whole.getData(manager));
            assertThat(epoch0).hasSize(SAMPLES);

            PipelineDataset resumed = PipelineDataset.builder().pipeline(p).build();
            resumed.setEpoch(0, BATCH); // a checkpoint taken after the first batch
            assertThat(indices(resumed.getData(manager))).isEqualTo(epoch0.subList(BATCH, SAMPLES));
            assertThat(indices(resumed.getData(manager))).isEqualTo(epoch1);
            assertThatThrownBy(() -> resumed.setEpoch(0, -1)).hasMessage("startAt >= 0 required but was -1");
            assertThatThrownBy(() -> resumed.setEpoch(0, SAMPLES + 1)) // refused now, not when the epoch starts
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Integer.toString(SAMPLES + 1));
            resumed.setEpoch(0, SAMPLES); // a checkpoint after the epoch's last batch: nothing left of it
            assertThat(indices(resumed.getData(manager))).isEmpty();
            assertThat(indices(resumed.getData(manager))).isEqualTo(epoch1);
        }
    }

    /** The ids of one epoch's batches, in order; each batch closed. */
    private static List<Object> indices(Iterable<Batch> epoch) {
        List<Object> ids = new ArrayList<>();
        for (Batch b : epoch) {
            try (b) {
                ids.addAll(b.getIndices());
            }
        }
        return ids;
    }

    @Test
    void anEpochWhoseEverySampleFailedIsSaidSoNotPassedInSilence(@TempDir Path tmp) throws Exception {
        // the phantom's index with no video beside it: every sample fails (not found), none is delivered
        Path src = PhantomDatasets.echonet();
        Files.copy(src.resolve("FileList.csv"), tmp.resolve("FileList.csv"));
        Files.copy(src.resolve("VolumeTracings.csv"), tmp.resolve("VolumeTracings.csv"));
        Files.createDirectories(tmp.resolve("Videos"));
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Pipeline p = clips(EchoNetReader.read(tmp).select("all"));
                NDManager manager = cpu()) {
            PipelineDataset dataset = PipelineDataset.builder().pipeline(p).build();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Iterator<Batch> epoch = dataset.getData(manager).iterator();
            assertThat(epoch.hasNext()).isFalse();
            assertThat(epoch.hasNext()).isFalse(); // said once
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("gave no batch")))
                .singleElement()
                .asString()
                .contains("epoch 0 gave no batch: " + SAMPLES + " of its " + SAMPLES + " samples failed");
    }

    @Test
    void eachGetDataIsTheNextEpochWithThePipelinesOwnBytesShapesAndOrder() throws Exception {
        try (Pipeline p = clips(records());
                NDManager manager = cpu()) {
            Reference[] expected = {reference(p, 0), reference(p, 1)};
            assertThat(expected[0].ids()).isNotEqualTo(expected[1].ids()); // a fresh seeded order each epoch
            PipelineDataset dataset = PipelineDataset.builder().pipeline(p).build();
            assertThat(dataset.epoch()).isZero();
            assertThat(dataset.pipeline()).isSameAs(p);
            for (int epoch = 0; epoch < 2; epoch++) {
                Iterable<Batch> data = dataset.getData(manager);
                assertThat(dataset.epoch()).isEqualTo(epoch + 1);
                int k = 0;
                long progress = 0;
                for (Batch batch : data) {
                    try (batch) {
                        int n = expected[epoch].ids().get(k).size();
                        NDArray x = batch.getData().singletonOrThrow();
                        NDArray y = batch.getLabels().singletonOrThrow();
                        assertThat(batch.getSize()).isEqualTo(n);
                        assertThat(x.getShape()).isEqualTo(new Shape(n, 1, 4, 16, 16));
                        assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
                        assertThat(y.getShape()).isEqualTo(new Shape(n, 1));
                        assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
                        assertThat(x.toByteArray())
                                .isEqualTo(expected[epoch].features().get(k));
                        assertThat(y.toByteArray())
                                .isEqualTo(expected[epoch].labels().get(k));
                        assertThat(batch.getIndices())
                                .isEqualTo(expected[epoch].ids().get(k));
                        assertThat(x.max().getFloat()).isBetween(0f, 1f);
                        assertThat(x.sum().getFloat()).isPositive();
                        progress += n;
                        assertThat(batch.getProgress()).isEqualTo(progress);
                        assertThat(batch.getProgressTotal()).isEqualTo(SAMPLES);
                    }
                    k++;
                }
                assertThat(k).isEqualTo(3);
            }
            dataset.setEpoch(1); // replaying epoch 1 gives the same batches again
            assertThat(dataset.getData(manager).iterator().next().getIndices())
                    .isEqualTo(expected[1].ids().get(0));
            assertThat(p.account().failed()).isZero();
        }
    }

    @Test
    void onTheCpuTheArraysAreViewsOfThePooledBatchWhichClosingTheDjlBatchReturns() throws Exception {
        try (Pipeline p = clips(records());
                NDManager manager = cpu();
                BatchIterator<org.etab.batch.Batch> it = p.iterate(0)) {
            org.etab.batch.Batch ours = it.next();
            java.util.Set<Batch> open = new java.util.HashSet<>();
            Batch djl = DjlBatches.wrap(ours, manager, SAMPLES, open);
            assertThat(open).containsExactly(djl); // open until closed: a new iteration closes what is left
            NDArray x = djl.getData().head();
            NDArray y = djl.getLabels().head();
            assertThat(List.of(x.getName(), y.getName())).containsExactly("features", "labels");
            ByteBuffer pooled = ours.features().buffer();
            pooled.putFloat(0, 123.5f); // written into the pool...
            assertThat(x.getFloat(0, 0, 0, 0, 0)).isEqualTo(123.5f); // ...is seen by the array: no copy
            ours.labels().buffer().putFloat(4, 42.25f);
            assertThat(y.getFloat(1, 0)).isEqualTo(42.25f);
            assertThat(ours.isClosed()).isFalse();
            djl.close();
            assertThat(ours.isClosed()).isTrue();
            assertThat(x.isReleased()).isTrue();
            assertThat(open).isEmpty();
            djl.close(); // a listener and EasyTrain may both close it: the second does nothing
            it.close();
            awaitNoOutstanding(p);
        }
    }

    @Test
    void anArrayKeptPastTheStepIsADuplicateAttachedElsewhereNotADetachedView() throws Exception {
        try (Pipeline p = clips(records());
                NDManager manager = cpu();
                NDManager longLived = cpu();
                BatchIterator<org.etab.batch.Batch> it = p.iterate(0)) {
            org.etab.batch.Batch ours = it.next();
            ByteBuffer pooled = ours.features().buffer();
            ByteBuffer pooledLabels = ours.labels().buffer();
            Batch djl = DjlBatches.wrap(ours, manager, SAMPLES, new java.util.HashSet<>());
            NDArray x = djl.getData().head();
            float first = x.getFloat(0, 0, 0, 0, 0);
            NDArray duplicate = x.duplicate(); // in the batch's manager, like x
            NDArray kept = x.duplicate();
            kept.attach(longLived);
            NDArray detached = djl.getLabels().head();
            detached.detach();
            djl.close();

            assertThat(ours.isClosed()).isTrue();
            assertThat(duplicate.isReleased())
                    .as("a duplicate alone closes with the batch")
                    .isTrue();
            // the iteration stopped and every buffer back: no decode thread fills the closed batch's memory for a
            // later batch while this test writes and reads it (it did, now and then: the label read back was a clip's)
            it.close();
            awaitNoOutstanding(p);
            pooled.putFloat(0, first + 1f); // the pool's memory, as a later batch would write it
            assertThat(kept.getFloat(0, 0, 0, 0, 0)).isEqualTo(first);
            pooledLabels.putFloat(0, -3.5f);
            assertThat(detached.getFloat(0, 0))
                    .as("a detached array still reads the pool's memory")
                    .isEqualTo(-3.5f);
            detached.close();
        }
    }

    @Test
    void aBatchSplitsOverSeveralDevicesAndClosingItClosesTheParts() throws Exception {
        try (Pipeline p = clips(records());
                NDManager manager = cpu()) {
            Iterator<Batch> epoch = PipelineDataset.builder()
                    .pipeline(p)
                    .build()
                    .getData(manager)
                    .iterator();
            Batch batch = epoch.next();
            NDArray x = batch.getData().head();
            NDArray y = batch.getLabels().head();
            Batch[] parts = batch.split(new Device[] {Device.cpu(), Device.cpu()}, false); // as for two GPUs
            assertThat(parts).hasSize(2);
            assertThat(parts[0].getData().head().getShape()).isEqualTo(new Shape(3, 1, 4, 16, 16));
            assertThat(parts[1].getData().head().getShape()).isEqualTo(new Shape(2, 1, 4, 16, 16));
            assertThat(parts[0].getData()
                            .head()
                            .concat(parts[1].getData().head())
                            .toByteArray())
                    .isEqualTo(x.toByteArray());
            assertThat(parts[0].getLabels()
                            .head()
                            .concat(parts[1].getLabels().head())
                            .toByteArray())
                    .isEqualTo(y.toByteArray());
            batch.close();
            assertThat(parts[0].getData().head().isReleased()).isTrue();
            assertThat(parts[1].getLabels().head().isReleased()).isTrue();
            ((AutoCloseable) epoch).close();
            awaitNoOutstanding(p);
        }
    }

    @Test
    void easyTrainFitTrainsTwoEpochsAndEveryPooledBufferIsBackAfterwards() throws Exception {
        List<EchoNetRecord> records = records(); // the phantom exists before the baseline...
        try (Pipeline warmUp = clips(records)) {
            reference(warmUp, 0); // ...and FFmpeg's one-time native allocations are made
        }
        long baseline = NativeBytes.settled();
        Pipeline p = clips(records);
        List<Long> batchSizes = new ArrayList<>();
        float[] before;
        float[] after;
        TrainingResult result;
        try (Model model = Model.newInstance("ef", Device.cpu(), "PyTorch")) {
            model.setBlock(new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optDevices(new Device[] {Device.cpu()})
                    .addTrainingListeners(TrainingListener.Defaults.basic())
                    .addTrainingListeners(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            batchSizes.add((long) batchData.getBatch().getSize());
                        }
                    });
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, 4, 16, 16));
                before = weights(model);
                PipelineDataset dataset = PipelineDataset.builder().pipeline(p).build();
                EasyTrain.fit(trainer, 2, dataset, null);
                after = weights(model);
                result = trainer.getTrainingResult();
                assertThat(dataset.epoch()).isEqualTo(2);
                awaitNoOutstanding(p); // fit closed every DJL batch, so every pooled buffer is back
            }
        }
        assertThat(batchSizes).containsExactly(5L, 5L, 2L, 5L, 5L, 2L);
        assertThat(result.getEpoch()).isEqualTo(2);
        assertThat(result.getTrainLoss()).isNotNull().isFinite().isPositive();
        assertThat(after)
                .as("the weights moved: gradients flowed from the batches")
                .isNotEqualTo(before);
        assertThat(p.account().planned()).isEqualTo(2L * SAMPLES); // the progress total planned nothing extra
        assertThat(p.account().delivered()).isEqualTo(2L * SAMPLES);
        assertThat(p.account().failed()).isZero();
        p.close();
        assertThat(PipelineProbe.batchPool(p).allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    private static float[] weights(Model model) {
        return model.getBlock().getParameters().valueAt(0).getArray().toFloatArray();
    }

    @Test
    void closingEarlyReturnsEveryBuffer() throws Exception {
        try (Pipeline p = clips(records())) {
            PipelineDataset dataset = PipelineDataset.builder().pipeline(p).build();
            try (NDManager manager = cpu()) {
                // the iterator closed while DJL holds one batch: only that one stays out, until DJL closes it
                Iterator<Batch> epoch0 = dataset.getData(manager).iterator();
                Batch held = epoch0.next();
                ((AutoCloseable) epoch0).close();
                awaitOutstanding(p, 1);
                held.close();
                awaitNoOutstanding(p);

                // an iterator left open (EasyTrain.fit after a failed step) is closed by the next epoch's start
                Iterator<Batch> abandoned = dataset.getData(manager).iterator();
                abandoned.next().close();
                Iterator<Batch> epoch2 = dataset.getData(manager).iterator();
                assertThatThrownBy(abandoned::hasNext).isInstanceOf(IllegalStateException.class);
                // a batch DJL never closes goes back with its parent manager (the trainer's, in fit)
                Batch neverClosed = epoch2.next();
                ((AutoCloseable) epoch2).close();
                assertThat(neverClosed.getData().head().isReleased()).isFalse();
            }
            awaitNoOutstanding(p);
        }
    }

    private static void awaitOutstanding(Pipeline p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (PipelineProbe.batchPool(p).outstanding() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(PipelineProbe.batchPool(p).outstanding()).isEqualTo(n);
    }

    @Test
    void uint8StillsAndMasksKeepTheirTypesAndBytes() throws Exception {
        SampleOptions o = SampleOptions.builder()
                .target(Target.LV_SEG)
                .video(false)
                .frameSize(16, 16)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(3)
                .shuffle(true)
                .build();
        try (Pipeline p = new Pipeline(
                        new EchoNetSource(records(), o),
                        PipelineOptions.builder().batchSize(BATCH).threads(2).build(),
                        new SimpleMeterRegistry(),
                        HostAllocator.NATIVE);
                NDManager manager = cpu()) {
            Reference expected = reference(p, 0);
            PipelineDataset dataset = PipelineDataset.builder().pipeline(p).build();
            int k = 0;
            for (Batch batch : dataset.getData(manager)) {
                try (batch) {
                    int n = batch.getSize();
                    NDArray x = batch.getData().head();
                    NDArray mask = batch.getLabels().head();
                    assertThat(x.getDataType()).isEqualTo(DataType.UINT8);
                    assertThat(x.getShape()).isEqualTo(new Shape(n, 1, 16, 16));
                    assertThat(mask.getDataType()).isEqualTo(DataType.UINT8);
                    assertThat(mask.getShape()).isEqualTo(new Shape(n, 16, 16));
                    assertThat(x.toByteArray()).isEqualTo(expected.features().get(k));
                    assertThat(mask.toByteArray()).isEqualTo(expected.labels().get(k));
                    assertThat(toInts(mask.toByteArray()).boxed().toList()).containsOnly(0, 1); // LV and background
                }
                k++;
            }
            assertThat(k).isEqualTo(expected.ids().size());
            awaitNoOutstanding(p);
        }
    }

    private static java.util.stream.IntStream toInts(byte[] b) {
        return java.util.stream.IntStream.range(0, b.length).map(i -> b[i] & 0xff);
    }

    @Test
    void theBuilderRefusesAMissingPipelineAndNegativeEpochs() {
        assertThatThrownBy(() -> PipelineDataset.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pipeline required but was null");
        try (Pipeline p = clips(records())) {
            assertThatThrownBy(() ->
                            PipelineDataset.builder().pipeline(p).firstEpoch(-1).build())
                    .hasMessage("firstEpoch >= 0 required but was -1");
            PipelineDataset dataset =
                    PipelineDataset.builder().pipeline(p).firstEpoch(3).build();
            assertThat(dataset.epoch()).isEqualTo(3);
            assertThatThrownBy(() -> dataset.setEpoch(-2)).hasMessage("epoch >= 0 required but was -2");
            assertThatThrownBy(() -> dataset.getData(null)).hasMessage("manager required but was null");
            assertThat(dataset)
                    .hasToString("PipelineDataset[echonet, next epoch 3, features float32[1, 4, 16, 16] cthw, "
                            + "labels float32[1]]");
        }
    }
}
