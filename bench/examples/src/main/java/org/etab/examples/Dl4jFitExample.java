package org.etab.examples;

// README: dl4j starts
import java.nio.file.Path;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.etab.api.Datasets;
import org.etab.gpu.EtabDataSetIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

public final class Dl4jFitExample {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        SampleOptions stills = SampleOptions.builder().target(Target.EF).video(false).frameSize(32, 32).channels(1)
                .build();                                          // the first frame of each video, [1, 32, 32]
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(32, 32, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        try (OpenedDataset echonet = Datasets.open("echonet", root, "train", stills);
                Pipeline pipeline = new Pipeline(echonet.source(), PipelineOptions.builder().batchSize(8).build());
                EtabDataSetIterator batches = EtabDataSetIterator.of(pipeline)) {
            net.fit(batches, 3);                                   // DL4J resets it: epochs 0, 1, 2
            System.out.printf("%d iterations, score %.3f; %s%n", net.getIterationCount(), net.score(),
                    pipeline.account());
        }
    }
}
// README: dl4j ends
