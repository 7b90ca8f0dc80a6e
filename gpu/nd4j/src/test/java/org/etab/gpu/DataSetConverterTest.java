package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.etab.gpu.EtabDataSetIterator.Ownership;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Batches made by hand in a real pool, converted as {@link EtabDataSetIterator#next()} does. */
class DataSetConverterTest {
    private static final TensorSpec FEATURES = new TensorSpec(DType.FLOAT32, 1, 2, 2);
    private static final TensorSpec CLASS = new TensorSpec(DType.INT32, 1);
    private static final TensorSpec EF = new TensorSpec(DType.FLOAT32, 1);

    private static List<SampleInfo> samples(String... ids) {
        return java.util.Arrays.stream(ids)
                .map(id -> new SampleInfo(id, 0, 0, new int[] {0}, 1))
                .toList();
    }

    /** Feature element i of the batch is i; the labels are {@code classes}. */
    private static Batch classBatch(BatchPool pool, int... classes) {
        BatchPool.Buffers buffers = pool.acquire();
        FloatBuffer f = buffers.features().buffer().asFloatBuffer();
        for (int i = 0; i < classes.length * FEATURES.elements(); i++) {
            f.put(i, i);
        }
        for (int i = 0; i < classes.length; i++) {
            buffers.labels().buffer().asIntBuffer().put(i, classes[i]);
        }
        String[] ids = new String[classes.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "s" + i;
        }
        return new Batch(0, samples(ids), buffers, pool);
    }

    @Test
    void copiesOwnTheirArraysAndViewsShareTheBatchMemory() {
        try (BatchPool pool = new BatchPool(FEATURES, EF, 3, 2)) {
            for (Ownership o : Ownership.values()) {
                BatchPool.Buffers buffers = pool.acquire();
                buffers.features().buffer().asFloatBuffer().put(0, 3f); // pooled memory is not zeroed
                buffers.labels().buffer().asFloatBuffer().put(0, 41.5f).put(1, 63f);
                try (Batch batch = new Batch(0, samples("a", "b"), buffers, pool)) {
                    DataSet ds = new DataSetConverter(o, 0, EF, "echonet").convert(batch);
                    assertThat(ds.getFeatures().shape()).containsExactly(2, 1, 2, 2);
                    assertThat(ds.getLabels().toFloatVector()).containsExactly(41.5f, 63f);

                    buffers.features().buffer().asFloatBuffer().put(0, 9f);
                    buffers.labels().buffer().asFloatBuffer().put(1, 7f);
                    boolean view = o == Ownership.VIEW;
                    assertThat(ds.getFeatures().getFloat(0, 0, 0, 0)).isEqualTo(view ? 9f : 3f);
                    assertThat(ds.getLabels().getFloat(1, 0)).isEqualTo(view ? 7f : 63f);
                }
            }
        }
    }

    @Test
    void arraysAreMadeOutsideTheCallersWorkspace() {
        try (BatchPool pool = new BatchPool(FEATURES, CLASS, 2, 1);
                Batch batch = classBatch(pool, 1, 0);
                MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace("DataSetConverterTest")) {
            DataSet ds = new DataSetConverter(Ownership.COPY, 2, CLASS, "camus").convert(batch);
            assertThat(ds.getFeatures().isAttached()).isFalse();
            assertThat(ds.getLabels().isAttached()).isFalse();
            assertThat(Nd4j.zeros(DataType.FLOAT, 1).isAttached()).isTrue(); // the workspace is active
        }
    }

    @Test
    void classIndicesAreFloatOrOneHotRows() {
        try (BatchPool pool = new BatchPool(FEATURES, CLASS, 3, 1);
                Batch batch = classBatch(pool, 2, 0, 1)) {
            DataSet index = new DataSetConverter(Ownership.VIEW, 0, CLASS, "tmed").convert(batch);
            assertThat(index.getLabels().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(index.getLabels().shape()).containsExactly(3, 1);
            assertThat(index.getLabels().toFloatVector()).containsExactly(2f, 0f, 1f);

            DataSet oneHot = new DataSetConverter(Ownership.VIEW, 3, CLASS, "tmed").convert(batch);
            assertThat(oneHot.getLabels().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(oneHot.getLabels().toFloatMatrix()).isEqualTo(new float[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}});
            assertThat(oneHot.getFeatures().getFloat(2, 0, 1, 1)).isEqualTo(11f);
        }
    }

    @Test
    void aClassOutsideTheOneHotRangeNamesTheSample() {
        try (BatchPool pool = new BatchPool(FEATURES, CLASS, 3, 1);
                Batch batch = classBatch(pool, 1, 2, 0)) {
            DataSetConverter converter = new DataSetConverter(Ownership.COPY, 2, CLASS, "camus");
            assertThatThrownBy(() -> converter.convert(batch))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("sample s1 has class 2, outside 0..1 of oneHot(2)");
        }
    }

    @Test
    void otherDtypesAreConvertedToFloatEvenAsViews() {
        TensorSpec pixels = new TensorSpec(DType.UINT8, 1, 2, 2);
        try (BatchPool pool = new BatchPool(pixels, CLASS, 1, 1)) {
            BatchPool.Buffers buffers = pool.acquire();
            buffers.features().buffer().put(3, (byte) 200);
            try (Batch batch = new Batch(0, samples("a"), buffers, pool)) {
                DataSet ds = new DataSetConverter(Ownership.VIEW, 0, CLASS, "tmed").convert(batch);
                assertThat(ds.getFeatures().dataType()).isEqualTo(DataType.FLOAT);
                assertThat(ds.getFeatures().getFloat(0, 0, 1, 1)).isEqualTo(200f);
                buffers.features().buffer().put(3, (byte) 1);
                assertThat(ds.getFeatures().getFloat(0, 0, 1, 1)).isEqualTo(200f); // a copy
            }
        }
    }

    @Test
    void oneHotNeedsAClassIndexLabel() {
        assertThatThrownBy(() -> new DataSetConverter(Ownership.COPY, 2, EF, "echonet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oneHot needs a class index label (int32[1]: CM, view, AS) but the echonet source's"
                        + " labels are " + EF);
        TensorSpec esEd = new TensorSpec(DType.INT32, 2);
        assertThatThrownBy(() -> new DataSetConverter(Ownership.COPY, 2, esEd, "camus"))
                .hasMessageContaining("camus source's labels are " + esEd);
    }

    @Test
    void labelNamesAreTheOneHotColumns() {
        assertThat(new DataSetConverter(Ownership.COPY, 0, CLASS, "tmed").labelNames())
                .isNull();
        List<String> names = new DataSetConverter(Ownership.COPY, 3, CLASS, "tmed").labelNames();
        assertThat(names).containsExactly("0", "1", "2");
        assertThatThrownBy(() -> names.add("3")).isInstanceOf(UnsupportedOperationException.class);
    }
}
