package org.etab.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.NativeBytes;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

/**
 * Many epochs of {@code EasyTrain.fit} with a validation set, some of them ended by a step that throws: once warmed
 * up and each decode thread has its worker, nothing grows with the epochs (native bytes, pooled buffers, the trainer's
 * arrays).
 */
class PipelineDatasetSoakTest {
    private static final int WARM_UP = 5;
    private static final int EPOCHS = 40;
    private static final int THREADS = 2;

    private static Pipeline clips(long seed) {
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(4)
                .fps(25)
                .frameSize(16, 16)
                .channels(1)
                .normalize(false)
                .dtype(DType.FLOAT32)
                .seed(seed)
                .shuffle(true)
                .build();
        return new Pipeline(
                new EchoNetSource(EchoNetReader.read(PhantomDatasets.echonet()).select("all"), o),
                PipelineOptions.builder().batchSize(5).threads(THREADS).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    @Test
    void manyEpochsOfFitWithValidationAndFailedStepsHoldNothingMoreThanTheFirstOnes() throws Exception {
        AtomicInteger steps = new AtomicInteger();
        AtomicBoolean failing = new AtomicBoolean(true);
        try (Pipeline train = clips(7);
                Pipeline validation = clips(9);
                Model model = Model.newInstance("ef", Device.cpu(), "PyTorch")) {
            model.setBlock(new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optDevices(new Device[] {Device.cpu()})
                    .addTrainingListeners(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            if (steps.incrementAndGet() % 10 == 0 && failing.get()) {
                                throw new IllegalStateException("step failed"); // caught below, training goes on
                            }
                        }
                    });
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(5, 1, 4, 16, 16));
                PipelineDataset t = PipelineDataset.builder().pipeline(train).build();
                PipelineDataset v =
                        PipelineDataset.builder().pipeline(validation).build();
                long baseline = 0;
                int failures = 0;
                int workers = -1;
                int baselineEpoch = -1;
                for (int epoch = 0; epoch < EPOCHS; epoch++) {
                    // a decode thread's worker (its decoder) is made when that thread first needs one, which its
                    // timing may put after the warm-up: the baseline is taken again when the workers have grown
                    int nowWorkers = PipelineProbe.workersCreated(train) + PipelineProbe.workersCreated(validation);
                    if (epoch == WARM_UP || (epoch > WARM_UP && nowWorkers != workers)) {
                        baseline = NativeBytes.settled() - pooledBytes(train) - pooledBytes(validation);
                        workers = nowWorkers;
                        baselineEpoch = epoch;
                    }
                    try {
                        EasyTrain.fit(trainer, 1, t, v);
                    } catch (IllegalStateException e) {
                        assertThat(e).hasMessage("step failed");
                        failures++;
                    }
                }
                assertThat(failures).isGreaterThan(EPOCHS / 5);
                failing.set(false);
                EasyTrain.fit(trainer, 1, t, v); // a clean epoch closes what the last failure left open
                assertThat(((BaseNDManager) trainer.getManager()).getManagedArrays())
                        .isEmpty();
                assertThat(workers)
                        .as("workers made, at most one per decode thread of the two pipelines")
                        .isLessThanOrEqualTo(THREADS * 2)
                        .isEqualTo(PipelineProbe.workersCreated(train) + PipelineProbe.workersCreated(validation));
                assertThat(baselineEpoch)
                        .as("the epoch the baseline was taken at")
                        .isLessThanOrEqualTo(EPOCHS - 20);
                assertThat(NativeBytes.settled() - pooledBytes(train) - pooledBytes(validation))
                        .as(
                                "native bytes besides the pools' buffers after %d epochs, against epoch %d's",
                                EPOCHS, baselineEpoch)
                        .isEqualTo(baseline);
                awaitNoOutstanding(train);
                awaitNoOutstanding(validation);
                for (Pipeline p : new Pipeline[] {train, validation}) {
                    // a pool allocates lazily, up to its bound, as the timing of its threads asks for buffers
                    assertThat(PipelineProbe.batchPool(p).allocated())
                            .isLessThanOrEqualTo(PipelineProbe.batchPool(p).maxBuffers());
                }
            }
        }
    }

    private static void awaitNoOutstanding(Pipeline p) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (PipelineProbe.batchPool(p).outstanding() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
    }

    /** The native bytes of the buffers {@code p}'s batch pool has allocated so far. */
    private static long pooledBytes(Pipeline p) {
        BatchPool pool = PipelineProbe.batchPool(p);
        return (long) pool.allocated()
                * pool.batchSize()
                * (pool.featureSpec().bytes() + pool.labelSpec().bytes());
    }
}
