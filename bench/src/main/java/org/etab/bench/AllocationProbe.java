package org.etab.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;

/**
 * Heap bytes allocated per delivered sample, per epoch (docs/benchmarks.md, "Allocations per sample"). Counts every
 * thread's allocations, those of threads that ended included ({@code getTotalThreadAllocatedBytes}, JDK 21+), so
 * run it on a JDK 21 or later:
 *
 * <pre>
 * java -cp bench/target/etab-bench.jar:$(cat bench/target/classpath.txt) org.etab.bench.AllocationProbe \
 *     w1|camus|tmed ROOT [EPOCHS]
 * </pre>
 *
 * Workloads: {@code w1} ({@link Workloads#w1()} on EchoNet's train split), {@code camus} (CAMUS LV_seg stills at
 * 224x224, first_epoch.sh's), {@code tmed} (TMED-2 stills, its default target, train split). Two decode threads, batches of
 * 20. Prints the classes loaded before epoch 0, then one line per epoch: samples, bytes allocated, bytes per
 * sample, and the classes loaded so far.
 */
public final class AllocationProbe {
    private AllocationProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AllocationProbe w1|camus|tmed ROOT [EPOCHS]");
            System.exit(2);
        }
        String workload = args[0];
        Path root = Path.of(args[1]);
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String dataset;
        SampleOptions options;
        switch (workload) {
            case "w1" -> {
                dataset = "echonet";
                options = Workloads.w1().build();
            }
            case "camus" -> {
                dataset = "camus";
                options = SampleOptions.builder()
                        .target(Datasets.target("camus", "LV_seg"))
                        .video(false)
                        .frameSize(224, 224)
                        .build();
            }
            case "tmed" -> {
                dataset = "tmed";
                options = SampleOptions.builder()
                        .target(Datasets.defaultTarget("tmed"))
                        .video(false)
                        .build();
            }
            default -> throw new IllegalArgumentException("workload must be w1, camus or tmed but was " + workload);
        }
        // Java 21's getTotalThreadAllocatedBytes, called by name: this module compiles for Java 17
        Object threads = ManagementFactory.getThreadMXBean();
        Method total = com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
        var classes = ManagementFactory.getClassLoadingMXBean();
        try (OpenedDataset opened = Datasets.open(dataset, root, "train", options);
                Pipeline pipeline = new Pipeline(
                        opened.source(),
                        PipelineOptions.builder().batchSize(20).threads(2).build())) {
            System.out.printf(
                    "ALLOC workload=%s start classes_loaded=%d%n", workload, classes.getTotalLoadedClassCount());
            for (int epoch = 0; epoch < epochs; epoch++) {
                long samples = 0;
                long before = (long) total.invoke(threads);
                try (BatchIterator<Batch> batches = pipeline.iterate(epoch)) {
                    while (batches.hasNext()) {
                        try (Batch batch = batches.next()) {
                            samples += batch.size();
                        }
                    }
                }
                long bytes = (long) total.invoke(threads) - before;
                System.out.printf(
                        "ALLOC workload=%s epoch=%d samples=%d bytes=%d bytes_per_sample=%d classes_loaded=%d%n",
                        workload,
                        epoch,
                        samples,
                        bytes,
                        samples == 0 ? 0 : bytes / samples,
                        classes.getTotalLoadedClassCount());
            }
        }
    }
}
