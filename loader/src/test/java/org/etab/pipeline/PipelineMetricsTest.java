package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineMetricsTest {

    @Test
    void metersCountWhatThePipelineDidAndLeaveWithIt(@TempDir Path tmp) throws Exception {
        // a damaged copy: one video is missing
        Path root = tmp.resolve("echonet");
        Files.createDirectories(root.resolve("Videos"));
        Path src = PhantomDatasets.echonet();
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(src.resolve(f), root.resolve(f));
        }
        try (var videos = Files.list(src.resolve("Videos"))) {
            for (Path v : (Iterable<Path>) videos::iterator) {
                Files.copy(v, root.resolve("Videos").resolve(v.getFileName()));
            }
        }
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        Files.delete(records.get(0).video());

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(8)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.FIRST)
                .frameSize(32, 32)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(1)
                .shuffle(false)
                .build();
        try (Pipeline p = new Pipeline(
                new EchoNetSource(records, o),
                PipelineOptions.builder().batchSize(5).threads(2).build(),
                registry,
                HostAllocator.NATIVE)) {
            p.batches(0).doOnNext(Batch::close).blockLast();
            assertThat(registry.get("etab.samples")
                            .tag("dataset", "echonet")
                            .counter()
                            .count())
                    .isEqualTo(11);
            assertThat(registry.get("etab.frames.decoded").counter().count()).isEqualTo(11 * 8);
            assertThat(registry.get("etab.frames.delivered").counter().count())
                    .isEqualTo(p.account().frames())
                    .isEqualTo(11 * 8);
            assertThat(registry.get("etab.errors")
                            .tag("stage", "decode")
                            .counter()
                            .count())
                    .isEqualTo(1);
            long fileBytes = 0;
            for (EchoNetRecord r : records.subList(1, records.size())) {
                fileBytes += Files.size(r.video());
            }
            // packets up to the last needed frame only: some bytes, far fewer than the whole files
            double read = registry.get("etab.bytes.read").counter().count();
            assertThat(read).isGreaterThan(0).isLessThan(fileBytes);
            assertThat(p.bytesRead()).isEqualTo(read);
            assertThat(registry.get("etab.decode").timer().count()).isEqualTo(11);
            assertThat(registry.get("etab.batch").timer().count()).isEqualTo(3);
            assertThat(registry.get("etab.batches.inflight").gauge().value()).isZero();
            assertThat(registry.get("etab.consumer.wait").timer().count()).isZero(); // nobody iterated yet

            try (BatchIterator<Batch> it = p.iterate(1)) {
                while (it.hasNext()) {
                    it.next().close();
                }
            }
            // one wait per hasNext that took from the queue: 3 batches and the end
            assertThat(registry.get("etab.consumer.wait").timer().count()).isEqualTo(4);
            assertThat(p.consumerWaitSeconds())
                    .isEqualTo(registry.get("etab.consumer.wait").timer().totalTime(TimeUnit.SECONDS));
        }
        assertThat(registry.find("etab.samples").meters()).isEmpty();
        assertThat(registry.find("etab.errors").meters()).isEmpty();
        assertThat(registry.getMeters()).isEmpty(); // every meter of the pipeline leaves with it
    }

    @Test
    void aFailureCountedAfterCloseLeavesNoMeterBehind() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineMetrics metrics = new PipelineMetrics(registry, "echonet", "p1", () -> 0, () -> 0);
        metrics.failed("index"); // the one stage not registered up front
        assertThat(registry.get("etab.errors").tag("stage", "index").counter().count())
                .isEqualTo(1);

        metrics.close();
        metrics.failed("index"); // a worker that finishes after the pipeline closed
        metrics.failed("decode");

        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void thePoolGaugesReadThePipelinesPoolsAndTheReadyGaugeCountsBatchesInAndOut() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PipelineMetrics metrics = new PipelineMetrics(registry, "fake", "1", () -> 6, () -> 4)) {
            assertThat(registry.get("etab.pool.buffers").gauge().value()).isEqualTo(6);
            assertThat(registry.get("etab.pool.outstanding").gauge().value()).isEqualTo(4);
            // a counter for every stage a sample can fail at, at 0; none for the index's rejections
            assertThat(registry.get("etab.errors")
                            .tag("stage", Stage.DECODE.toString())
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.find("etab.errors")
                            .tag("stage", Stage.INDEX.toString())
                            .counter())
                    .isNull();
            metrics.batchReady();
            metrics.batchReady();
            metrics.batchReady();
            metrics.batchesTaken(2);
            assertThat(registry.get("etab.batches.ready").gauge().value()).isEqualTo(1);
        }
    }
}
