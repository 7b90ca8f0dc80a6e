package org.etab.batch;

import java.util.Arrays;

/**
 * The shape and element type of one sample's tensor (no batch dimension), declared before any data moves
 * so that buffers are allocated once and impossible combinations fail when the pipeline is built.
 */
public record TensorSpec(DType dtype, int... shape) {

    public TensorSpec {
        shape = shape.clone();
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor dimensions must be >= 1 but were " + Arrays.toString(shape));
            }
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Elements in one sample. */
    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes in one sample. */
    public long bytes() {
        return elements() * dtype.bytes();
    }

    /** The shape with a leading batch dimension. */
    public long[] batchShape(int batch) {
        long[] s = new long[shape.length + 1];
        s[0] = batch;
        for (int i = 0; i < shape.length; i++) {
            s[i + 1] = shape[i];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.dtype == dtype && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype.name().toLowerCase() + Arrays.toString(shape);
    }
}
