package org.etab.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.pipeline.Pipeline;
import reactor.core.publisher.Flux;

/**
 * The {@code --device cuda} consumer of {@code etab bench} and {@code etab demo}: the pipeline's host batches
 * (uint8, in pinned memory: {@link DeviceChoice} builds it so) go through a {@link DeviceFeeder}; the consumer
 * waits for each device batch's {@code ready} event, as a training step would before its first kernel, touches
 * nothing else, and closes it. The loop runs on any {@link Device}, so tests drive it with a fake one.
 *
 * <p>Loading: only {@link #open()} names {@link CudaDevice} (and through it {@code org.bytedeco.cuda}); it is
 * called only once the probe has found a GPU.
 */
final class CudaBench {
    private CudaBench() {}

    /** GPU 0, or an error that says why it cannot be used. */
    static Device open() {
        try {
            return new CudaDevice(0);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--device cuda: cannot use GPU 0: " + e.getMessage(), e);
        }
    }

    /**
     * Streams the epochs through a feeder on {@code device} (meters in {@code registry}, tagged with the
     * pipeline's dataset) and reports the run, with the feeder's device times for the summary.
     */
    static BenchRunner.Result run(
            Pipeline pipeline,
            Device device,
            FeederOptions options,
            MeterRegistry registry,
            int firstEpoch,
            int lastEpoch,
            long startAt,
            boolean showProgress,
            RunRecorder recorder,
            boolean perEpoch) {
        try (DeviceFeeder feeder = DeviceFeeder.builder()
                .device(device)
                .pipeline(pipeline)
                .options(options)
                .build()
                .bindTo(registry, pipeline.source().dataset())) {
            BenchRunner.Result r = BenchRunner.run(
                    pipeline,
                    firstEpoch,
                    lastEpoch,
                    startAt,
                    new Consumer(feeder),
                    "cuda (" + device.name() + ": pinned uint8 upload, normalized on the device)",
                    showProgress,
                    recorder,
                    perEpoch);
            return r.withDeviceTimes(deviceTimes(registry, pipeline.source().dataset())); // before close removes them
        }
    }

    /** Mean device time per batch of the copy and of the kernel, from the feeder's meters. */
    static String deviceTimes(MeterRegistry registry, String dataset) {
        Timer upload =
                registry.get("etab.upload.duration").tag("dataset", dataset).timer();
        Timer kernel =
                registry.get("etab.normalize.duration").tag("dataset", dataset).timer();
        double bytes = registry.get("etab.upload.bytes")
                .tag("dataset", dataset)
                .counter()
                .count();
        double uploadSeconds = upload.totalTime(TimeUnit.SECONDS);
        return String.format(
                Locale.ROOT,
                "upload %.3f ms/batch (%.1f GB/s while copying), normalize %.3f ms/batch, " + "%d batches",
                upload.mean(TimeUnit.MILLISECONDS),
                uploadSeconds > 0 ? bytes / uploadSeconds / 1e9 : 0,
                kernel.mean(TimeUnit.MILLISECONDS),
                upload.count());
    }

    /** Device batches: wait for ready on the host, then close. */
    private record Consumer(DeviceFeeder feeder) implements BenchRunner.Consumer<DeviceBatch> {
        @Override
        public Flux<DeviceBatch> items(Flux<Batch> batches) {
            return feeder.feed(batches);
        }

        @Override
        public void take(DeviceBatch batch) {
            batch.synchronize();
        }

        @Override
        public List<SampleInfo> samples(DeviceBatch batch) {
            return batch.samples();
        }

        @Override
        public long nextPosition(DeviceBatch batch) {
            return batch.nextPosition();
        }

        @Override
        public void close(DeviceBatch batch) {
            batch.close();
        }

        /** One: the feeder's ring has room for its prefetch, the batch in hand and one queued (DeviceFeeder). */
        @Override
        public int prefetch() {
            return 1;
        }
    }
}
