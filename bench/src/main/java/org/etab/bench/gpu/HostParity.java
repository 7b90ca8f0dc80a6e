package org.etab.bench.gpu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.etab.gpu.cuda.Device;
import org.etab.gpu.cuda.DeviceBatch;
import org.etab.gpu.cuda.DeviceFeeder;
import org.etab.gpu.cuda.FeederOptions;
import org.etab.gpu.cuda.Normalization;
import org.etab.gpu.cuda.PinnedAllocator;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.ClipLayout;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.transform.ResizeFilter;

/**
 * The device path against the host path: one epoch of a phantom dataset through the host pipeline (float32,
 * normalized on the CPU) and through {@link DeviceFeeder} (uint8 in pinned memory, normalized by the kernel, set up
 * as {@code etab bench --device cuda} sets it up), every element compared, padding frames included. Where the host
 * resizes in floats (OpenCV-style filters), the device path's pixels were rounded to whole gray levels first, so the
 * two may differ by half a level, {@code 0.5 / (255 std)}; everywhere else they agree to float rounding.
 */
final class HostParity {
    private static final double FLOAT_ROUNDING = 1e-5;
    private static final double HALF_LEVEL = 0.5 / (255 * 0.224) + FLOAT_ROUNDING; // the smallest ImageNet std
    /** Videos or patients per phantom: enough for a few batches of each case. */
    private static final int PHANTOM_UNITS = 8;

    private HostParity() {}

    /**
     * One dataset and option set; {@code padded} says the epoch must include clips padded past the video's end.
     */
    record Case(
            String name,
            String dataset,
            SampleOptions asked,
            double tolerance,
            boolean padded,
            Normalization.Layout output) {
        /** A case whose device output keeps the host's channels-first layout. */
        Case(String name, String dataset, SampleOptions asked, double tolerance, boolean padded) {
            this(name, dataset, asked, tolerance, padded, Normalization.Layout.CHANNELS_FIRST);
        }
    }

    /** Largest difference over {@code elements} compared values; {@code paddedSamples} clips had padding frames. */
    record Result(Case c, double maxAbsError, long elements, long paddedSamples) {
        boolean passed() {
            return maxAbsError <= c.tolerance() && elements > 0 && (!c.padded() || paddedSamples > 0);
        }

        String row() {
            return String.format(
                    Locale.ROOT,
                    "max abs error %.3g (allowed %.3g) over %d values, %d padded clips: %s",
                    maxAbsError,
                    c.tolerance(),
                    elements,
                    paddedSamples,
                    passed() ? "PASS" : "FAIL");
        }
    }

    /** The layouts, channel counts, filters and padding that the device path handles differently from the host. */
    static List<Case> cases() {
        return List.of(
                new Case(
                        "[C,T,H,W], 3 channels, native 112x112, normalized",
                        "echonet",
                        clips(3, true, 112, 25),
                        FLOAT_ROUNDING,
                        false),
                new Case(
                        "[C,T,H,W], resized to 32x32 (OpenCV bilinear, host in floats)",
                        "echonet",
                        clips(3, true, 32, 25),
                        HALF_LEVEL,
                        false),
                new Case("[C,T,H,W], 2 fps: padding frames", "echonet", clips(3, true, 112, 2), FLOAT_ROUNDING, true),
                new Case(
                        "[T,C,H,W] (ETAB's layout), 2 fps: padding frames",
                        "echonet",
                        clips(3, true, 112, 2).toBuilder()
                                .layout(ClipLayout.TCHW)
                                .build(),
                        FLOAT_ROUNDING,
                        true),
                new Case(
                        "[T,C,H,W], 48x48 Pillow bicubic antialiased",
                        "echonet",
                        clips(3, true, 48, 25).toBuilder()
                                .layout(ClipLayout.TCHW)
                                .resize(ResizeFilter.BICUBIC)
                                .antialias(true)
                                .build(),
                        FLOAT_ROUNDING,
                        false),
                new Case(
                        "[C,T,H,W], 1 channel, not normalized (x / 255)",
                        "echonet",
                        clips(1, false, 112, 25),
                        FLOAT_ROUNDING,
                        false),
                new Case(
                        "CAMUS LV_seg stills [C,H,W] (each patient's size resized to 112x112)",
                        "camus",
                        stills(Target.LV_SEG),
                        HALF_LEVEL,
                        false),
                new Case("CAMUS EF clips, 2 fps: padding frames", "camus", clips(3, true, 112, 2), HALF_LEVEL, true),
                new Case(
                        "TMED-2 view stills [C,H,W] at their native 112x112",
                        "tmed",
                        stills(Target.VIEW),
                        FLOAT_ROUNDING,
                        false),
                new Case(
                        "[C,T,H,W] in, channels-last [T,H,W,C] out, 2 fps: padding frames",
                        "echonet",
                        clips(3, true, 112, 2),
                        FLOAT_ROUNDING,
                        true,
                        Normalization.Layout.CHANNELS_LAST),
                new Case(
                        "[T,C,H,W] in, channels-last [T,H,W,C] out, 2 fps: padding frames",
                        "echonet",
                        clips(3, true, 112, 2).toBuilder()
                                .layout(ClipLayout.TCHW)
                                .build(),
                        FLOAT_ROUNDING,
                        true,
                        Normalization.Layout.CHANNELS_LAST),
                new Case(
                        "TMED-2 view stills, channels-last [H,W,C] out",
                        "tmed",
                        stills(Target.VIEW),
                        FLOAT_ROUNDING,
                        false,
                        Normalization.Layout.CHANNELS_LAST));
    }

    /** 8-frame clips from each video's first frame; at 2 fps the phantom's shorter videos end first. */
    private static SampleOptions clips(int channels, boolean normalize, int size, double fps) {
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

    /** Single frames (ETAB's {@code video=False}), 112x112, normalized, in index order. */
    private static SampleOptions stills(Target target) {
        return SampleOptions.builder()
                .target(target)
                .video(false)
                .frameSize(112, 112)
                .dtype(DType.FLOAT32)
                .seed(42)
                .shuffle(false)
                .build();
    }

    /** The datasets the cases read, each written as a small phantom under {@code dir}, by name. */
    static Map<String, Path> phantoms(Path dir) throws IOException {
        Map<String, Path> roots = new TreeMap<>();
        for (Case c : cases()) {
            if (!roots.containsKey(c.dataset())) {
                Path root = dir.resolve(c.dataset());
                DatasetRegistry.get(c.dataset()).phantom().write(root, PHANTOM_UNITS, 11, Map.of(), done -> {});
                roots.put(c.dataset(), root);
            }
        }
        return roots;
    }

    /** Streams epoch 0 both ways and compares them batch by batch (delivery is ordered on both paths). */
    static Result compare(Device device, Path root, Case c) {
        PipelineOptions po = PipelineOptions.builder()
                .batchSize(4)
                .threads(2)
                .onError(ErrorPolicy.FAIL)
                .build();
        List<float[]> expected = new ArrayList<>();
        long padded = 0;
        try (OpenedDataset opened = Datasets.open(c.dataset(), root, "all", c.asked());
                Pipeline host = new Pipeline(opened.source(), po, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            for (Batch b : host.batches(0).toIterable(1)) {
                try (b) {
                    float[] x = new float[Math.toIntExact(b.features().spec().elements() * b.size())];
                    b.features()
                            .buffer()
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer()
                            .get(x);
                    expected.add(
                            c.output() == Normalization.Layout.CHANNELS_LAST
                                    ? channelsLast(
                                            x,
                                            c.asked().channels(),
                                            kernelUnit(b.features().spec(), c.asked()))
                                    : x);
                    for (SampleInfo s : b.samples()) {
                        padded += c.asked().clip().video()
                                        && s.validFrames() < c.asked().clip().clipLength()
                                ? 1
                                : 0;
                    }
                }
            }
        }
        FeederOptions fo = FeederOptions.builder()
                .normalization(Normalization.matching(c.asked()).withOutput(c.output()))
                .build();

        double worst = 0;
        long elements = 0;
        int batch = 0;
        try (OpenedDataset opened = Datasets.open(c.dataset(), root, "all", DeviceFeeder.hostSamples(c.asked()));
                Pipeline p = new Pipeline(
                        opened.source(),
                        fo.pipelineOptions(po),
                        new SimpleMeterRegistry(),
                        new PinnedAllocator(device));
                DeviceFeeder feeder = DeviceFeeder.builder()
                        .device(device)
                        .pipeline(p)
                        .options(fo)
                        .build()) {
            Device.Stream stream = device.newStream();
            try {
                for (DeviceBatch db : feeder.feed(p.batches(0)).toIterable(1)) {
                    float[] want = batch < expected.size() ? expected.get(batch) : new float[0];
                    float[] got = new float[want.length];
                    try (db;
                            BytePointer out = new BytePointer(4L * want.length)) {
                        db.waitOn(stream);
                        device.copyToHost(db.output(), out, out.capacity(), stream);
                        device.synchronize(stream);
                        out.asByteBuffer()
                                .order(ByteOrder.nativeOrder())
                                .asFloatBuffer()
                                .get(got);
                    }
                    for (int i = 0; i < want.length; i++) {
                        double d = Math.abs((double) got[i] - want[i]);
                        if (!(d <= worst)) { // NaN too: an element nobody wrote must fail, and stay failed
                            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                        }
                    }
                    elements += want.length;
                    batch++;
                }
            } finally {
                device.destroy(stream);
            }
        }
        if (batch != expected.size()) {
            throw new IllegalStateException("device path delivered " + batch + " batches, the host path "
                    + expected.size() + " (" + c.name() + ")");
        }
        return new Result(c, worst, elements, padded);
    }

    /**
     * Elements of one sample that the kernel normalizes as one {@code [C, S]} unit: a frame of a {@code [T, C, H, W]}
     * clip, else the whole sample ({@code Normalization}'s rule).
     */
    static int kernelUnit(TensorSpec sample, SampleOptions asked) {
        int[] shape = sample.shape();
        boolean framesFirst = asked.clip().video() && asked.layout() == ClipLayout.TCHW;
        return Math.toIntExact(framesFirst ? sample.elements() / shape[0] : sample.elements());
    }

    /** The host's channels-first values in a channels-last output's order: each unit {@code [C, S]} as {@code [S, C]}. */
    static float[] channelsLast(float[] x, int channels, int unitElements) {
        float[] out = new float[x.length];
        int spatial = unitElements / channels;
        for (int u = 0; u < x.length; u += unitElements) {
            for (int ch = 0; ch < channels; ch++) {
                for (int i = 0; i < spatial; i++) {
                    out[u + i * channels + ch] = x[u + ch * spatial + i];
                }
            }
        }
        return out;
    }
}
