package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline and its {@link DeviceFeeder} made, fed and closed many times in one JVM (one per trial of a sweep), on
 * the fake device: afterwards no device buffer, pinned block, stream or event is live, no upload thread runs, and the
 * caller's registry holds none of their meters.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleLeakTest {
    private static final int CYCLES = 60;
    /** How long the upload threads of the last cycles may take to end. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aFeederPerTrialLeavesNothingBehind(@TempDir Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(12).seed(42).build()).write(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).records();
        EchoNetSource source = new EchoNetSource(
                records,
                SampleOptions.builder()
                        .target(Target.EF)
                        .clipLength(4)
                        .frameSize(16, 16)
                        .channels(3)
                        .normalize(false)
                        .dtype(DType.UINT8)
                        .seed(42)
                        .build());
        FakeDevice device = new FakeDevice();
        FeederOptions fo = FeederOptions.builder().build();
        PipelineOptions po = fo.pipelineOptions(
                PipelineOptions.builder().batchSize(1).threads(2).build());
        MeterRegistry registry = new SimpleMeterRegistry();
        Map<String, Integer> before = threads();
        for (int i = 0; i < CYCLES; i++) {
            PinnedAllocator pinned = new PinnedAllocator(device);
            try (Pipeline p = new Pipeline(source, po, registry, pinned);
                    DeviceFeeder feeder = DeviceFeeder.builder()
                            .device(device)
                            .pipeline(p)
                            .options(fo)
                            .build()
                            .bindTo(registry, "echonet")) {
                try (BatchIterator<DeviceBatch> batches = p.iterate(feeder.feed(p.batches(i)), 1)) {
                    batches.next().close(); // left after two batches
                    batches.next().close();
                }
                if (i % 3 == 0) { // every third trial also runs a whole epoch
                    for (DeviceBatch db : p.consume(feeder.feed(p.batches(i)), 1)) {
                        db.close();
                    }
                }
            }
            // a feeder made and closed without feeding (a trial that failed before its first epoch)
            try (Pipeline p = new Pipeline(source, po, registry, pinned)) {
                DeviceFeeder.builder()
                        .device(device)
                        .pipeline(p)
                        .options(fo)
                        .build()
                        .bindTo(registry, "echonet")
                        .close();
            }
            assertThat(pinned.blocks()).as("pinned blocks of trial %d", i).isZero();
        }
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (!newThreads(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertSoftly(soft -> {
            soft.assertThat(newThreads(before)).as("threads left").isEmpty();
            soft.assertThat(device.liveBuffers()).as("device buffers").isZero();
            soft.assertThat(device.livePinned()).as("pinned blocks").isZero();
            soft.assertThat(device.liveStreamsAndEvents())
                    .as("streams and events")
                    .isZero();
            soft.assertThat(device.violations()).as("device misuse").isEmpty();
            soft.assertThat(registry.getMeters()).as("meters").isEmpty();
        });
    }

    /**
     * A feeder bound to a registry after its close (a dashboard restarted after the trial ended) is refused: the
     * meters it registered would stay in the registry for the JVM's life, as only {@code close()} removes them.
     */
    @Test
    void aClosedFeederIsNotBoundAgain() {
        FakeDevice device = new FakeDevice();
        MeterRegistry registry = new SimpleMeterRegistry();
        DeviceFeeder feeder = DeviceFeeder.builder()
                .device(device)
                .features(new TensorSpec(DType.UINT8, 3, 4, 16, 16))
                .batchSize(2)
                .options(FeederOptions.builder().build())
                .build()
                .bindTo(registry, "echonet");
        feeder.close();
        assertThat(registry.getMeters()).isEmpty();

        assertThatThrownBy(() -> feeder.bindTo(registry, "echonet"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("device feeder is closed");
        assertThat(registry.getMeters()).isEmpty();
    }

    /** Live threads by name, digits folded ("etab-upload-3" is "etab-upload-#"). */
    private static Map<String, Integer> threads() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                kinds.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return kinds;
    }

    private static Map<String, Integer> newThreads(Map<String, Integer> before) {
        Map<String, Integer> extra = new TreeMap<>();
        threads().forEach((name, n) -> {
            if (n > before.getOrDefault(name, 0)) {
                extra.put(name, n - before.getOrDefault(name, 0));
            }
        });
        return extra;
    }
}
