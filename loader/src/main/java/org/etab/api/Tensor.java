package org.etab.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;

/**
 * A sample's tensor copied to the Java heap: what {@link EtabDataset#loadData} keeps, independent of the
 * pipeline's pooled memory. Row-major (C order), native byte order.
 *
 * <p>Equal tensors have the same dtype, axes, shape and values. Immutable, as long as the caller does not change the
 * contents of the buffer it gave the constructor.
 *
 * @param dtype the element type
 * @param axes  one letter per dimension ({@code "TCHW"}, {@code "CTHW"}, {@code "CHW"}: see
 *              {@link org.etab.batch.TensorSpec#axes()}), in upper case, or null when unnamed (targets)
 * @param shape the dimensions, copied (the accessor returns a copy too)
 * @param data  the values, {@code dtype.bytes()} per element in row-major order; kept as a read-only view in
 *              native order, so the caller must not change the buffer's contents afterwards; the accessor returns
 *              a new view each time, so that reading it moves no position of the tensor's
 */
public record Tensor(DType dtype, String axes, int[] shape, ByteBuffer data) {

    /**
     * Copies the shape and keeps a read-only, native-order view of exactly the tensor's bytes of the data.
     *
     * @param dtype the element type, not null
     * @param axes  one distinct letter per dimension, any case (kept in upper case), or null when unnamed
     * @param shape the dimensions, each >= 0, copied
     * @param data  the values, row-major, from the buffer's position: at least {@code dtype.bytes()} per element
     *              (further bytes are not part of the tensor); the view shares their contents
     * @throws IllegalArgumentException when the axes do not name each dimension once, a dimension is negative, or
     *                                  the data is shorter than the shape needs
     */
    public Tensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long bytes = dtype.bytes();
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "dimensions must be >= 0 but the shape was " + Arrays.toString(shape));
            }
            bytes = d == 0 ? 0 : bytes > Long.MAX_VALUE / d ? Long.MAX_VALUE : bytes * d;
        }
        if (axes != null) {
            // upper case, as TensorSpec names them: "tchw" (how toString prints them) is a frames-first clip too
            axes = axes.toUpperCase(Locale.ROOT);
            if (axes.length() != shape.length || axes.chars().distinct().count() != shape.length) {
                throw new IllegalArgumentException(
                        "axes must name each of the " + shape.length + " dimensions once but were '" + axes + "'");
            }
        }
        if (data.remaining() < bytes) {
            throw new IllegalArgumentException("data has " + data.remaining() + " bytes but "
                    + dtype.name().toLowerCase(Locale.ROOT) + Arrays.toString(shape) + " needs " + bytes);
        }
        data = data.slice(data.position(), (int) bytes).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
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
     * The values.
     *
     * @return a new read-only, native-order view of them from position 0, which the caller may read and move
     */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * Whether {@code o} is a tensor of the same dtype, axes, shape and values.
     *
     * @param o the object to compare with
     * @return true when equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t
                && dtype == t.dtype
                && Objects.equals(axes, t.axes)
                && Arrays.equals(shape, t.shape)
                && data.equals(t.data);
    }

    /** {@return a hash of the dtype, axes, shape and values} */
    @Override
    public int hashCode() {
        return Objects.hash(dtype, axes, Arrays.hashCode(shape), data);
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
     * @throws IndexOutOfBoundsException when {@code i} is not an element's index
     */
    public double get(long i) {
        // checked here, not left to the buffer: the int offset of an index of 2^30 floats or more wraps around
        if (i < 0 || i >= elements()) {
            throw new IndexOutOfBoundsException("index " + i + " outside the " + elements() + " elements of " + this);
        }
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
