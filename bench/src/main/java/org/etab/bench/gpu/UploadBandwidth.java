package org.etab.bench.gpu;

import static org.etab.bench.gpu.GpuCheck.fmt;
import static org.etab.bench.gpu.GpuCheck.row;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.gpu.cuda.PinnedAllocator;
import reactor.core.publisher.Flux;

/**
 * {@link GpuCheck}'s bandwidth rows: the raw pinned host-to-device copy ceiling, then uint8 batches uploaded and
 * normalized through {@link DeviceFeeder} against it, with the feeder's own device-time meters.
 */
final class UploadBandwidth {
    private UploadBandwidth() {}

    /** Raw pinned copy ceiling (64-256 MiB) and uint8 upload + normalize through the feeder, in one run. */
    static void measure(CudaDevice device) {
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
}
