package org.etab.batch;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The shape and element type of one sample's tensor (no batch dimension), declared before any data moves
 * so that buffers are allocated once and impossible combinations fail when the pipeline is built.
 *
 * @param dtype the element type
 * @param axes  one letter per dimension naming it (e.g. {@code "CTHW"}: channels, time, height, width), or null when
 *              the dimensions have no names (targets)
 * @param shape the dimensions, each >= 1
 */
public record TensorSpec(DType dtype, String axes, int... shape) {

    /**
     * Checks and copies the shape.
     *
     * @param dtype the element type
     * @param axes  one distinct letter per dimension, or null
     * @param shape the dimensions, each >= 1 (copied)
     * @throws IllegalArgumentException when a dimension is below 1, or {@code axes} does not name each dimension
     *                                  exactly once
     */
    public TensorSpec {
        shape = shape.clone();
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor dimensions must be >= 1 but were " + Arrays.toString(shape));
            }
        }
        if (axes != null
                && (axes.length() != shape.length || axes.chars().distinct().count() != shape.length)) {
            throw new IllegalArgumentException(
                    "axes must name each of the " + shape.length + " dimensions once but were '" + axes + "'");
        }
    }

    /**
     * A tensor whose dimensions have no names.
     *
     * @param dtype the element type
     * @param shape the dimensions, each >= 1 (copied)
     * @throws IllegalArgumentException when a dimension is below 1
     */
    public TensorSpec(DType dtype, int... shape) {
        this(dtype, null, shape);
    }

    /**
     * The dimensions.
     *
     * @return a copy, so callers cannot change the spec
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The dimension named {@code axis}.
     *
     * @param axis the upper-case letter (e.g. {@code 'T'})
     * @return its 0-based index in {@link #shape()}, or -1 when there is none or the axes have no names
     */
    public int axis(char axis) {
        return axes == null ? -1 : axes.indexOf(axis);
    }

    /**
     * Elements in one sample.
     *
     * @return the product of the dimensions
     */
    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Bytes in one sample.
     *
     * @return {@link #elements()} times the element size
     */
    public long bytes() {
        return elements() * dtype.bytes();
    }

    /**
     * The shape with a leading batch dimension, as frameworks take it.
     *
     * @param batch the batch dimension
     * @return {@code [batch, ...shape]}
     */
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
        return o instanceof TensorSpec t
                && t.dtype == dtype
                && Objects.equals(t.axes, axes)
                && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Objects.hashCode(axes)) + Arrays.hashCode(shape);
    }

    /** {@code float32[3, 32, 112, 112] cthw}: type, shape, and the axes' names in lower case when named. */
    @Override
    public String toString() {
        return dtype.name().toLowerCase(Locale.ROOT)
                + Arrays.toString(shape)
                + (axes == null ? "" : " " + axes.toLowerCase(Locale.ROOT));
    }
}
