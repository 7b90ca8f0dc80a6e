package org.etab.bench.gpu;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.gpu.cuda.Normalization;
import org.etab.gpu.cuda.NormalizeReference;
import org.etab.gpu.cuda.PinnedAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import reactor.core.publisher.Flux;

/**
 * The CUDA feeder's verification on a GPU machine; prints a Markdown table for docs/gpu.md.
 * (1) correctness vs the float64 reference, outputs poisoned with NaN first, and the device path vs the host path
 * on every element of an epoch ({@link HostParity}); (2) raw pinned copy ceiling and
 * upload+normalize rate through {@link DeviceFeeder}, with the feeder's device-time meters
 * ({@code etab.upload.duration}, {@code etab.normalize.duration}); (3) end to end on a phantom EchoNet set, all
 * cores, set up as {@code etab bench --device cuda} sets it up ({@link DeviceFeeder#hostSamples},
 * {@link Normalization#matching}, {@link FeederOptions#pipelineOptions}): clips/s CPU-only vs with upload
 * (medians of alternated epochs), the wait of a deliberately slow consumer, the device times; (4) device memory
 * before and after the epochs.
 *
 * <p>usage: {@code GpuCheck [videos=120] [epochs=10] [batch=16]}. Exit 2 when there is no GPU. It lives in module
 * {@code bench} because it writes a phantom dataset, which module {@code gpu} may not know about; {@code
 * bench/check-on-gpu.sh} packs it for a GPU machine.
 */
public final class GpuCheck {
    private static final List<String> ROWS = new ArrayList<>();
    /** Alternated epochs of each path in the end-to-end comparison. */
    private static final int PAIRS = 7;

    private GpuCheck() {}

    /** Result of the correctness check. */
    public record Correctness(double maxAbsError, long elements) {}

    public static void main(String[] args) throws Exception {
        int videos = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        CudaDevice.Availability a = CudaDevice.probe();
        if (!a.available()) {
            System.out.println("no GPU: " + a.reason());
            System.exit(2);
        }
        try (CudaDevice device = new CudaDevice(0)) {
            row("device", device.name() + ", kernel module load " + fmt(device.moduleLoadMillis()) + " ms");
            long[] mem0 = device.memInfo();
            Correctness c = correctness(device, 4, 7);
            row(
                    "normalize vs float64 reference, 4 layout pairs, NaN-poisoned output (goal < 1e-5)",
                    String.format(
                            Locale.ROOT,
                            "max abs error %.3g over %d values: %s",
                            c.maxAbsError(),
                            c.elements(),
                            c.maxAbsError() < 1e-5 ? "PASS" : "FAIL"));
            hostParity(device);
            bandwidth(device);
            endToEnd(device, videos, epochs, batch);
            long[] mem1 = device.memInfo();
            row(
                    "device memory free before / after (cudaMemGetInfo)",
                    mib(mem0[0]) + " / " + mib(mem1[0]) + " MiB of " + mib(mem0[1]) + " (difference "
                            + mib(mem0[0] - mem1[0]) + " MiB)");
        }
        System.out.println();
        System.out.println("| check | result |");
        System.out.println("| --- | --- |");
        ROWS.forEach(System.out::println);
    }

    private static void row(String what, String result) {
        String r = "| " + what + " | " + result + " |";
        ROWS.add(r);
        System.err.println(r);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /** Random uint8 batches through copy + kernel on every layout pair, against the float64 reference. */
    public static Correctness correctness(CudaDevice device, int batch, long seed) {
        int c = 3;
        int spatial = 16 * 112 * 112;
        int n = batch * c * spatial;
        byte[] in = new byte[n];
        new Random(seed).nextBytes(in);
        double worst = 0;
        long elements = 0;
        Device.Stream s = device.newStream();
        Device.Buffer din = device.malloc(n);
        Device.Buffer dout = device.malloc(4L * n);
        BytePointer hin = device.hostAlloc(n);
        BytePointer hout = device.hostAlloc(4L * n);
        try {
            hin.position(0).put(in);
            for (Normalization.Layout li : Normalization.Layout.values()) {
                for (Normalization.Layout lo : Normalization.Layout.values()) {
                    Normalization norm = Normalization.imagenet().withInput(li).withOutput(lo);
                    device.fill(dout, 0xFF, 4L * n, s); // NaN
                    device.copyToDevice(hin, din, n, s);
                    device.normalize(din, dout, batch, spatial, norm, s);
                    device.copyToHost(dout, hout, 4L * n, s);
                    device.synchronize(s);
                    float[] got = new float[n];
                    hout.position(0)
                            .capacity(4L * n)
                            .asByteBuffer()
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer()
                            .get(got);
                    double e =
                            NormalizeReference.maxAbsError(got, NormalizeReference.reference(in, batch, spatial, norm));
                    worst = Double.isNaN(e) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, e);
                    elements += n;
                }
            }
        } finally {
            device.hostFree(hin);
            device.hostFree(hout);
            device.free(din);
            device.free(dout);
            device.destroy(s);
        }
        return new Correctness(worst, elements);
    }

    /** Raw pinned copy ceiling (64-256 MiB) and uint8 upload + normalize through the feeder, in one run. */
    static void bandwidth(CudaDevice device) {
        long max = 256L << 20;
        Device.Stream s = device.newStream();
        Device.Buffer d = device.malloc(max);
        BytePointer h = device.hostAlloc(max);
        double ceiling = 0;
        StringBuilder sizes = new StringBuilder();
        try {
            for (long size = 64L << 20; size <= max; size *= 2) {
                device.copyToDevice(h, d, size, s);
                device.synchronize(s);
                int reps = 10;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    device.copyToDevice(h, d, size, s);
                }
                device.synchronize(s);
                double gbs = size * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
                ceiling = Math.max(ceiling, gbs);
                sizes.append(sizes.length() == 0 ? "" : ", ")
                        .append(size >> 20)
                        .append(" MiB ")
                        .append(fmt(gbs));
            }
        } finally {
            device.hostFree(h);
            device.free(d);
            device.destroy(s);
        }
        row("pinned host -> device cudaMemcpyAsync ceiling, GB/s", sizes.toString());
        // the feeder: 32 batches of 16 x uint8[3, 16, 112, 112] (9.6 MB each) from a pinned pool, 3 rounds
        TensorSpec spec = new TensorSpec(DType.UINT8, 3, 16, 112, 112);
        int batch = 16;
        PinnedAllocator pinned = new PinnedAllocator(device);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        double best = 0;
        String times;
        // 8 buffers: room for the 3 + 1 + 1 ring slots and the 2 host batches of the upload thread
        try (BatchPool pool = new BatchPool(
                        spec,
                        new TensorSpec(DType.FLOAT32, 1),
                        batch,
                        8,
                        pinned,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60));
                DeviceFeeder feeder = DeviceFeeder.builder()
                        .device(device)
                        .features(spec)
                        .batchSize(batch)
                        .options(FeederOptions.builder().prefetch(3).build())
                        .build()
                        .bindTo(registry, "synthetic")) {
            for (int round = 0; round < 4; round++) {
                int count = 64;
                long t0 = System.nanoTime();
                for (DeviceBatch db : feeder.feed(synthetic(pool, count, batch)).toIterable(1)) {
                    try (db) {
                        db.synchronize();
                    }
                }
                double gbs = spec.bytes() * batch * count / ((System.nanoTime() - t0) / 1e9) / 1e9;
                if (round > 0) {
                    best = Math.max(best, gbs);
                }
            }
            times = deviceTimes(registry, spec.bytes() * batch); // before close removes the meters
        }
        row(
                "DeviceFeeder uint8 upload + normalize (consumer syncs each batch), GB/s of uint8 (goal >= 90 % of ceiling)",
                fmt(best) + " = " + Math.round(100 * best / ceiling) + " % of " + fmt(ceiling));
        row("DeviceFeeder device times per " + fmt(spec.bytes() * batch / 1e6) + " MB batch, 4 rounds of 64", times);
    }

    /** The feeder's device-time meters: mean and p50 of the copy (and the GB/s its mean implies) and the kernel. */
    static String deviceTimes(MeterRegistry registry, long bytesPerBatch) {
        Timer upload = registry.get("etab.upload.duration").timer();
        Timer kernel = registry.get("etab.normalize.duration").timer();
        double mean = upload.mean(TimeUnit.MILLISECONDS);
        return String.format(
                Locale.ROOT,
                "etab.upload.duration mean %.3f ms, p50 %.3f ms (%.1f GB/s at the mean); "
                        + "etab.normalize.duration mean %.3f ms, p50 %.3f ms; %d batches",
                mean,
                p50(upload),
                bytesPerBatch / (mean / 1e3) / 1e9,
                kernel.mean(TimeUnit.MILLISECONDS),
                p50(kernel),
                upload.count());
    }

    private static double p50(Timer t) {
        for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
            if (v.percentile() == 0.5) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    /** {@code count} full batches of {@code batch} one-frame samples (whatever bytes the pool's buffers hold). */
    static Flux<Batch> synthetic(BatchPool pool, int count, int batch) {
        return Flux.range(0, count).map(i -> {
            BatchPool.Buffers b = pool.acquire();
            List<SampleInfo> infos = new ArrayList<>();
            for (int k = 0; k < batch; k++) {
                infos.add(new SampleInfo("s" + k, 0, k, new int[] {0}, 1));
            }
            return new Batch(i, infos, b, pool);
        });
    }

    /** {@link HostParity}'s cases on small phantoms, one row each. */
    static void hostParity(Device device) throws IOException {
        Path dir = Files.createTempDirectory("etab-gpucheck-parity-");
        try {
            Map<String, Path> roots = HostParity.phantoms(dir);
            for (HostParity.Case c : HostParity.cases()) {
                row(
                        "device path vs host path, " + c.name(),
                        HostParity.compare(device, roots.get(c.dataset()), c).row());
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Phantom EchoNet, all cores: CPU-only vs with upload, a slow consumer's wait, memory over the epochs. */
    static void endToEnd(CudaDevice device, int videos, int epochs, int batch) throws IOException {
        Path dir = Files.createTempDirectory("etab-gpucheck-");
        try {
            new EchoNetPhantom(EchoNetPhantom.Options.builder()
                            .videos(videos)
                            .seed(42)
                            .build())
                    .write(dir);
            List<EchoNetRecord> records = EchoNetReader.read(dir).records();
            // workload W1 as etab bench asks for it (float32, ImageNet-normalized), set up for the device
            SampleOptions w1 = SampleOptions.builder()
                    .target(Target.EF)
                    .clipLength(32)
                    .fps(25)
                    .padding(true)
                    .clipStart(ClipStart.RANDOM)
                    .frameSize(112, 112)
                    .channels(3)
                    .normalize(true)
                    .dtype(DType.FLOAT32)
                    .seed(42)
                    .shuffle(true)
                    .build();
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
                        deviceTimes(registry, source.features().bytes() * batch));
            }
        } finally {
            deleteTree(dir);
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
