package org.etab.examples;

// README: training-loop starts
import java.nio.file.Path;

import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.gpu.Nd4jBatches;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.nd4j.linalg.api.ndarray.INDArray;

public final class TrainingLoopExample {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int epochs = 2;
        SampleOptions w1 = SampleOptions.builder().target(Target.EF).clipLength(32).fps(25).shuffle(true).build();
        try (OpenedDataset echonet = Datasets.open("echonet", root, "train", w1);
                Pipeline pipeline = new Pipeline(echonet.source(), PipelineOptions.builder().batchSize(20).build())) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                try (BatchIterator<Batch> batches = pipeline.iterate(epoch)) { // break or throw: buffers go back
                    while (batches.hasNext()) {
                        try (Batch batch = batches.next()) {              // closing returns the memory to the pool
                            INDArray x = Nd4jBatches.features(batch);     // [n, 3, 32, 112, 112], no copy
                            INDArray y = Nd4jBatches.labels(batch);       // [n, 1], EF in percent
                            System.out.printf("epoch %d: x %s, mean EF %.1f%n", epoch,
                                    java.util.Arrays.toString(x.shape()), y.meanNumber().doubleValue());
                        }
                    }
                }
            }
            System.out.println(pipeline.account());                        // planned=.. delivered=.. failed=..
        }
    }
}
// README: training-loop ends
