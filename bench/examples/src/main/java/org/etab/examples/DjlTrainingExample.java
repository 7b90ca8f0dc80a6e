package org.etab.examples;

// README: djl starts
import java.nio.file.Path;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import org.etab.api.Datasets;
import org.etab.djl.PipelineDataset;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

public final class DjlTrainingExample {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        SampleOptions clips = SampleOptions.builder().target(Target.EF).clipLength(4).fps(25).frameSize(16, 16)
                .channels(1).normalize(false).shuffle(true).build();            // float32 [1, 4, 16, 16] in [0, 1]
        try (OpenedDataset echonet = Datasets.open("echonet", root, "train", clips);
                Pipeline pipeline = new Pipeline(echonet.source(), PipelineOptions.builder().batchSize(4).build());
                Model model = Model.newInstance("ef")) {
            model.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(1).build()));                 // EF in percent, [n, 1]
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .addTrainingListeners(TrainingListener.Defaults.basic());     // epoch count, loss, NaN check
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(4, 1, 4, 16, 16));                 // [n, C, T, H, W]
                PipelineDataset train = PipelineDataset.builder().pipeline(pipeline).build();
                EasyTrain.fit(trainer, 2, train, null);                         // epochs 0 and 1, then the next
                System.out.println(trainer.getTrainingResult());                // epoch 2, train loss ..
            }
            System.out.println(pipeline.account());                            // planned=.. delivered=.. failed=..
        }
    }
}
// README: djl ends
