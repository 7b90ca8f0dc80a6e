package org.etab.gpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a pipeline {@link Batch} into the DL4J {@link DataSet} that {@link EtabDataSetIterator#next()} returns:
 * features and labels as float, a class index as a one-hot row when asked, copied off the pooled memory or viewing
 * it (float32 tensors only; other dtypes are converted, i.e. copied).
 *
 * <p>Threading: immutable; called on the consumer's thread. Ownership: the batch stays the caller's; a
 * {@code DataSet} made with {@link EtabDataSetIterator.Ownership#VIEW} is valid only while its batch is open.
 */
final class DataSetConverter {
    private final boolean views;
    /** One-hot classes, or 0 for labels as they come (converted to float). */
    private final int classes;

    /**
     * @param ownership whether float32 tensors are copied or viewed
     * @param classes one-hot classes, or 0 for labels as they come
     * @param labelSpec one sample's label, from the source
     * @param dataset the source's dataset, for the error message
     * @throws IllegalArgumentException when {@code classes > 0} but the labels are not a class index
     *     ({@code int32[1]})
     */
    DataSetConverter(EtabDataSetIterator.Ownership ownership, int classes, TensorSpec labelSpec, String dataset) {
        if (classes > 0 && !(labelSpec.dtype() == DType.INT32 && labelSpec.elements() == 1)) {
            throw new IllegalArgumentException("oneHot needs a class index label (int32[1]: CM, view, AS) but the "
                    + dataset + " source's labels are " + labelSpec);
        }
        this.views = ownership == EtabDataSetIterator.Ownership.VIEW;
        this.classes = classes;
    }

    /**
     * The batch's valid samples as a {@code DataSet}, its arrays made outside any workspace (DL4J may keep them).
     *
     * @throws IllegalStateException when a class lies outside {@code 0..classes-1}, naming the sample
     */
    DataSet convert(Batch batch) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return new DataSet(asFloat(Nd4jBatches.features(batch)), labels(batch));
        }
    }

    /** The one-hot columns' names {@code "0".."classes-1"} (unmodifiable), or null without one-hot. */
    List<String> labelNames() {
        if (classes == 0) {
            return null;
        }
        List<String> names = new ArrayList<>(classes);
        for (int k = 0; k < classes; k++) {
            names.add(Integer.toString(k));
        }
        return Collections.unmodifiableList(names);
    }

    private INDArray labels(Batch batch) {
        INDArray raw = Nd4jBatches.labels(batch);
        if (classes == 0) {
            return asFloat(raw);
        }
        int n = batch.size();
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            int k = raw.getInt(i, 0);
            if (k < 0 || k >= classes) {
                throw new IllegalStateException(
                        "sample " + batch.samples().get(i).id() + " has class " + k + ", outside 0.." + (classes - 1)
                                + " of oneHot(" + classes + ")");
            }
            oneHot.putScalar(i, k, 1f);
        }
        return oneHot;
    }

    /** A float32 view as it is (VIEW) or duplicated (COPY); any other dtype cast, which copies. */
    private INDArray asFloat(INDArray view) {
        if (view.dataType() == DataType.FLOAT) {
            return views ? view : view.dup();
        }
        return view.castTo(DataType.FLOAT);
    }
}
