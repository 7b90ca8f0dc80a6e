package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** DL4J trains on the iterator: EF regression from a gray 1x32x32 still with one dense layer. */
class Dl4jFitTest {

    static MultiLayerNetwork tinyNetwork() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(32, 32, 1)) // [n, 1, 32, 32] flattened by DL4J
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void fitRunsEpochsOnTheIteratorWithAFreshEpochEachTime() throws InterruptedException {
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            MultiLayerNetwork net = tinyNetwork();
            net.fit(it);
            assertThat(net.getIterationCount()).isEqualTo(3); // 12 samples in batches of 5, 5, 2
            assertThat(net.score()).isFinite();
            assertThat(it.epoch()).isZero();

            net.fit(it, 2); // DL4J resets between epochs: epochs 1 and 2
            assertThat(net.getIterationCount()).isEqualTo(9);
            assertThat(it.epoch()).isEqualTo(2);
            assertThat(net.score()).isFinite();
            assertThat(p.account().delivered()).isEqualTo(36);
            EtabDataSetIteratorTest.awaitNoOutstanding(p);
        }
    }

    @Test
    void fitOnViewsTrainsExactlyAsOnCopiesAndHoldsOnlyTheLastBatchAfterwards() throws InterruptedException {
        INDArray onCopies;
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            MultiLayerNetwork net = tinyNetwork();
            net.fit(it, 2);
            onCopies = net.params().dup();
        }
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 7);
                EtabDataSetIterator it = EtabDataSetIterator.builder(p)
                        .ownership(EtabDataSetIterator.Ownership.VIEW)
                        .build()) {
            MultiLayerNetwork net = tinyNetwork();
            net.fit(it, 2); // each step reads its views before the next next() hands their batch back
            assertThat(net.getIterationCount()).isEqualTo(6);
            assertThat(net.params()).isEqualTo(onCopies);
            assertThat(PipelineProbe.batchPool(p).outstanding())
                    .as("the last DataSet's batch, until the next reset()")
                    .isEqualTo(1);
            it.reset();
            EtabDataSetIteratorTest.awaitNoOutstanding(p);
        }
    }
}
