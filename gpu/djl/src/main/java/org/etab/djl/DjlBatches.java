package org.etab.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.SampleInfo;

/**
 * A pipeline batch as a DJL {@link Batch}: features and labels over the pooled memory, in a new sub-manager that
 * owns the pipeline batch, so closing the DJL batch returns the memory to the pool.
 *
 * <p>Ownership: {@link #wrap} takes the pipeline batch; on every path it ends up owned by the returned DJL batch or
 * closed. The DJL batch is in {@code open} from its making until its {@code close()}.
 */
final class DjlBatches {
    private DjlBatches() {}

    /**
     * The DJL batch of {@code ours}, its arrays on {@code parent}'s device.
     *
     * @param total this rank's samples in the epoch (DJL's progress total)
     * @param open  where the DJL batch stays until it is closed (the dataset's batches handed out and not closed)
     */
    static Batch wrap(org.etab.batch.Batch ours, NDManager parent, long total, Set<Batch> open) {
        NDManager manager = null;
        try {
            manager = parent.newSubManager();
            int n = ours.size();
            NDArray features = array(manager, ours.features(), n);
            features.setName("features");
            NDArray labels = array(manager, ours.labels(), n);
            labels.setName("labels");
            manager.attachInternal("etab-batch", ours);
            List<String> ids = ours.samples().stream().map(SampleInfo::id).toList();
            long progress = ours.nextPosition() >= 0 ? ours.nextPosition() : total;
            OnceClosedBatch batch = new OnceClosedBatch(
                    open,
                    manager,
                    new NDList(features),
                    new NDList(labels),
                    n,
                    Batchifier.STACK,
                    Batchifier.STACK,
                    progress,
                    total,
                    ids);
            open.add(batch);
            return batch;
        } catch (RuntimeException | Error e) {
            ours.close();
            if (manager != null) {
                manager.close();
            }
            throw e;
        }
    }

    /** The first {@code n} slots of {@code tensor}: a view on a CPU manager of the PyTorch engine. */
    static NDArray array(NDManager manager, HostTensor tensor, int n) {
        int bytes = Math.toIntExact(tensor.spec().bytes() * n);
        ByteBuffer valid = tensor.buffer().slice(0, bytes).order(ByteOrder.nativeOrder());
        return manager.create(
                valid,
                new Shape(tensor.spec().batchShape(n)),
                dataType(tensor.spec().dtype()));
    }

    static DataType dataType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> DataType.FLOAT32;
            case UINT8 -> DataType.UINT8;
            case INT32 -> DataType.INT32;
        };
    }

    /**
     * DJL's batch, whose second {@code close()} does nothing (DJL's own throws a NullPointerException, its manager
     * gone), so that a listener and {@code EasyTrain} may both close it; its first close takes it out of the
     * dataset's open batches.
     */
    private static final class OnceClosedBatch extends Batch {
        private final AtomicBoolean closed = new AtomicBoolean();
        private final Set<Batch> open;

        OnceClosedBatch(
                Set<Batch> open,
                NDManager manager,
                NDList data,
                NDList labels,
                int size,
                Batchifier dataBatchifier,
                Batchifier labelBatchifier,
                long progress,
                long progressTotal,
                List<?> indices) {
            super(manager, data, labels, size, dataBatchifier, labelBatchifier, progress, progressTotal, indices);
            this.open = open;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.remove(this);
                super.close();
            }
        }
    }
}
