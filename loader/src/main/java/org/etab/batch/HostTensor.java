package org.etab.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;

/**
 * A batch-shaped tensor in native memory: {@code capacity} slots of one {@link TensorSpec} each, laid out
 * contiguously in C order. Frameworks wrap {@link #pointer()} without copying (ND4J, CUDA).
 *
 * <p>Ownership: the memory belongs to the {@link BatchPool} that made it; a tensor is only valid while the
 * {@link Batch} (or {@link Sample}) holding it is open. One taken from a batch refuses to be read once that batch is
 * closed ({@link IllegalStateException}): its memory is then reused by later batches, or freed once the pipeline has
 * closed; what was taken from it while open (a pointer, a buffer, a framework's view) is not checked.
 */
public final class HostTensor {
    private final TensorSpec spec;
    private final int capacity;
    private final BytePointer memory;
    private final ByteBuffer buffer;
    /** The batch that handed this tensor out, or null for the pool's own, which the batch's writers use. */
    private final Batch holder;

    HostTensor(TensorSpec spec, int capacity, BytePointer memory) {
        this.spec = spec;
        this.capacity = capacity;
        this.memory = memory;
        long bytes = spec.bytes() * capacity;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch tensor must stay under 2 GiB but " + spec + " x " + capacity
                    + " is " + bytes + " bytes; lower the batch size");
        }
        this.buffer = memory.capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
        this.holder = null;
    }

    private HostTensor(HostTensor pooled, Batch holder) {
        this.spec = pooled.spec;
        this.capacity = pooled.capacity;
        this.memory = pooled.memory;
        this.buffer = pooled.buffer;
        this.holder = holder;
    }

    /**
     * This tensor as {@code batch} hands it out: the same memory, refused once the batch is closed, so that a tensor
     * kept past its batch is not read while a later batch overwrites it, or after the pool freed it (a crash).
     */
    HostTensor heldBy(Batch batch) {
        return new HostTensor(this, batch);
    }

    private void requireHeld() {
        if (holder != null && holder.isClosed()) {
            throw new IllegalStateException("this tensor is read after its batch was closed (batch " + holder.index()
                    + " is closed): its memory is back in the pool, reused by later batches or freed; copy what must"
                    + " outlive the batch before closing it");
        }
    }

    /**
     * One sample's shape and type.
     *
     * @return the spec of each slot
     */
    public TensorSpec spec() {
        return spec;
    }

    /**
     * Slots in this tensor.
     *
     * @return the batch size it was allocated for
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The native memory, for zero-copy wrapping. Valid while the owning batch is open; never free it.
     *
     * @return the pool's pointer, {@code capacity * spec.bytes()} bytes
     * @throws IllegalStateException when the batch that handed this tensor out is closed
     */
    public BytePointer pointer() {
        requireHeld();
        return memory;
    }

    /**
     * A view of the whole tensor in native byte order. Each call returns an independent view, so threads writing
     * different slots do not share a position.
     *
     * @return a buffer over all slots, position 0
     * @throws IllegalStateException when the batch that handed this tensor out is closed
     */
    public ByteBuffer buffer() {
        requireHeld();
        return buffer.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * Byte offset of a slot.
     *
     * @param slot the slot, {@code 0 <= slot < capacity()} (not checked)
     * @return {@code slot * spec().bytes()}
     */
    public long slotOffset(int slot) {
        return spec.bytes() * slot;
    }

    /**
     * Copies one slot's bytes out (tests, exports).
     *
     * @param slot the slot, {@code 0 <= slot < capacity()}
     * @return a new array of {@code spec().bytes()} bytes in native order
     * @throws IndexOutOfBoundsException when {@code slot} is out of range
     * @throws IllegalStateException     when the batch that handed this tensor out is closed
     */
    public byte[] slotBytes(int slot) {
        checkSlot(slot);
        byte[] out = new byte[(int) spec.bytes()];
        buffer().get((int) slotOffset(slot), out);
        return out;
    }

    /**
     * Reads one float32 slot into a new array (tests, exports).
     *
     * @param slot the slot, {@code 0 <= slot < capacity()}
     * @return a new array of {@code spec().elements()} values in C order
     * @throws IllegalStateException     when the tensor is not float32, or its batch is closed
     * @throws IndexOutOfBoundsException when {@code slot} is out of range
     */
    public float[] slotFloats(int slot) {
        requireType(DType.FLOAT32);
        checkSlot(slot);
        float[] out = new float[(int) spec.elements()];
        buffer().asFloatBuffer().get((int) (slot * spec.elements()), out);
        return out;
    }

    /**
     * Reads one int32 slot into a new array.
     *
     * @param slot the slot, {@code 0 <= slot < capacity()}
     * @return a new array of {@code spec().elements()} values in C order
     * @throws IllegalStateException     when the tensor is not int32, or its batch is closed
     * @throws IndexOutOfBoundsException when {@code slot} is out of range
     */
    public int[] slotInts(int slot) {
        requireType(DType.INT32);
        checkSlot(slot);
        int[] out = new int[(int) spec.elements()];
        buffer().asIntBuffer().get((int) (slot * spec.elements()), out);
        return out;
    }

    /** Checked here, not left to the buffer: a slot's int offset wraps around past 2^31 bytes, onto valid data. */
    private void checkSlot(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IndexOutOfBoundsException("slot " + slot + " outside the " + capacity + " slots of " + spec);
        }
    }

    private void requireType(DType type) {
        if (spec.dtype() != type) {
            throw new IllegalStateException("tensor is " + spec + ", not " + type);
        }
    }

    BytePointer memory() {
        return memory;
    }
}
