package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorSpecTest {

    @Test
    void theBatchShapeLeadsWithTheBatchThenEachDimension() {
        TensorSpec clip = new TensorSpec(DType.FLOAT32, "CTHW", 3, 16, 112, 96);
        assertThat(clip.batchShape(8)).containsExactly(8L, 3L, 16L, 112L, 96L);
        assertThat(new TensorSpec(DType.INT32, 1).batchShape(4)).containsExactly(4L, 1L);
    }

    @Test
    void axesAreFoundByTheirLetterAndAnUnnamedOrMissingAxisIsMinusOne() {
        TensorSpec clip = new TensorSpec(DType.FLOAT32, "CTHW", 3, 16, 112, 96);
        assertThat(clip.axis('C')).isZero();
        assertThat(clip.axis('H')).isEqualTo(2);
        assertThat(clip.axis('W')).isEqualTo(3);
        assertThat(clip.axis('N')).isEqualTo(-1);
        assertThat(new TensorSpec(DType.FLOAT32, 3, 16).axis('C')).isEqualTo(-1);
    }

    @Test
    void theShapeReadBackIsACopy() {
        TensorSpec spec = new TensorSpec(DType.UINT8, 2, 3);
        spec.shape()[0] = 99;
        assertThat(spec.shape()).containsExactly(2, 3);
        assertThat(spec.elements()).isEqualTo(6);
        assertThat(new TensorSpec(DType.FLOAT32, 2, 3).bytes()).isEqualTo(24);
    }

    @Test
    void axesMustNameEachDimensionOnce() {
        assertThatThrownBy(() -> new TensorSpec(DType.FLOAT32, "CHW", 3, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("axes must name each of the 2 dimensions once but were 'CHW'");
        assertThatThrownBy(() -> new TensorSpec(DType.FLOAT32, "HH", 3, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("axes must name each of the 2 dimensions once but were 'HH'");
        assertThatThrownBy(() -> new TensorSpec(DType.FLOAT32, 3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor dimensions must be >= 1 but were [3, 0]");
        assertThat(new TensorSpec(DType.FLOAT32, "HW", 3, 4).axis('W')).isEqualTo(1);
    }

    /** Specs are compared by value (pools and exports compare them), the shape by its contents. */
    @Test
    void specsWithTheSameTypeAxesAndShapeAreEqual() {
        TensorSpec a = new TensorSpec(DType.FLOAT32, "CHW", 3, 4, 5);
        TensorSpec b = new TensorSpec(DType.FLOAT32, "CHW", new int[] {3, 4, 5});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new TensorSpec(DType.UINT8, "CHW", 3, 4, 5));
        assertThat(a).isNotEqualTo(new TensorSpec(DType.FLOAT32, "HWC", 3, 4, 5));
        assertThat(a).isNotEqualTo(new TensorSpec(DType.FLOAT32, 3, 4, 5));
        assertThat(a).isNotEqualTo(new TensorSpec(DType.FLOAT32, "CHW", 3, 5, 4));
        assertThat(a).isNotEqualTo("float32[3, 4, 5] chw");
        // hash codes that differ where the values differ, as HashMap keys need them to mostly
        assertThat(a.hashCode()).isNotEqualTo(new TensorSpec(DType.FLOAT32, "CHW", 3, 5, 4).hashCode());
        assertThat(a.hashCode()).isNotEqualTo(new TensorSpec(DType.FLOAT32, 3, 4, 5).hashCode());
    }
}
