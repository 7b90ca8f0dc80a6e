package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class Nd4jBatchesTest {

    private static SampleInfo info(String id) {
        return new SampleInfo(id, 0, 0, new int[] {0}, 1);
    }

    @Test
    void featuresAndLabelsAreViewsOfTheBatchMemoryNotCopies() {
        TensorSpec x = new TensorSpec(DType.FLOAT32, 3, 2, 4, 4);
        TensorSpec y = new TensorSpec(DType.INT32, 2);
        try (BatchPool pool = new BatchPool(x, y, 4, 1)) {
            BatchPool.Buffers buffers = pool.acquire();
            FloatBuffer f = buffers.features().buffer().asFloatBuffer();
            for (int i = 0; i < 3 * x.elements(); i++) {
                f.put(i, i * 0.5f);
            }
            buffers.labels()
                    .buffer()
                    .asIntBuffer()
                    .put(0, 7)
                    .put(1, -1)
                    .put(2, 3)
                    .put(3, 9)
                    .put(4, 5)
                    .put(5, 6);
            try (Batch batch = new Batch(0, List.of(info("a"), info("b"), info("c")), buffers, pool)) {
                INDArray features = Nd4jBatches.features(batch);
                INDArray labels = Nd4jBatches.labels(batch);
                assertThat(features.shape()).containsExactly(3, 3, 2, 4, 4); // size 3 of capacity 4
                assertThat(features.dataType()).isEqualTo(DataType.FLOAT);
                assertThat(features.getFloat(1, 2, 1, 3, 0)).isEqualTo(f.get((int) (x.elements() + 2 * 32 + 16 + 12)));
                assertThat(labels.shape()).containsExactly(3, 2);
                assertThat(labels.getInt(0, 0)).isEqualTo(7);
                assertThat(labels.getInt(1, 1)).isEqualTo(9);
                assertThat(labels.getInt(2, 0)).isEqualTo(5);

                // zero copy: a write to the batch memory shows in the array, and the other way round
                f.put(5, 1234f);
                assertThat(features.getFloat(0, 0, 0, 1, 1)).isEqualTo(1234f);
                features.putScalar(new long[] {2, 0, 0, 0, 0}, -7f);
                assertThat(f.get((int) (2 * x.elements()))).isEqualTo(-7f);
                assertThat(features.sumNumber().doubleValue()).isFinite();
            }
        }
    }

    @Test
    void uint8MasksKeepTheirType() {
        TensorSpec x = new TensorSpec(DType.UINT8, 1, 2, 2);
        try (BatchPool pool = new BatchPool(x, new TensorSpec(DType.UINT8, 2, 2), 2, 1)) {
            BatchPool.Buffers buffers = pool.acquire();
            buffers.features().buffer().put(0, (byte) 200).put(3, (byte) 1);
            buffers.labels().buffer().put(1, (byte) 1);
            try (Batch batch = new Batch(0, List.of(info("a")), buffers, pool)) {
                INDArray features = Nd4jBatches.features(batch);
                assertThat(features.dataType()).isEqualTo(DataType.UBYTE);
                assertThat(features.getInt(0, 0, 0, 0)).isEqualTo(200);
                assertThat(features.getInt(0, 0, 1, 1)).isEqualTo(1);
                assertThat(Nd4jBatches.labels(batch).getInt(0, 0, 1)).isEqualTo(1);
            }
        }
    }

    /** ETAB's layout through the real pipeline: the view is [n, T, C, H, W], the cthw batch's values transposed. */
    @Test
    void framesFirstBatchesAreViewedFramesFirst() {
        org.etab.source.SampleOptions cthw = org.etab.source.SampleOptions.builder()
                .target(org.etab.source.Target.EF)
                .clipLength(4)
                .fps(0)
                .clipStart(org.etab.sampling.ClipStart.FIRST)
                .frameSize(24, 20)
                .build();
        List<INDArray> views = new java.util.ArrayList<>();
        for (org.etab.source.SampleOptions o : List.of(
                cthw, cthw.toBuilder().layout(org.etab.source.ClipLayout.TCHW).build())) {
            try (org.etab.source.OpenedDataset d = org.etab.api.Datasets.open(
                            "echonet", org.etab.testing.PhantomDatasets.echonet(), "all", null, 0, o);
                    org.etab.pipeline.Pipeline p = new org.etab.pipeline.Pipeline(
                            d.source(),
                            org.etab.pipeline.PipelineOptions.builder()
                                    .batchSize(3)
                                    .threads(1)
                                    .limit(3)
                                    .build())) {
                for (Batch b : p.batches(0).toIterable(1)) {
                    try (b) {
                        views.add(Nd4jBatches.features(b).dup());
                    }
                }
            }
        }
        assertThat(views.get(0).shape()).containsExactly(3, 3, 4, 24, 20);
        assertThat(views.get(1).shape()).containsExactly(3, 4, 3, 24, 20);
        assertThat(views.get(1)).isEqualTo(views.get(0).permute(0, 2, 1, 3, 4).dup('c'));
    }
}
