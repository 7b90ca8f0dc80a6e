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
 * @param shape the dimensions
 * @param data  the values
 */
public record Tensor(DType dtype, String axes, int[] shape, ByteBuffer data) {

    public Tensor {
        shape = shape.clone();
        data = data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /** A tensor whose dimensions have no names (4-D clips are read as {@code [C, T, H, W]}). */
    public Tensor(DType dtype, int[] shape, ByteBuffer data) {
        this(dtype, null, shape, data);
    }

    /** Copies slot {@code slot} of a host tensor. */
    public static Tensor copyOf(HostTensor t, int slot) {
        byte[] bytes = t.slotBytes(slot);
        return new Tensor(
                t.spec().dtype(),
                t.spec().axes(),
                t.spec().shape(),
                ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** True for a clip whose frames come first: {@code [T, C, H, W]}. */
    public boolean framesFirst() {
        return "TCHW".equals(axes);
    }

    /** The values as floats (float32 tensors). */
    public float[] floats() {
        require(DType.FLOAT32);
        float[] out = new float[(int) elements()];
        data.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        return out;
    }

    /** The values as ints (int32 tensors). */
    public int[] ints() {
        require(DType.INT32);
        int[] out = new int[(int) elements()];
        data.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer().get(out);
        return out;
    }

    /** The raw bytes (uint8 tensors: the values; others: their native-order encoding). */
    public byte[] bytes() {
        byte[] out = new byte[data.capacity()];
        data.duplicate().get(out);
        return out;
    }

    /** Element {@code i} (flat index) as a double, whatever the type. */
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
