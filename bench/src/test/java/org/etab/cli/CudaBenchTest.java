package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.gpu.cuda.CudaDevice;
import org.etab.gpu.cuda.FakeDevice;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.sampling.ResumeState;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole {@code --device cuda} consumer loop of etab bench, on the fake device (asynchronous, no GPU). */
class CudaBenchTest {

    @Test
    void everySampleGoesThroughTheFeederIsRecordedAndEveryBufferComesBack(@TempDir Path tmp) {
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        DeviceChoice choice = DeviceChoice.resolve(
                RunOptions.Device.AUTO, DeviceChoiceTest.W1, () -> new CudaDevice.Availability(true, "1 GPU(s)"));
        FakeDevice device = new FakeDevice();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // the feeder removes its meters when it closes, i.e. inside the run: keep them as they are registered
        Map<String, Meter> feederMeters = new ConcurrentHashMap<>();
        registry.config().onMeterAdded(m -> {
            if (m.getId().getName().matches("etab\\.(upload|normalize)\\..*")) {
                feederMeters.put(m.getId().getName(), m);
            }
        });
        Path report = tmp.resolve("report.csv");
        Path resume = tmp.resolve("resume.json");
        PipelineOptions po = choice.pipelineOptions(PipelineOptions.builder()
                .batchSize(4)
                .threads(2)
                .prefetch(1)
                .onError(ErrorPolicy.FAIL)
                .build());
        EchoNetSource source = new EchoNetSource(records, choice.samples());
        BenchRunner.Result r;
        try (Pipeline pipeline = new Pipeline(source, po, registry, DeviceChoice.allocator(device));
                RunRecorder recorder = new RunRecorder(report, resume, new ResumeState(42, 0, 0, 0, 1))) {
            r = choice.run(pipeline, device, registry, 0, 1, 0, false, recorder, false);
            assertThat(PipelineProbe.batchPool(pipeline).outstanding()).isZero();
        }
        int clips = 2 * PhantomDatasets.ECHONET_VIDEOS;
        int batches = 2 * 3; // 12 videos in batches of 4, two epochs
        assertThat(r.account().delivered()).isEqualTo(clips);
        assertThat(r.account().failed()).isZero();
        assertThat(r.resultLine())
                .startsWith(
                        "RESULT planned=" + clips + " delivered=" + clips + " failed=0 clips=" + clips + " seconds=");
        assertThat(r.device())
                .isEqualTo("cuda (fake: pinned uint8 upload, normalized on the device), by --device auto");
        assertThat(r.deviceTimes()).startsWith("upload ").endsWith(", " + batches + " batches");

        // the feeder's meters, on the run's registry: every byte of every clip, one device time per batch
        long bytes = source.features().bytes() * clips;
        assertThat(feederMeters.get("etab.upload.bytes").getId().getTag("dataset"))
                .isEqualTo("echonet");
        assertThat(((Counter) feederMeters.get("etab.upload.bytes")).count()).isEqualTo(bytes);
        assertThat(((Timer) feederMeters.get("etab.upload.duration")).count()).isEqualTo(batches);
        assertThat(((Timer) feederMeters.get("etab.normalize.duration")).count())
                .isEqualTo(batches);
        assertThat(((Timer) feederMeters.get("etab.upload.duration"))
                        .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isEqualTo(Math.round(device.copyMillis(bytes) * 1e6));
        assertThat(registry.find("etab.upload.bytes").meter())
                .as("removed when the feeder closed")
                .isNull();

        // report and resume state were written from the device batches
        assertThat(report).exists();
        List<String> rows = readLines(report);
        assertThat(rows).hasSize(clips + 1);
        assertThat(rows.subList(1, rows.size())).allMatch(row -> row.split(",")[1].equals("delivered"));
        ResumeState saved = ResumeState.read(resume);
        assertThat(saved.epoch()).isEqualTo(1);
        assertThat(saved.position()).isEqualTo(PhantomDatasets.ECHONET_VIDEOS);

        // the pipeline's batches lived in the device's pinned memory; all of it, and the ring, is freed
        assertThat(device.livePinned()).isZero();
        assertThat(device.liveBuffers()).isZero();
        assertThat(device.liveStreamsAndEvents()).isZero();
        assertThat(device.violations()).isEmpty();
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
