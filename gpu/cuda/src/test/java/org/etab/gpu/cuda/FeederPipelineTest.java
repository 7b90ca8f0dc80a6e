package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.DType;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
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
}
