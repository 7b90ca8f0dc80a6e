package org.etab.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;

/**
 * Hand-run benchmark (not a test): what a DJL batch costs on the PyTorch CPU engine for one W1 batch (20 clips of
 * float32 3x32x112x112, 96 MB): {@link DjlBatches#wrap} (views of the pooled memory) against what an adapter that
 * copies would pay (a torch copy of the features, or {@code NDManager.create(float[])} from the heap). Prints the
 * median of each over {@code rounds}. Usage, from {@code gpu/djl/} after {@code mvn -o test-compile} and
 * {@code mvn -o dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}:
 * {@code java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat cp.txt) org.etab.djl.WrapCost 30}.
 */
public final class WrapCost {
    private WrapCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int n = 20;
        TensorSpec features = new TensorSpec(DType.FLOAT32, 3, 32, 112, 112);
        TensorSpec labels = new TensorSpec(DType.FLOAT32, 1);
        List<SampleInfo> infos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            infos.add(new SampleInfo("s" + i, 0, i, new int[] {0}, 1));
        }
        float[] heap = new float[Math.toIntExact(features.elements() * n)];
        long[] wrap = new long[rounds];
        long[] torchCopy = new long[rounds];
        long[] heapCopy = new long[rounds];
        try (BatchPool pool = new BatchPool(features, labels, n, 1);
                NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int r = -3; r < rounds; r++) { // 3 warm-up rounds
                long t0 = System.nanoTime();
                try (Batch b = DjlBatches.wrap(
                        new org.etab.batch.Batch(r, infos, pool.acquire(), pool),
                        manager,
                        n,
                        new java.util.HashSet<>())) {
                    long t1 = System.nanoTime();
                    try (NDArray copy = b.getData().head().duplicate()) {
                        long t2 = System.nanoTime();
                        try (NDArray fromHeap = manager.create(heap, new Shape(features.batchShape(n)))) {
                            long t3 = System.nanoTime();
                            if (r >= 0) {
                                wrap[r] = t1 - t0;
                                torchCopy[r] = t2 - t1;
                                heapCopy[r] = t3 - t2;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(
                "W1 batch (%d x %s, %.1f MB), median of %d rounds:%n", n, features, features.bytes() * n / 1e6, rounds);
        System.out.printf("  wrap (views of the pool) + close: %.3f ms%n", median(wrap));
        System.out.printf("  torch copy of the features:       %.3f ms%n", median(torchCopy));
        System.out.printf("  create(float[]) from the heap:    %.3f ms%n", median(heapCopy));
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
