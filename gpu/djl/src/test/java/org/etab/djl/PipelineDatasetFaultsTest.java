package org.etab.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import ai.djl.training.TrainingResult;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EasyTrain.fit} on a set with one corrupt video (the phantom's first, its bytes zeroed), with a validation
 * set on its own pipeline: under skip both train without it and their accounts name it; under fail {@code fit} stops
 * with the pipeline's exception naming it, and nothing pooled stays out.
 */
class PipelineDatasetFaultsTest {
    private static final int BATCH = 5;

    private static Pipeline clips(Path root, ErrorPolicy onError) {
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(4)
                .fps(25)
                .frameSize(16, 16)
                .channels(1)
                .normalize(false)
                .seed(7)
                .shuffle(true)
                .build();
        return new Pipeline(
                new EchoNetSource(records, o),
                PipelineOptions.builder()
                        .batchSize(BATCH)
                        .threads(2)
                        .onError(onError)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    /** Two epochs of a linear EF model on {@code train}, validated on {@code validation}. */
    private static TrainingResult fit(Pipeline train, Pipeline validation) throws Exception {
        try (Model model = Model.newInstance("ef", Device.cpu(), "PyTorch")) {
            model.setBlock(new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optDevices(new Device[] {Device.cpu()})
                    .addTrainingListeners(TrainingListener.Defaults.basic()); // losses in the result
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, 4, 16, 16));
                EasyTrain.fit(
                        trainer,
                        2,
                        PipelineDataset.builder().pipeline(train).build(),
                        PipelineDataset.builder().pipeline(validation).build());
                return trainer.getTrainingResult();
            }
        }
    }

    @Test
    void underSkipFitTrainsAndValidatesWithoutTheCorruptVideoAndTheAccountsNameIt(@TempDir Path tmp) throws Exception {
        String bad = PhantomDatasets.echonetWithACorruptVideo(tmp);
        try (Pipeline train = clips(tmp, ErrorPolicy.SKIP);
                Pipeline validation = clips(tmp, ErrorPolicy.SKIP)) {
            TrainingResult result = fit(train, validation);
            assertThat(result.getTrainLoss()).isNotNull().isFinite();
            assertThat(result.getValidateLoss()).isNotNull().isFinite();
            for (Pipeline p : List.of(train, validation)) {
                assertThat(p.account().delivered()).isEqualTo(2L * (PhantomDatasets.ECHONET_VIDEOS - 1));
                assertThat(p.account().failures())
                        .hasSize(2)
                        .extracting(SampleFailure::id)
                        .containsOnly(bad);
                assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
            }
        }
    }

    @Test
    void underFailFitStopsWithTheSampleExceptionNamingTheVideoAndNothingStaysOut(@TempDir Path tmp) throws Exception {
        String bad = PhantomDatasets.echonetWithACorruptVideo(tmp);
        try (Pipeline train = clips(tmp, ErrorPolicy.FAIL);
                Pipeline validation = clips(tmp, ErrorPolicy.FAIL)) {
            assertThatThrownBy(() -> fit(train, validation))
                    .isInstanceOf(SampleException.class)
                    .hasMessageContaining("sample " + bad + " failed")
                    .hasMessageContaining("error policy is fail");
            // the failed iteration closed itself, and EasyTrain had closed every batch it took
            assertThat(PipelineProbe.batchPool(train).outstanding()).isZero();
        }
    }

    @Test
    void aStepThatThrowsInFitHoldsItsBatchOnlyUntilTheNextEpochSoCaughtFailuresNeverStallTheTraining()
            throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        List<Integer> trained = new ArrayList<>();
        try (Pipeline train = clips(PhantomDatasets.echonet(), ErrorPolicy.SKIP);
                Model model = Model.newInstance("ef", Device.cpu(), "PyTorch")) {
            model.setBlock(new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optDevices(new Device[] {Device.cpu()})
                    .addTrainingListeners(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            if (failing.get()) {
                                throw new IllegalStateException("step failed"); // e.g. a NaN check
                            }
                            trained.add(batchData.getBatch().getSize());
                        }
                    });
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, 4, 16, 16));
                PipelineDataset dataset =
                        PipelineDataset.builder().pipeline(train).build();
                // more caught failures than the pool has buffers (threads 2 + prefetch 2 + consumerHeld 2): each
                // leaves the batch of its step open, which EasyTrain never closes
                for (int k = 0; k < 8; k++) {
                    assertThatThrownBy(() -> EasyTrain.fit(trainer, 1, dataset, null))
                            .as("failure %d", k)
                            .hasMessage("step failed");
                }
                failing.set(false);
                EasyTrain.fit(trainer, 1, dataset, null);
                assertThat(trained).containsExactly(5, 5, 2);
                assertThat(dataset.epoch()).isEqualTo(9);
                assertThat(((BaseNDManager) trainer.getManager()).getManagedArrays())
                        .as("no failed step's batch left in the trainer's manager")
                        .isEmpty();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (PipelineProbe.batchPool(train).outstanding() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(PipelineProbe.batchPool(train).outstanding()).isZero();
            }
        }
    }
}
