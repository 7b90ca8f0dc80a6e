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
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
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
     * A property test of the documented loop ({@code pipeline.iterate(feeder.feed(...), 1)}): over four epochs, a
     * consumer chosen by seed reads whole epochs, breaks, throws, or keeps the previous batch while it reads the next,
     * and the device fails one copy at a random point. Each epoch's batches come in order; a device failure ends its
     * epoch with that error and the next epoch runs whole; and after every epoch, whatever ended it, every ring slot
     * and host buffer is back (nothing waits for the feeder's close).
     */
    @RepeatedTest(12)
    void anyWayOfLeavingAnEpochLeavesEverySlotAndBufferForTheNext(RepetitionInfo repetition, @TempDir Path dir)
            throws Exception {
        long seed = Long.getLong("etab.feeder.seed", 20261206L) + repetition.getCurrentRepetition();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        FakeDevice device = new FakeDevice();
        int consumer = r.nextInt(4);
        int leaveAfter = r.nextInt(1, 6);
        device.failCopyAt = r.nextBoolean() ? r.nextInt(0, 30) : -1;
        String trial = "seed " + seed + ": consumer " + consumer + ", leave after " + leaveAfter + ", copy fails at "
                + device.failCopyAt;
        EchoNetSource source = smallUint8Source(dir);
        PinnedAllocator pinned = onFeeder(source, device, (p, feeder) -> {
            for (int epoch = 0; epoch < 4; epoch++) {
                List<Long> indices = new java.util.ArrayList<>();
                DeviceBatch previous = null;
                Throwable ended = null;
                try (BatchIterator<DeviceBatch> batches = p.iterate(feeder.feed(p.batches(epoch)), 1)) {
                    while (batches.hasNext()) {
                        DeviceBatch db = batches.next();
                        indices.add(db.index());
                        db.synchronize();
                        if (previous != null) {
                            previous.close();
                            previous = null;
                        }
                        if (consumer == 3) {
                            previous = db;
                        } else {
                            db.close();
                        }
                        if (indices.size() == leaveAfter && consumer == 1) {
                            break;
                        }
                        if (indices.size() == leaveAfter && consumer == 2) {
                            throw new IllegalArgumentException("a training step failed");
                        }
                    }
                } catch (RuntimeException e) {
                    ended = e;
                } finally {
                    if (previous != null) {
                        previous.close();
                    }
                }
                String where = trial + ", epoch " + epoch + ", ended by " + ended;
                for (int i = 0; i < indices.size(); i++) {
                    assertThat(indices.get(i)).as(where + ": order").isEqualTo(i);
                }
                if (ended != null && !ended.getMessage().equals("a training step failed")) {
                    assertThat(ended).as(where).hasMessageContaining("fake copy failure");
                } else if (consumer == 0 || consumer == 3) {
                    assertThat(indices)
                            .as(where + ": every batch")
                            .hasSize(p.schedule(epoch, 0, 1).size()); // batches of 1
                }
                assertThat(feeder.freeSlots()).as(where + ": ring slots").isEqualTo(feeder.slots());
                assertThat(PipelineProbe.batchPool(p).outstanding())
                        .as(where + ": host buffers")
                        .isZero();
            }
        });
        assertThat(pinned.blocks()).as(trial).isZero();
        assertThat(device.pinned.get()).as(trial).isZero();
        assertThat(device.buffers.get()).as(trial).isZero();
        assertThat(device.violations).as(trial).isEmpty();
    }

    /**
     * The documented loop (docs/gpu.md, DeviceFeeder's Javadoc): leaving an epoch after two batches, by {@code break}
     * and by an exception, cancels it, so every slot and host buffer is back for the next epoch. (A {@code for} loop
     * over {@code feed(...).toIterable(1)} that breaks leaves them out, and the next epoch's decode threads wait.)
     */
    @Test
    void breakingOutOfAnEpochLeavesEverySlotAndBufferForTheNext(@TempDir Path dir) throws Exception {
        FakeDevice device = new FakeDevice();
        PinnedAllocator pinned = onFeeder(smallUint8Source(dir), device, (p, feeder) -> {
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
        onFeeder(smallUint8Source(dir), device, (p, feeder) -> {
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
        });
        assertThat(device.violations).isEmpty();
    }

    /**
     * A consumer that keeps every device batch it took (so that every ring slot is out) and closes the iteration:
     * the host batch the upload thread held while it waited for a slot, and the one queued behind it, are back in
     * the pool when the close returns; only the host batches of the device batches still held are out.
     */
    @Test
    void closingTheIterationWhileTheUploadWaitsForASlotReturnsItsHostBatch(@TempDir Path dir) throws Exception {
        FakeDevice device = new FakeDevice();
        PinnedAllocator pinned = onFeeder(smallUint8Source(dir), device, (p, feeder) -> {
            List<DeviceBatch> held = new java.util.ArrayList<>();
            try (BatchIterator<DeviceBatch> batches = p.iterate(feeder.feed(p.batches(0)), 1)) {
                while (held.size() < feeder.slots()) {
                    held.add(batches.next());
                }
                while (!feeder.uploadWaitsForSlot()) {
                    Thread.sleep(1);
                }
            }
            assertThat(PipelineProbe.batchPool(p).outstanding()).isEqualTo(held.size());
            held.forEach(DeviceBatch::close);
            assertThat(feeder.freeSlots()).isEqualTo(feeder.slots());
            assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
        });
        assertThat(pinned.blocks()).isZero();
        assertThat(device.violations).isEmpty();
    }

    /**
     * A feed cancelled while its first host batch waits in the upload thread's queue, that thread busy with another
     * feed's upload: the queue's drain task, scheduled and not yet started, is disposed by the cancel and never runs,
     * so Reactor's discard never reaches that batch. The feeder closes it itself; it used to stay out of its pool for
     * good (1 to 3 epochs in 60 of breakingOutOfAnEpochLeavesEverySlotAndBufferForTheNext left one out).
     */
    @Test
    void cancellingAFeedWhoseUploadHasNotStartedReturnsItsQueuedHostBatch(@TempDir Path dir) throws Exception {
        EchoNetSource source = smallUint8Source(dir);
        FakeDevice device = new FakeDevice();
        java.util.concurrent.CountDownLatch copying = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        device.beforeCopy = () -> { // the first copy (feed A's) holds the upload thread until released
            copying.countDown();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        PinnedAllocator pinned = new PinnedAllocator(device);
        FeederOptions fo =
                FeederOptions.builder().warnAfter(Duration.ofMillis(200)).build();
        PipelineOptions po = fo.pipelineOptions(
                PipelineOptions.builder().batchSize(1).threads(1).build());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Pipeline a = new Pipeline(source, po, new SimpleMeterRegistry(), pinned);
                    Pipeline b = new Pipeline(source, po, new SimpleMeterRegistry(), pinned);
                    DeviceFeeder feeder = DeviceFeeder.builder()
                            .device(device)
                            .pipeline(a)
                            .options(fo)
                            .build()) {
                try (BatchIterator<DeviceBatch> fromA = a.iterate(feeder.feed(a.batches(0)), 1)) {
                    assertThat(copying.await(30, java.util.concurrent.TimeUnit.SECONDS))
                            .isTrue();
                    java.util.concurrent.CountDownLatch emitted = new java.util.concurrent.CountDownLatch(1);
                    BatchIterator<DeviceBatch> fromB =
                            b.iterate(feeder.feed(b.batches(0).doOnNext(x -> emitted.countDown())), 1);
                    assertThat(emitted.await(30, java.util.concurrent.TimeUnit.SECONDS))
                            .isTrue();
                    Thread.sleep(100); // B's decode thread queues the batch for the upload thread and returns
                    fromB.close();
                    assertThat(PipelineProbe.batchPool(b).outstanding()).isZero();
                    release.countDown();
                }
                assertThat(PipelineProbe.batchPool(a).outstanding()).isZero();
                assertThat(feeder.freeSlots()).isEqualTo(feeder.slots());
            }
        });
        assertThat(pinned.blocks()).isZero();
        assertThat(device.violations).isEmpty();
    }

    /** What a test does with a pipeline and the feeder attached to it. */
    private interface FeederRun {
        void run(Pipeline p, DeviceFeeder feeder) throws Exception;
    }

    /**
     * Runs {@code run} (within 60 s) on a pipeline of {@code source} collating into pinned memory of {@code device},
     * batches of 1 on 2 threads, and a feeder with the default options attached to it; both closed after.
     *
     * @return the pinned allocator, for checks after the close
     */
    private static PinnedAllocator onFeeder(EchoNetSource source, FakeDevice device, FeederRun run) {
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
                run.run(p, feeder);
            }
        });
        return pinned;
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
