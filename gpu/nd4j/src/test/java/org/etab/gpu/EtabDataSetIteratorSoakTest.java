package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.etab.batch.BatchPool;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.Target;
import org.etab.testing.NativeBytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Many epochs of DL4J's {@code fit} with a validation iterator and resets half-way through an epoch, copies and
 * views: once warmed up and each decode thread has its worker, nothing grows with the epochs (native bytes, pooled
 * buffers, ND4J workspaces).
 */
class EtabDataSetIteratorSoakTest {
    private static final int WARM_UP = 5;
    private static final int EPOCHS = 40;

    @ParameterizedTest
    @EnumSource(EtabDataSetIterator.Ownership.class)
    void manyEpochsOfFitValidationAndMidEpochResetsHoldNothingMoreThanTheFirstOnes(EtabDataSetIterator.Ownership own)
            throws InterruptedException {
        try (Pipeline train = EtabDataSetIteratorTest.stills(Target.EF, 7);
                Pipeline validation = EtabDataSetIteratorTest.stills(Target.EF, 9);
                EtabDataSetIterator it =
                        EtabDataSetIterator.builder(train).ownership(own).build();
                EtabDataSetIterator vit =
                        EtabDataSetIterator.builder(validation).ownership(own).build()) {
            MultiLayerNetwork net = Dl4jFitTest.tinyNetwork();
            long baseline = 0;
            int workspaces = 0;
            int workers = -1;
            int baselineEpoch = -1;
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                // a pipeline makes a decode thread's worker (its decoder) when that thread first needs one, which
                // its timing may put after the warm-up: the baseline is taken again when the workers have grown
                int nowWorkers = PipelineProbe.workersCreated(train) + PipelineProbe.workersCreated(validation);
                if (epoch == WARM_UP || (epoch > WARM_UP && nowWorkers != workers)) {
                    baseline = NativeBytes.settled() - pooledBytes(train) - pooledBytes(validation);
                    workspaces = Nd4j.getWorkspaceManager()
                            .getAllWorkspacesForCurrentThread()
                            .size();
                    workers = nowWorkers;
                    baselineEpoch = epoch;
                }
                if (epoch % 4 == 3) {
                    it.reset(); // the end of the epoch fit left
                    it.next(); // the next one left half-way through
                    it.reset();
                } else {
                    net.fit(it);
                }
                net.evaluateRegression(vit);
            }
            assertThat(it.epoch()).isEqualTo(EPOCHS); // the last epoch was left half-way through
            assertThat(net.getIterationCount()).isEqualTo(3 * (EPOCHS - EPOCHS / 4));
            it.reset(); // a VIEW's last batch back too
            vit.reset();
            assertThat(workers)
                    .as("workers made, at most one per decode thread of the two pipelines")
                    .isLessThanOrEqualTo(4)
                    .isEqualTo(PipelineProbe.workersCreated(train) + PipelineProbe.workersCreated(validation));
            assertThat(baselineEpoch).as("the epoch the baseline was taken at").isLessThanOrEqualTo(EPOCHS - 20);
            assertThat(NativeBytes.settled() - pooledBytes(train) - pooledBytes(validation))
                    .as(
                            "native bytes besides the pools' buffers after %d epochs, against epoch %d's",
                            EPOCHS, baselineEpoch)
                    .isEqualTo(baseline);
            assertThat(Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread())
                    .hasSize(workspaces);
            EtabDataSetIteratorTest.awaitNoOutstanding(train);
            EtabDataSetIteratorTest.awaitNoOutstanding(validation);
            for (Pipeline p : new Pipeline[] {train, validation}) {
                // a pool allocates lazily, up to its bound, as the timing of its threads asks for buffers
                assertThat(PipelineProbe.batchPool(p).allocated())
                        .isLessThanOrEqualTo(PipelineProbe.batchPool(p).maxBuffers());
            }
        }
    }

    /** The native bytes of the buffers {@code p}'s batch pool has allocated so far. */
    private static long pooledBytes(Pipeline p) {
        BatchPool pool = PipelineProbe.batchPool(p);
        return (long) pool.allocated()
                * pool.batchSize()
                * (pool.featureSpec().bytes() + pool.labelSpec().bytes());
    }
}
