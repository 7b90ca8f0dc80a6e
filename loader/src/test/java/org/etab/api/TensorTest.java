package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.etab.batch.DType;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

/** A loaded {@link Tensor} is a value: reading it changes nothing, twins are equal, its axes are checked. */
class TensorTest {
    private static EtabDataset clips() {
        return EtabDataset.builder()
                .root(PhantomDatasets.echonet())
                .video(true)
                .clipL(2)
                .frameL(8)
                .frameW(8)
                .threads(2)
                .build();
    }

    @Test
    void readingTheDataLeavesTheTensorAsItWas() {
        Tensor x = clips().loadData(1).data().get(0).x();
        float[] before = x.floats();
        ByteBuffer view = x.data();
        assertThat(view.order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(view.getFloat()).isEqualTo(before[0]); // a relative read moved the tensor's own buffer
        while (view.hasRemaining()) {
            view.get();
        }
        assertThat(x.floats()).containsExactly(before);
        assertThat(x.bytes()).hasSize(before.length * 4);
        assertThat(x.get(0)).isEqualTo(before[0]);
    }

    @Test
    void twoLoadsOfTheSameSamplesGiveEqualItems() {
        EtabDataset d = clips();
        var first = d.loadData(3).data();
        var second = clips().loadData(3).data();
        // Item is a record of Tensors: equal only when Tensor compares shapes and values, not array identity
        assertThat(second).isEqualTo(first);
        assertThat(second.get(0).x().hashCode()).isEqualTo(first.get(0).x().hashCode());
        assertThat(second.get(0)).isNotEqualTo(second.get(1));
    }

    @Test
    void axesAreUpperCaseAndNameEachDimensionOnce() {
        ByteBuffer four = ByteBuffer.allocate(4);
        // "tchw" is how a loaded tensor prints its axes: a clip built with it is frames-first too
        Tensor clip = new Tensor(DType.UINT8, "tchw", new int[] {1, 1, 2, 2}, four);
        assertThat(clip.axes()).isEqualTo("TCHW");
        assertThat(clip.framesFirst()).isTrue();
        assertThatThrownBy(() -> new Tensor(DType.UINT8, "TCHW", new int[] {4}, four))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("axes must name each of the 1 dimensions once but were 'TCHW'");
        assertThatThrownBy(() -> new Tensor(DType.UINT8, "HH", new int[] {2, 2}, four))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataShorterThanTheShapeIsRefusedAndLongerDataIsCutToIt() {
        assertThatThrownBy(() -> new Tensor(DType.FLOAT32, new int[] {2, 2}, ByteBuffer.allocate(12)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data has 12 bytes but float32[2, 2] needs 16");
        assertThatThrownBy(() -> new Tensor(DType.UINT8, new int[] {-1}, ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalArgumentException.class);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 4, 9});
        buffer.position(1);
        Tensor t = new Tensor(DType.UINT8, new int[] {2, 2}, buffer);
        // the values start at the buffer's position, for every accessor alike
        assertThat(t.bytes()).containsExactly(1, 2, 3, 4);
        assertThat(t.get(0)).isEqualTo(1);
    }

    @Test
    void anIndexPastTheElementsIsRefusedEvenWhereItsByteOffsetWrapsAround() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(new float[] {1, 2, 3, 4});
        Tensor t = new Tensor(DType.FLOAT32, new int[] {4}, b);
        assertThat(t.get(3)).isEqualTo(4);
        // 2^30 floats are 2^32 bytes: cast to int, the offset was 0, and element 0 came back as if it were asked
        assertThatThrownBy(() -> t.get(1L << 30))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("1073741824")
                .hasMessageContaining("4 elements");
        assertThatThrownBy(() -> t.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.get(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void valuesAreReadOnlyAsTheirOwnTypeAndEveryTypeReadsAsADouble() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        b.asIntBuffer().put(new int[] {-7, 0, 300});
        Tensor ints = new Tensor(DType.INT32, new int[] {3}, b);
        assertThat(ints.ints()).containsExactly(-7, 0, 300);
        assertThat(ints.get(0)).isEqualTo(-7);
        assertThat(ints.get(2)).isEqualTo(300);
        assertThatThrownBy(ints::floats)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("tensor is INT32[3], not FLOAT32");
        Tensor bytes = new Tensor(DType.UINT8, new int[] {2}, ByteBuffer.wrap(new byte[] {(byte) 255, 1}));
        assertThat(bytes.get(0)).isEqualTo(255); // unsigned
        assertThatThrownBy(bytes::ints)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("tensor is UINT8[2], not INT32");
        assertThat(bytes.framesFirst()).isFalse(); // no axes
        assertThat(new Tensor(DType.UINT8, "CTHW", new int[] {1, 1, 1, 2}, ByteBuffer.allocate(2)).framesFirst())
                .isFalse();
    }

    @Test
    void tensorsAreEqualByTypeAxesShapeAndValues() {
        Tensor a = new Tensor(DType.UINT8, "HW", new int[] {1, 2}, ByteBuffer.wrap(new byte[] {1, 2}));
        Tensor same = new Tensor(DType.UINT8, "hw", new int[] {1, 2}, ByteBuffer.wrap(new byte[] {1, 2}));
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).hasToString("Tensor[uint8[1, 2] hw]");
        assertThat(a)
                .isNotEqualTo(new Tensor(DType.UINT8, "HW", new int[] {1, 2}, ByteBuffer.wrap(new byte[] {1, 3})))
                .isNotEqualTo(new Tensor(DType.UINT8, "HW", new int[] {2, 1}, ByteBuffer.wrap(new byte[] {1, 2})))
                .isNotEqualTo(new Tensor(DType.UINT8, new int[] {1, 2}, ByteBuffer.wrap(new byte[] {1, 2})))
                .isNotEqualTo("Tensor[uint8[1, 2] hw]");
        // an empty dimension holds no values, whatever the others claim
        Tensor empty = new Tensor(DType.FLOAT32, new int[] {0, Integer.MAX_VALUE}, ByteBuffer.allocate(0));
        assertThat(empty.elements()).isZero();
        assertThat(empty.bytes()).isEmpty();
    }
}
