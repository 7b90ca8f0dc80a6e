package org.etab.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.Leaks;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PipelineDataset}'s lifecycle run many times in one JVM (one trial of a sweep after another): afterwards no
 * thread, file descriptor or JavaCPP native byte may be left of it, and no pooled buffer out.
 * Each lifecycle runs twice first, so that what the JVM, PyTorch and FFmpeg load once is in the baseline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleLeakTest {
    private static final int CYCLES = 40;
    private static final int BATCH = 4;

    /** EF from gray 4-frame 16x16 clips, float32, batches of 4 on 2 threads. */
    private static Pipeline clips(long seed) {
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(4)
                .frameSize(16, 16)
                .channels(1)
                .normalize(false)
                .dtype(DType.FLOAT32)
                .seed(seed)
                .build();
        return new Pipeline(
                new EchoNetSource(EchoNetReader.read(PhantomDatasets.echonet()).select("all"), o),
                PipelineOptions.builder().batchSize(BATCH).threads(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    @Test
    void aPipelineAndItsDatasetPerTrialLeaveNothing() throws Exception {
        try (NDManager trainers = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            leavesNothing("a pipeline per trial", i -> {
                try (Pipeline p = clips(i);
                        NDManager manager = trainers.newSubManager()) {
                    PipelineDataset dataset =
                            PipelineDataset.builder().pipeline(p).build();
                    for (Batch b : dataset.getData(manager)) { // a whole epoch
                        b.close();
                    }
                    for (Batch b : dataset.getData(manager)) { // an epoch left after one batch
                        b.close();
                        break;
                    }
                    Iterator<Batch> left = dataset.getData(manager).iterator();
                    left.next(); // a batch nobody closes (a step that threw): its manager's close takes it
                }
            });
            assertThat(trainers.isOpen()).isTrue();
        }
    }

    @Test
    void datasetsOverOnePipelineStoppedEarlyLeaveNoBufferOut() throws Exception {
        try (Pipeline p = clips(3);
                NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // the pipeline stays open: its pool may allocate a buffer late, so only what it hands out is counted
            leavesNothing("datasets stopped early on one pipeline", false, i -> {
                PipelineDataset dataset =
                        PipelineDataset.builder().pipeline(p).firstEpoch(i).build();
                Iterator<Batch> batches = dataset.getData(manager).iterator();
                batches.next().close();
                ((AutoCloseable) batches).close();
                assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
            });
            assertThat(PipelineProbe.batchPool(p).allocated())
                    .isLessThanOrEqualTo(
                            p.options().batchesAhead() + p.options().consumerHeld());
        }
    }

    @Test
    void trainingAModelPerTrialLeavesNothing() throws Exception {
        leavesNothing("EasyTrain.fit per trial", i -> {
            try (Pipeline p = clips(i);
                    Model model = Model.newInstance("ef", Device.cpu(), "PyTorch")) {
                model.setBlock(new SequentialBlock()
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(1).build()));
                DefaultTrainingConfig config =
                        new DefaultTrainingConfig(Loss.l2Loss()).optDevices(new Device[] {Device.cpu()});
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(BATCH, 1, 4, 16, 16));
                    EasyTrain.fit(
                            trainer, 1, PipelineDataset.builder().pipeline(p).build(), null);
                }
            }
        });
    }

    private static void leavesNothing(String what, Leaks.Cycle cycle) throws Exception {
        Leaks.assertLeavesNothing(what, CYCLES, null, true, cycle);
    }

    /** Without native bytes: a pipeline that stays open across the cycles may allocate a pool buffer late. */
    private static void leavesNothing(String what, boolean nativeBytes, Leaks.Cycle cycle) throws Exception {
        Leaks.assertLeavesNothing(what, CYCLES, null, nativeBytes, cycle);
    }
}
