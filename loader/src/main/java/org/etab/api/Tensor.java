package org.etab.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;

/**
 * A sample's tensor copied to the Java heap: what {@link EtabDataset#loadData} keeps, independent of the
 * pipeline's pooled memory. Row-major (C order), native byte order.
 *
 * @param dtype the element type
 * @param axes  one letter per dimension ({@code "TCHW"}, {@code "CTHW"}, {@code "CHW"}: see
 *              {@link org.etab.batch.TensorSpec#axes()}), or null when unnamed (targets)
 * @param shape the dimensions, copied (the accessor returns a copy too)
 * @param data  the values, {@code dtype.bytes()} per element in row-major order; kept as a read-only view in
 *              native order, so the caller must not change the buffer's contents afterwards
 */
public record Tensor(DType dtype, String axes, int[] shape, ByteBuffer data) {

    /**
     * Copies the shape and keeps a read-only, native-order view of the data.
     *
     * @param dtype the element type
     * @param axes  one letter per dimension, or null when unnamed
     * @param shape the dimensions, copied
     * @param data  the values, row-major; the view shares their contents
     */
    public Tensor {
        shape = shape.clone();
        data = data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * A tensor whose dimensions have no names (4-D clips are read as {@code [C, T, H, W]}).
     *
     * @param dtype the element type
     * @param shape the dimensions, copied
     * @param data  the values, row-major, native byte order; kept as a read-only view
     */
    public Tensor(DType dtype, int[] shape, ByteBuffer data) {
        this(dtype, null, shape, data);
    }

    /**
     * Copies slot {@code slot} of a host tensor to the heap, so that the result outlives the pooled buffer.
     *
     * @param t    a batch's features or labels, still open (its batch not yet closed)
     * @param slot the sample's slot in the batch, {@code 0 <= slot < capacity}
     * @return a new tensor with the slot's dtype, axes and shape
     */
    public static Tensor copyOf(HostTensor t, int slot) {
        byte[] bytes = t.slotBytes(slot);
        return new Tensor(
                t.spec().dtype(),
                t.spec().axes(),
                t.spec().shape(),
                ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
    }

    /**
     * The dimensions.
     *
     * @return a copy, which the caller may change
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of elements.
     *
     * @return the product of the dimensions (1 for a scalar with shape {@code []})
     */
    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Whether this is a clip whose frames come first.
     *
     * @return true when the axes are {@code TCHW}; false for {@code CTHW}, frames, targets and unnamed axes
     */
    public boolean framesFirst() {
        return "TCHW".equals(axes);
    }

    /**
     * The values as floats.
     *
     * @return a new array, row-major
     * @throws IllegalStateException when the tensor is not float32
     */
    public float[] floats() {
        require(DType.FLOAT32);
        float[] out = new float[(int) elements()];
        data.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The values as ints.
     *
     * @return a new array, row-major
     * @throws IllegalStateException when the tensor is not int32
     */
    public int[] ints() {
        require(DType.INT32);
        int[] out = new int[(int) elements()];
        data.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer().get(out);
        return out;
    }

    /**
     * The raw bytes.
     *
     * @return a new array: for uint8 the values, for others their native-order encoding
     */
    public byte[] bytes() {
        byte[] out = new byte[data.capacity()];
        data.duplicate().get(out);
        return out;
    }

    /**
     * One element as a double, whatever the type (uint8 read as 0..255).
     *
     * @param i the flat row-major index, {@code 0 <= i < elements()}
     * @return the element's value
     * @throws IndexOutOfBoundsException when {@code i} is outside the data
     */
    public double get(long i) {
        int at = (int) (i * dtype.bytes());
        return switch (dtype) {
            case FLOAT32 -> data.getFloat(at);
            case INT32 -> data.getInt(at);
            case UINT8 -> data.get(at) & 0xff;
        };
    }

    private void require(DType t) {
        if (dtype != t) {
            throw new IllegalStateException("tensor is " + dtype + Arrays.toString(shape) + ", not " + t);
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype.name().toLowerCase() + Arrays.toString(shape)
                + (axes == null ? "" : " " + axes.toLowerCase()) + "]";
    }
}
