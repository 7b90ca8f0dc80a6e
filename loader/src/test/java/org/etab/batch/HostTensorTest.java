package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slots of a pool's tensors read back where they were written, through the batch that holds them. */
class HostTensorTest {
    private static final TensorSpec X = new TensorSpec(DType.FLOAT32, 2, 3);
    private static final TensorSpec Y = new TensorSpec(DType.INT32, 2);

    @Test
    void eachSlotReadsBackItsOwnValues() {
        try (BatchPool pool = new BatchPool(X, Y, 3, 1);
                Batch batch = new Batch(0, List.of(), pool.acquire(), pool)) {
            HostTensor x = batch.features();
            HostTensor y = batch.labels();
            assertThat(x.slotOffset(2)).isEqualTo(48);
            assertThat(y.slotOffset(1)).isEqualTo(8);
            ByteBuffer xb = x.buffer();
            ByteBuffer yb = y.buffer();
            for (int slot = 0; slot < 3; slot++) {
                for (int i = 0; i < 6; i++) {
                    xb.putFloat((int) x.slotOffset(slot) + 4 * i, 10 * slot + i);
                }
                yb.putInt((int) y.slotOffset(slot), 100 + slot);
                yb.putInt((int) y.slotOffset(slot) + 4, -slot);
            }
            assertThat(x.slotFloats(2)).containsExactly(20, 21, 22, 23, 24, 25);
            assertThat(x.slotFloats(1)).containsExactly(10, 11, 12, 13, 14, 15);
            assertThat(y.slotInts(2)).containsExactly(102, -2);
            assertThat(y.slotInts(1)).containsExactly(101, -1);
            byte[] raw = y.slotBytes(1);
            assertThat(raw).hasSize(8);
            assertThat(ByteBuffer.wrap(raw)
                            .order(java.nio.ByteOrder.nativeOrder())
                            .getInt(0))
                    .isEqualTo(101);
            // the pointer handed to frameworks is the same memory, all slots of it
            assertThat(x.pointer().capacity()).isEqualTo(3 * X.bytes());
            assertThat(x.pointer().getFloat(x.slotOffset(2) + 4)).isEqualTo(21f);
        }
    }

    @Test
    void aSlotOutsideTheTensorOrOfTheOtherTypeIsRefused() {
        try (BatchPool pool = new BatchPool(X, Y, 3, 1);
                Batch batch = new Batch(0, List.of(), pool.acquire(), pool)) {
            assertThatThrownBy(() -> batch.features().slotFloats(3))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("slot 3 outside the 3 slots of float32[2, 3]");
            assertThatThrownBy(() -> batch.labels().slotInts(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> batch.labels().slotInts(3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> batch.features().slotInts(0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("tensor is float32[2, 3], not INT32");
            assertThatThrownBy(() -> batch.labels().slotFloats(0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("tensor is int32[2], not FLOAT32");
        }
    }

    /** Without the slot check, slot 4096 of 2^20 ints would be read at element 2^32, cast to int: slot 0. */
    @Test
    void anIntSlotWhoseElementOffsetWrapsAroundIsRefused() {
        TensorSpec mib4 = new TensorSpec(DType.INT32, 1 << 20);
        try (BatchPool pool = new BatchPool(X, mib4, 1, 1);
                Batch batch = new Batch(0, List.of(), pool.acquire(), pool)) {
            batch.labels().buffer().putInt(0, 7);
            assertThat(batch.labels().slotInts(0)[0]).isEqualTo(7);
            assertThatThrownBy(() -> batch.labels().slotInts(4096))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("slot 4096 outside the 1 slots");
        }
    }
}
