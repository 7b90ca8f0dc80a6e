package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.ClipLayout;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.transform.FrameTransform;
import org.etab.transform.ResizeFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feeder attached to a pipeline: built from the pipeline's numbers, refused when the pipeline would stall it, and
 * (with {@link DeviceFeeder#hostSamples}, {@link Normalization#matching} and {@link FeederOptions#pipelineOptions})
 * delivering what the host pipeline delivers.
 */
class AttachedFeederTest {

    static SampleOptions asked(int channels, boolean normalize) {
        return asked(channels, normalize, 32);
    }

    static SampleOptions asked(int channels, boolean normalize, int size) {
        return asked(channels, normalize, size, 25);
    }

    /** 8-frame clips at {@code fps} from the first frame: at 2 fps, the phantom's shorter videos end first (padding). */
    static SampleOptions asked(int channels, boolean normalize, int size, double fps) {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(8)
                .fps(fps)
                .padding(true)
                .clipStart(ClipStart.FIRST)
                .frameSize(size, size)
                .channels(channels)
                .normalize(normalize)
                .dtype(DType.FLOAT32)
                .seed(42)
                .shuffle(false)
                .build();
    }

    @Test
    void theKernelComputesWhatTheHostTransformComputesForEveryGrayLevel() {
        for (int channels : new int[] {1, 3}) {
            for (boolean normalize : new boolean[] {true, false}) {
                FrameTransform host = new FrameTransform(1, 256, channels, normalize, DType.FLOAT32);
                Normalization n = Normalization.matching(asked(channels, normalize));
                byte[] in = new byte[channels * 256];
                for (int i = 0; i < in.length; i++) {
                    in[i] = (byte) (i % 256);
                }
                float[] device = NormalizeReference.kernel(in, 1, 256, n);
                for (int c = 0; c < channels; c++) {
                    for (int g = 0; g < 256; g++) {
                        assertThat((double) device[c * 256 + g])
                                .as("%d channels, normalize %s, channel %d, gray %d", channels, normalize, c, g)
                                .isCloseTo(host.value(g, c), org.assertj.core.data.Offset.offset(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void hostSamplesAreRawPixelsAndTheRestIsKept() {
        SampleOptions a = asked(3, true);
        SampleOptions h = DeviceFeeder.hostSamples(a);
        assertThat(h.dtype()).isEqualTo(DType.UINT8);
        assertThat(h.normalize()).isFalse();
        assertThat(h.clip()).isEqualTo(a.clip());
        assertThat(List.of(h.target(), h.frameHeight(), h.frameWidth(), h.channels(), h.seed(), h.shuffle()))
                .isEqualTo(List.of(a.target(), a.frameHeight(), a.frameWidth(), a.channels(), a.seed(), a.shuffle()));
        assertThat(DeviceFeeder.unsupported(a)).isNull();

        SampleOptions raw = SampleOptions.builder()
                .target(Target.EF)
                .clip(a.clip())
                .frameSize(32, 32)
                .channels(3)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(42)
                .shuffle(false)
                .build();
        assertThat(DeviceFeeder.unsupported(raw)).contains("uint8 samples were asked for");
        assertThatThrownBy(() -> DeviceFeeder.hostSamples(raw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float32");
    }

    @Test
    void thePipelineMayHoldEverySlotPlusTheTwoBatchesOfTheUploadThread() {
        FeederOptions f = FeederOptions.builder().build(); // 2 + 1 + 1 slots
        PipelineOptions p =
                f.pipelineOptions(PipelineOptions.builder().batchSize(7).build());
        assertThat(p.consumerHeld())
                .isEqualTo(f.slots() + 2)
                .isEqualTo(f.hostBatchesHeld())
                .isEqualTo(6);
        assertThat(p.batchSize()).isEqualTo(7);
        assertThat(p.toBuilder().batchSize(20).build())
                .isEqualTo(f.pipelineOptions(PipelineOptions.builder().build()));
        PipelineOptions roomy = PipelineOptions.builder()
                .batchSize(4)
                .threads(2)
                .consumerHeld(9)
                .build();
        assertThat(f.pipelineOptions(roomy).consumerHeld()).isEqualTo(9);
    }

    @Test
    void aFeederTakesItsShapesFromThePipelineAndRefusesOneThatWouldStall(@TempDir Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(3).seed(7).build()).write(dir);
        EchoNetSource source =
                new EchoNetSource(EchoNetReader.read(dir).records(), DeviceFeeder.hostSamples(asked(3, true)));
        FakeDevice device = new FakeDevice();
        FeederOptions fo = FeederOptions.builder().prefetch(3).consumerHeld(2).build(); // 6 slots
        PipelineOptions tight = PipelineOptions.builder()
                .batchSize(3)
                .threads(1)
                .consumerHeld(7)
                .build();
        try (Pipeline p = new Pipeline(source, tight, new SimpleMeterRegistry(), new PinnedAllocator(device))) {
            assertThatThrownBy(() -> DeviceFeeder.builder()
                            .device(device)
                            .pipeline(p)
                            .options(fo)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("pipeline consumerHeld >= 8 required but was 7: ")
                    .hasMessageContaining("6 ring slots + 2 on the upload thread")
                    .hasMessageContaining("feederOptions.pipelineOptions(pipelineOptions), or consumerHeld(8)");
            assertThat(device.liveBuffers())
                    .as("a refused feeder allocates nothing")
                    .isZero();
        }
        try (Pipeline p = new Pipeline(
                        source, fo.pipelineOptions(tight), new SimpleMeterRegistry(), new PinnedAllocator(device));
                DeviceFeeder feeder = DeviceFeeder.builder()
                        .device(device)
                        .pipeline(p)
                        .options(fo)
                        .build()) {
            assertThat(feeder.slots()).isEqualTo(6);
            assertThat(feeder.geometry().inputShape(3)).containsExactly(3, 3, 8, 32, 32);
            assertThat(device.liveBuffers()).isEqualTo(2 * 6);
            int n = 0;
            for (DeviceBatch db : feeder.feed(p.batches(0)).toIterable(1)) {
                try (db) {
                    n += db.synchronize().size();
                }
            }
            assertThat(n).isEqualTo(3);
        }
        assertThat(device.liveBuffers()).isZero();
        assertThat(device.livePinned()).isZero();
        assertThatThrownBy(() -> DeviceFeeder.builder()
                        .pipeline(null)
                        .features(null)
                        .device(device)
                        .build())
                .hasMessage("pipeline (or features and batchSize) required but was null");
    }

    /**
     * Phantom clips (112x112 frames): float32 from the host pipeline vs uint8 in "pinned" memory normalized by the
     * fake device. At the native size the two agree to float rounding; resized, the uint8 path rounds each
     * interpolated pixel to a whole gray level first, so they differ by up to half a level: 0.5 / (255 std).
     */
    @Test
    void theDevicePathDeliversTheHostPathsValues(@TempDir Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(5).seed(11).build()).write(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).records();
        assertThat(records.get(0).frameWidth()).isEqualTo(112);
        compare(records, 112, 1e-5, 25);
        compare(records, 32, 0.5 / (255 * 0.224) + 1e-5, 25);
        // padding frames are 0 on both paths, not the kernel's -mean/std of a zero byte
        assertThat(compare(records, 112, 1e-5, 2)).as("padded samples").isPositive();
    }

    /**
     * ETAB's layout, [T, C, H, W]: each frame is one [C, H, W] sample to the kernel, and padding frames are whole
     * frames. With Pillow's resize the host's floats come from Pillow's exact uint8 result, so the device path agrees
     * to float rounding even resized.
     */
    @Test
    void framesFirstClipsGoThroughTheDeviceAsTheHostDeliversThem(@TempDir Path dir) throws Exception {
        new EchoNetPhantom(EchoNetPhantom.Options.builder().videos(5).seed(11).build()).write(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).records();
        SampleOptions tchw =
                asked(3, true, 112, 2).toBuilder().layout(ClipLayout.TCHW).build();
        assertThat(compare(records, tchw, 1e-5)).as("padded samples").isPositive();
        SampleOptions pillow = asked(3, true, 48, 25).toBuilder()
                .layout(ClipLayout.TCHW)
                .resize(ResizeFilter.BICUBIC)
                .antialias(true)
                .build();
        compare(records, pillow, 1e-5);
        PaddingGeometry g = new PaddingGeometry(
                DeviceFeeder.hostSamples(tchw).featureSpec(4, 5),
                Normalization.matching(tchw).withOutput(Normalization.Layout.CHANNELS_LAST));
        assertThat(g.outputShape(2)).containsExactly(2, 8, 4, 5, 3);
        assertThat(g.unitsPerSample()).isEqualTo(8);
        assertThatThrownBy(() -> new PaddingGeometry(
                        DeviceFeeder.hostSamples(tchw).featureSpec(4, 5),
                        Normalization.matching(tchw).withInput(Normalization.Layout.CHANNELS_LAST)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use Layout.CHANNELS_FIRST");
    }

    /** Compares every element, padding frames included; returns how many samples were padded. */
    private long compare(List<EchoNetRecord> records, int size, double tolerance, double fps) {
        return compare(records, asked(3, true, size, fps), tolerance);
    }

    private long compare(List<EchoNetRecord> records, SampleOptions asked, double tolerance) {
        int size = asked.frameHeight();
        PipelineOptions po = PipelineOptions.builder()
                .batchSize(2)
                .threads(2)
                .prefetch(1)
                .onError(ErrorPolicy.FAIL)
                .build();
        List<float[]> expected = new ArrayList<>();
        List<Integer> valid = new ArrayList<>();
        try (Pipeline host =
                new Pipeline(new EchoNetSource(records, asked), po, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            for (Batch b : host.batches(0).toIterable(1)) {
                try (b) {
                    FloatBuffer fb =
                            b.features().buffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
                    float[] x = new float[(int) (b.features().spec().elements() * b.size())];
                    assertThat(b.features().spec().shape())
                            .containsExactly(
                                    asked.layout() == ClipLayout.CTHW
                                            ? new int[] {3, 8, size, size}
                                            : new int[] {8, 3, size, size});
                    fb.get(x);
                    expected.add(x);
                    b.samples().forEach(s -> valid.add(s.validFrames()));
                }
            }
        }
        FakeDevice device = new FakeDevice();
        FeederOptions fo = FeederOptions.builder()
                .normalization(Normalization.matching(asked))
                .build();
        EchoNetSource source = new EchoNetSource(records, DeviceFeeder.hostSamples(asked));
        int batch = 0;
        long compared = 0;
        try (Pipeline p = new Pipeline(
                        source, fo.pipelineOptions(po), new SimpleMeterRegistry(), new PinnedAllocator(device));
                DeviceFeeder feeder = DeviceFeeder.builder()
                        .device(device)
                        .pipeline(p)
                        .options(fo)
                        .build()) {
            Device.Stream consumer = device.newStream();
            for (DeviceBatch db : feeder.feed(p.batches(0)).toIterable(1)) {
                try (db;
                        BytePointer out = new BytePointer(4L * expected.get(batch).length)) {
                    db.waitOn(consumer);
                    device.copyToHost(db.output(), out, out.capacity(), consumer);
                    device.synchronize(consumer);
                    float[] got = new float[expected.get(batch).length];
                    out.asByteBuffer()
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer()
                            .get(got);
                    int perSample = got.length / db.size();
                    int plane = size * size;
                    for (int s = 0; s < db.size(); s++) {
                        for (int c = 0; c < 3; c++) {
                            for (int i = 0; i < 8 * plane; i++) {
                                int k = s * perSample + c * 8 * plane + i;
                                assertThat((double) got[k])
                                        .as("batch %d sample %d channel %d element %d", batch, s, c, i)
                                        .isCloseTo(
                                                expected.get(batch)[k], org.assertj.core.data.Offset.offset(tolerance));
                                compared++;
                            }
                        }
                    }
                }
                batch++;
            }
            device.destroy(consumer);
        }
        assertThat(batch).isEqualTo(expected.size()).isPositive();
        assertThat(compared).isGreaterThan(records.size() * 3L * size * size);
        assertThat(device.violations()).isEmpty();
        assertThat(device.livePinned()).isZero();
        return valid.stream().filter(v -> v < 8).count();
    }
}
