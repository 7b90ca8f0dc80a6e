package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;

class ManifestRowsTest {
    private static final SampleInfo INFO = new SampleInfo("v", 0, 3, new int[] {7}, 1);

    /** The label column of one slot whose y is {@code spec}, every byte 1. */
    private static String label(TensorSpec spec) {
        try (BatchPool pool = new BatchPool(new TensorSpec(DType.UINT8, 1, 2, 2), spec, 1, 1)) {
            BatchPool.Buffers b = pool.acquire();
            HostTensor y = b.labels();
            for (int i = 0; i < y.buffer().capacity(); i++) {
                y.buffer().put(i, (byte) 1);
            }
            List<String> row = new ManifestRows(null, null).row("v", INFO, y, 0);
            pool.release(b);
            return row.get(8);
        }
    }

    @Test
    void scalarsAndPairsAreInTheLabelColumn() {
        assertThat(label(new TensorSpec(DType.INT32, 1))).isEqualTo("16843009");
        assertThat(label(new TensorSpec(DType.INT32, 2))).isEqualTo("16843009 16843009");
        assertThat(label(new TensorSpec(DType.FLOAT32, 1)))
                .isEqualTo(Double.toString(Float.intBitsToFloat(0x01010101)));
    }

    @Test
    void labelsOfUpToFourValuesAreInTheLabelColumnLongerOnesOnlyInTheirFiles() {
        assertThat(label(new TensorSpec(DType.UINT8, 4))).isEqualTo("1 1 1 1");
        assertThat(label(new TensorSpec(DType.UINT8, 5))).isEmpty();
    }

    @Test
    void theSchemeAndLayoutColumnsAppearOnlyWhereTheyApply() {
        List<String> plain =
                List.of("id", "source_id", "x", "y", "epoch", "position", "source_frames", "valid_frames", "label");
        assertThat(new ManifestRows(null, null).header()).isEqualTo(plain);
        assertThat(new ManifestRows("view5", null).header()).endsWith("label", "label_scheme");
        assertThat(new ManifestRows(null, "cthw").header()).endsWith("label", "layout");
        assertThat(new ManifestRows("as3", "tchw").header()).hasSize(11).endsWith("label_scheme", "layout");
        try (BatchPool pool =
                new BatchPool(new TensorSpec(DType.UINT8, 1, 2, 2), new TensorSpec(DType.INT32, 1), 1, 1)) {
            BatchPool.Buffers b = pool.acquire();
            b.labels().buffer().putInt(0, 7);
            SampleInfo info = new SampleInfo("0X1A", 2, 9, new int[] {4, 5, 6}, 3);
            assertThat(new ManifestRows(null, null).row("0X1A_1", info, b.labels(), 0))
                    .containsExactly("0X1A_1", "0X1A", "0X1A_1.x.npy", "0X1A_1.y.npy", "2", "9", "4 5 6", "3", "7");
            assertThat(new ManifestRows("as3", "tchw").row("0X1A_1", info, b.labels(), 0))
                    .hasSize(11)
                    .endsWith("7", "as3", "tchw");
            assertThat(new ManifestRows(null, "cthw").row("0X1A_1", info, b.labels(), 0))
                    .hasSize(10)
                    .endsWith("7", "cthw");
            pool.release(b);
        }
    }

    /**
     * README: the label column is empty for masks. A mask of 4 pixels or fewer ({@code --frame-size 2x2}, {@code 1x3})
     * was written out as values ("0 0 0 1"), as if it were a label of 4 values: whether the column is empty must
     * depend on the target being a mask ([H, W]), not on its size.
     */
    @Test
    void masksLeaveTheLabelColumnEmptyWhateverTheirSize() {
        assertThat(label(new TensorSpec(DType.UINT8, 2, 2))).isEmpty();
        assertThat(label(new TensorSpec(DType.UINT8, 1, 3))).isEmpty();
        assertThat(label(new TensorSpec(DType.UINT8, 1, 1))).isEmpty();
        assertThat(label(new TensorSpec(DType.UINT8, 112, 112))).isEmpty();
    }
}
