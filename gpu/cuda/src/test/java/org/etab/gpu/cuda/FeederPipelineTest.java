package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.DType;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.PipelineProbe;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real pipeline, collating into "pinned" memory, through the feeder on the fake device (GpuCheck's and etab bench --device cuda's path). */
class FeederPipelineTest {

    @Test
    void phantomClipsArriveNormalizedAndEveryBufferIsFreed(@TempDir Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(6).seed(42).build()).write(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).records();
        SampleOptions so = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(8)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.RANDOM)
                .frameSize(32, 32)
                .channels(3)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(42)
                .shuffle(true)
                .build();
        FakeDevice device = new FakeDevice();
        PinnedAllocator pinned = new PinnedAllocator(device);
        FeederOptions fo = FeederOptions.builder().build();
        PipelineOptions po = fo.pipelineOptions(PipelineOptions.builder()
                .batchSize(2)
                .threads(2)
                .onError(ErrorPolicy.FAIL)
                .build());
        EchoNetSource source = new EchoNetSource(records, so);
        int clips = 0;
        try (Pipeline p = new Pipeline(source, po, new SimpleMeterRegistry(), pinned);
                DeviceFeeder feeder = DeviceFeeder.builder()
                        .device(device)
                        .pipeline(p)
                        .options(fo)
                        .build()) {
            Device.Stream consumer = device.newStream();
            for (int epoch = 0; epoch < 2; epoch++) {
                for (DeviceBatch db : feeder.feed(p.batches(epoch)).toIterable(1)) {
                    try (db) {
                        int n = (int) (source.features().elements() * db.size());
                        try (BytePointer in = new BytePointer(n);
                                BytePointer out = new BytePointer(4L * n)) {
                            db.waitOn(consumer);
                            device.copyToHost(db.input(), in, n, consumer);
                            device.copyToHost(db.output(), out, 4L * n, consumer);
                            device.synchronize(consumer);
                            byte[] raw = new byte[n];
                            in.get(raw);
                            float[] got = new float[n];
                            out.asByteBuffer()
                                    .order(ByteOrder.nativeOrder())
                                    .asFloatBuffer()
                                    .get(got);
                            double err = NormalizeReference.maxAbsError(
                                    got,
                                    NormalizeReference.reference(
                                            raw, db.size(), source.features().elements() / 3, fo.normalization()));
                            assertThat(err).isLessThan(1e-5);
                        }
                        clips += db.size();
                    }
                }
                assertThat(feeder.freeSlots()).isEqualTo(feeder.slots());
                assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
            }
            device.destroy(consumer);
        }
        assertThat(clips).isEqualTo(2 * records.size()).isPositive();
        assertThat(pinned.blocks()).isZero();
        assertThat(device.pinned.get()).isZero();
        assertThat(device.buffers.get()).isZero();
        assertThat(device.violations).isEmpty();
    }

    /**
     * The documented loop (docs/gpu.md, DeviceFeeder's Javadoc): leaving an epoch after two batches, by {@code break}
     * and by an exception, cancels it, so every slot and host buffer is back for the next epoch. (A {@code for} loop
     * over {@code feed(...).toIterable(1)} that breaks leaves them out, and the next epoch's decode threads wait.)
     */
    @Test
    void breakingOutOfAnEpochLeavesEverySlotAndBufferForTheNext(@TempDir Path dir) throws Exception {
        EchoNetSource source = smallUint8Source(dir);
        FakeDevice device = new FakeDevice();
        PinnedAllocator pinned = new PinnedAllocator(device);
        FeederOptions fo = FeederOptions.builder().build();
        PipelineOptions po = fo.pipelineOptions(
                PipelineOptions.builder().batchSize(1).threads(2).build());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Pipeline p = new Pipeline(source, po, new SimpleMeterRegistry(), pinned);
                    DeviceFeeder feeder = DeviceFeeder.builder()
                            .device(device)
                            .pipeline(p)
                            .options(fo)
                            .build()) {
                for (int epoch = 0; epoch < 4; epoch++) {
                    int taken = 0;
                    try (BatchIterator<DeviceBatch> batches = p.iterate(feeder.feed(p.batches(epoch)), 1)) {
                        while (batches.hasNext()) {
                            try (DeviceBatch db = batches.next()) {
                                db.synchronize();
                                taken++;
                            }
                            if (taken == 2 && epoch % 2 == 0) {
                                break;
                            }
                            if (taken == 2) {
                                throw new IllegalStateException("a training step failed");
                            }
                        }
                    } catch (IllegalStateException e) {
                        assertThat(e).hasMessage("a training step failed");
                    }
                    assertThat(taken).isEqualTo(2);
                    assertThat(feeder.freeSlots()).isEqualTo(feeder.slots());
                    assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
                }
            }
        });
        assertThat(pinned.blocks()).isZero();
        assertThat(device.pinned.get()).isZero();
        assertThat(device.buffers.get()).isZero();
        assertThat(device.violations).isEmpty();
    }

    /**
     * Closing the iteration cancels the fed stream; the upload thread may be copying the next host batch right then.
     * Once the close returns, that host batch is back in the pool too, as the pipeline's own iterations promise.
     */
    @Test
    void closingTheIterationDuringAnUploadReturnsOnceItsHostBatchIsBack(@TempDir Path dir) throws Exception {
        EchoNetSource source = smallUint8Source(dir);
        FakeDevice device = new FakeDevice();
        java.util.concurrent.CountDownLatch uploading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch closeReturned = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger copies = new java.util.concurrent.atomic.AtomicInteger();
        device.beforeCopy = () -> {
            if (copies.incrementAndGet() == 3) { // the third batch's copy lasts until the close returned (or 2 s)
                uploading.countDown();
                try {
                    closeReturned.await(2, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        PinnedAllocator pinned = new PinnedAllocator(device);
        FeederOptions fo = FeederOptions.builder().build();
        PipelineOptions po = fo.pipelineOptions(
                PipelineOptions.builder().batchSize(1).threads(2).build());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Pipeline p = new Pipeline(source, po, new SimpleMeterRegistry(), pinned);
                    DeviceFeeder feeder = DeviceFeeder.builder()
                            .device(device)
                            .pipeline(p)
                            .options(fo)
                            .build()) {
                int outstanding;
                try (BatchIterator<DeviceBatch> batches = p.iterate(feeder.feed(p.batches(0)), 1)) {
                    batches.next().close();
                    assertThat(uploading.await(30, java.util.concurrent.TimeUnit.SECONDS))
                            .isTrue();
                } finally {
                    outstanding = PipelineProbe.batchPool(p).outstanding();
                    closeReturned.countDown();
                }
                assertThat(outstanding)
                        .as("host batches out when the close returned")
                        .isZero();
            }
        });
        assertThat(device.violations).isEmpty();
    }

    /** Uint8 4-frame 16x16 EF clips of a 12-video phantom written to {@code dir}: small batches, real decoding. */
    private static EchoNetSource smallUint8Source(Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(12).seed(42).build()).write(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).records();
        return new EchoNetSource(
                records,
                SampleOptions.builder()
                        .target(Target.EF)
                        .clipLength(4)
                        .fps(25)
                        .frameSize(16, 16)
                        .channels(3)
                        .normalize(false)
                        .dtype(DType.UINT8)
                        .seed(42)
                        .shuffle(true)
                        .build());
    }
}
