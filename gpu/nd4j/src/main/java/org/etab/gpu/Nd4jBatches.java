package org.etab.gpu;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.etab.batch.Batch;
import org.etab.batch.HostTensor;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J views of host batches, without copying (CPU backend): the arrays read the batch's own native memory.
 *
 * <p>Ownership: an array is valid only while its batch is open; closing the batch returns the memory to the
 * pool, which reuses it for a later batch. Use {@link INDArray#dup()} to keep data beyond that.
 */
public final class Nd4jBatches {
    private Nd4jBatches() {}

    /**
     * The valid samples' inputs as a view, shape {@code [size, ...features spec]}, in the features' dtype (float32,
     * uint8 or int32).
     *
     * @param batch an open host batch; the view is valid only while it stays open
     * @return a view of the first {@code batch.size()} samples
     * @throws IllegalArgumentException when the batch holds no valid sample
     */
    public static INDArray features(Batch batch) {
        return view(batch.features(), batch.size());
    }

    /**
     * The valid samples' targets as a view, shape {@code [size, ...label spec]}, in the labels' dtype.
     *
     * @param batch an open host batch; the view is valid only while it stays open
     * @return a view of the first {@code batch.size()} labels
     * @throws IllegalArgumentException when the batch holds no valid sample
     */
    public static INDArray labels(Batch batch) {
        return view(batch.labels(), batch.size());
    }

    /**
     * The first {@code rows} slots of a host tensor as an INDArray over the same memory, shape {@code [rows,
     * ...spec]}, C order.
     *
     * @param tensor a host tensor whose memory stays allocated while the view is used (its batch open)
     * @param rows slots to view, {@code 1..tensor.capacity()}
     * @return a view; ND4J dtype FLOAT, INT or UBYTE for float32, int32 or uint8
     * @throws IllegalArgumentException when {@code rows} is out of range
     */
    public static INDArray view(HostTensor tensor, int rows) {
        if (rows < 1 || rows > tensor.capacity()) {
            throw new IllegalArgumentException("rows must be in 1.." + tensor.capacity() + " but was " + rows);
        }
        long length = tensor.spec().elements() * rows;
        BytePointer memory = tensor.pointer();
        // ND4J picks its indexer from the pointer's class, so hand it a typed view of the same address
        Pointer typed;
        DataType type;
        switch (tensor.spec().dtype()) {
            case FLOAT32 -> {
                typed = new FloatPointer(memory).capacity(length).limit(length);
                type = DataType.FLOAT;
            }
            case INT32 -> {
                typed = new IntPointer(memory).capacity(length).limit(length);
                type = DataType.INT;
            }
            case UINT8 -> {
                typed = new BytePointer(memory).capacity(length).limit(length);
                type = DataType.UBYTE;
            }
            default -> throw new AssertionError(tensor.spec().dtype());
        }
        DataBuffer buffer = Nd4j.createBuffer(typed, length, type);
        return Nd4j.create(buffer, tensor.spec().batchShape(rows));
    }
}
