package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.RunAccount;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** README's "In a training loop": the snippet is {@link #train}'s body, run here on the phantom EchoNet set. */
class ReadmeTrainingLoopTest {

    /** Shapes of every batch seen, for the test; the README's loop would train on x and y instead. */
    static final List<String> SEEN = new ArrayList<>();

    static RunAccount train(Path root, int epochs) {
        // --- README snippet starts
        SampleOptions w1 = SampleOptions.builder().target(Target.EF).clipLength(32).fps(25).shuffle(true).build();
        try (OpenedDataset echonet = Datasets.open("echonet", root, "train", null, 0, w1);
             Pipeline pipeline = new Pipeline(echonet.source(), PipelineOptions.builder().batchSize(20).build())) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                try (BatchIterator<Batch> batches = pipeline.iterate(epoch)) { // break or throw: buffers go back
                    while (batches.hasNext()) {
                        try (Batch batch = batches.next()) {              // closing returns the memory to the pool
                            INDArray x = Nd4jBatches.features(batch);     // [n, 3, 32, 112, 112], no copy
                            INDArray y = Nd4jBatches.labels(batch);       // [n, 1], EF in percent
                            SEEN.add(java.util.Arrays.toString(x.shape()) + java.util.Arrays.toString(y.shape()));
                        }
                    }
                }
            }
            return pipeline.account();                                    // planned=.. delivered=.. failed=..
        }
        // --- README snippet ends
    }

    @Test
    void theReadmeLoopDeliversEveryTrainingClipOfEveryEpochWithTheDeclaredShapes() {
        SEEN.clear();
        Path root = PhantomDatasets.echonet();
        int train;
        try (OpenedDataset opened = Datasets.open("echonet", root, "train", null, 0,
                SampleOptions.builder().target(Target.EF).build())) {
            train = opened.records();
        }
        RunAccount account = train(root, 2);
        assertThat(train).isPositive();
        assertThat(account.planned()).isEqualTo(2L * train);
        assertThat(account.delivered()).isEqualTo(2L * train);
        assertThat(account.failed()).isZero();
        assertThat(SEEN).allSatisfy(s -> assertThat(s).matches("\\[\\d+, 3, 32, 112, 112\\]\\[\\d+, 1\\]"));
    }
}
