package org.etab.bench.gpu;

import static org.etab.bench.gpu.GpuCheck.fmt;
import static org.etab.bench.gpu.GpuCheck.mib;
import static org.etab.bench.gpu.GpuCheck.row;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.bench.Workloads;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.gpu.cuda.Normalization;
import org.etab.gpu.cuda.PinnedAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleOptions;

/**
 * {@link GpuCheck}'s end-to-end rows on a phantom EchoNet set, all cores, set up as {@code etab bench --device cuda}
 * sets it up ({@link DeviceFeeder#hostSamples}, {@link Normalization#matching}, {@link FeederOptions#pipelineOptions}):
 * clips/s of the CPU pipeline alone against the same pipeline feeding the device (medians of alternated epochs), the
 * wait of a consumer slower than the loader, the device times, and device memory over the epochs.
 */
final class EndToEndCheck {
    /** Alternated epochs of each path in the comparison. */
    private static final int PAIRS = 7;

    private EndToEndCheck() {}

    /** Phantom EchoNet, all cores: CPU-only vs with upload, a slow consumer's wait, memory over the epochs. */
    static void run(CudaDevice device, int videos, int epochs, int batch) throws IOException {
        Path dir = Files.createTempDirectory("etab-gpucheck-");
        try {
            new EchoNetPhantom(EchoNetPhantom.Options.builder()
                            .videos(videos)
                            .seed(42)
                            .build())
                    .write(dir);
            List<EchoNetRecord> records = EchoNetReader.read(dir).records();
            // workload W1 as etab bench asks for it (float32, ImageNet-normalized), set up for the device
            SampleOptions w1 = Workloads.w1().build();
            int cores = Runtime.getRuntime().availableProcessors();
            FeederOptions fo = FeederOptions.builder()
                    .normalization(Normalization.matching(w1))
                    .build();
            PipelineOptions po = fo.pipelineOptions(
                    PipelineOptions.builder().batchSize(batch).threads(cores).build());
            PinnedAllocator pinned = new PinnedAllocator(device);
            EchoNetSource source = new EchoNetSource(records, DeviceFeeder.hostSamples(w1));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Pipeline p = new Pipeline(source, po, registry, pinned);
                    DeviceFeeder feeder = DeviceFeeder.builder()
                            .device(device)
                            .pipeline(p)
                            .options(fo)
                            .build()
                            .bindTo(registry, "echonet")) {
                // one epoch is a fraction of a second here: warm up both paths, then alternate and take medians
                cpuOnly(p, 0);
                withUpload(p, feeder, 1, 0);
                double[] cpus = new double[PAIRS];
                double[] gpus = new double[PAIRS];
                for (int i = 0; i < PAIRS; i++) {
                    cpus[i] = cpuOnly(p, 100 + 2 * i);
                    gpus[i] = withUpload(p, feeder, 101 + 2 * i, 0);
                }
                double cpu = median(cpus);
                double gpu = median(gpus);
                row(
                        "end to end, " + records.size() + " phantom videos, " + cores
                                + " threads, clips/s CPU-only vs with upload, medians of " + PAIRS
                                + " alternated epochs (goal within 5 %)",
                        fmt(cpu) + " (" + range(cpus) + ") vs " + fmt(gpu) + " (" + range(gpus) + "): "
                                + fmt(100 * (gpu - cpu) / cpu) + " %");
                long perBatchMs = Math.max(1, Math.round(1000.0 * batch / cpu * 1.25));
                long[] wait = new long[2];
                double slow = withUpload(p, feeder, 3, perBatchMs, wait);
                row(
                        "slow consumer (" + perBatchMs
                                + " ms per batch, 25 % slower than the loader): time waiting for batches after the first 3 (goal < 1 %)",
                        fmt(100.0 * wait[0] / Math.max(1, wait[1])) + " % (" + fmt(slow) + " clips/s)");
                long[] before = device.memInfo();
                for (int e = 0; e < epochs; e++) {
                    withUpload(p, feeder, 10 + e, 0);
                }
                long[] after = device.memInfo();
                row(
                        epochs + " epochs with upload: device memory free before / after",
                        mib(before[0]) + " / "
                                + mib(after[0]) + " MiB; pinned host " + mib(pinned.bytes()) + " MiB in "
                                + pinned.blocks()
                                + " blocks");
                row(
                        "end to end, device times per batch of " + batch + " clips ("
                                + fmt(source.features().bytes() * batch / 1e6) + " MB)",
                        UploadBandwidth.deviceTimes(registry, source.features().bytes() * batch));
            }
        } finally {
            GpuCheck.deleteTree(dir);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static String range(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return fmt(v[0]) + "-" + fmt(v[v.length - 1]);
    }

    private static double cpuOnly(Pipeline p, int epoch) {
        long clips = 0;
        long t0 = System.nanoTime();
        for (Batch b : p.batches(epoch).toIterable(2)) {
            try (b) {
                clips += b.size();
            }
        }
        return clips / ((System.nanoTime() - t0) / 1e9);
    }

    private static double withUpload(Pipeline p, DeviceFeeder f, int epoch, long sleepMs) {
        return withUpload(p, f, epoch, sleepMs, new long[2]);
    }

    /** wait[0]: nanos waiting for batches after the first 3; wait[1]: total nanos after the first 3. */
    private static double withUpload(Pipeline p, DeviceFeeder f, int epoch, long sleepMs, long[] wait) {
        long clips = 0;
        long t0 = System.nanoTime();
        var it = f.feed(p.batches(epoch)).toIterable(1).iterator();
        int n = 0;
        long steady = 0;
        while (true) {
            long w0 = System.nanoTime();
            if (!it.hasNext()) {
                break;
            }
            DeviceBatch db = it.next();
            long w = System.nanoTime() - w0;
            if (n == 3) {
                steady = System.nanoTime();
            }
            if (n >= 3) {
                wait[0] += w;
            }
            try (db) {
                db.synchronize();
                clips += db.size();
                if (sleepMs > 0) {
                    Thread.sleep(sleepMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            n++;
        }
        if (steady > 0) {
            wait[1] = System.nanoTime() - steady;
        }
        return clips / ((System.nanoTime() - t0) / 1e9);
    }
}
