package org.etab.gpu.cuda;

import java.util.Arrays;
import java.util.Objects;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.source.SampleOptions;

/**
 * What the device does to a uint8 batch: {@code out = (x / 255 - mean[c]) / std[c]} per channel, as float32,
 * optionally changing the layout. Declared once, before data moves; {@link #check} rejects a feature spec it
 * cannot handle when the feeder is built.
 *
 * @param input  layout of the host batch's samples
 * @param output layout of the device output
 * @param mean   per-channel mean on the [0, 1] scale (1 to 4 channels)
 * @param std    per-channel standard deviation on the [0, 1] scale, each > 0
 */
public record Normalization(Layout input, Layout output, double[] mean, double[] std) {

    /**
     * Where the channel axis is in one sample. A clip whose feature spec names its axes {@code TCHW}
     * ({@code SampleOptions.layout(TCHW)}) is channels first per frame: each frame is normalized as one
     * {@code [C, H, W]} sample, and the output keeps the frames first ({@code [T, C, H, W]}, or {@code [T, H, W, C]}
     * for a channels-last output).
     */
    public enum Layout {
        /** {@code [C, T, H, W]}, {@code [T, C, H, W]} or {@code [C, H, W]}: the loader's layouts. */
        CHANNELS_FIRST,
        /** {@code [T, H, W, C]} or {@code [H, W, C]}. */
        CHANNELS_LAST
    }

    // ImageNet's per-channel means and standard deviations (R, G, B) on the [0, 1] scale; private: arrays are mutable
    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};

    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    /** The loader's gray statistics (the averages of ImageNet's, as {@code FrameTransform} uses). */
    static final double[] GRAY_MEAN = {0.449};

    static final double[] GRAY_STD = {0.226};

    /**
     * Checks the statistics and keeps copies of the arrays (later changes to them do not reach this record).
     *
     * @param input  layout of the host batch's samples, not null
     * @param output layout of the device output, not null
     * @param mean   per-channel mean on the [0, 1] scale (1 to 4 channels)
     * @param std    per-channel standard deviation on the [0, 1] scale, as many as {@code mean}, each > 0
     * @throws IllegalArgumentException when the channel counts differ or are outside 1..4, or a std is not > 0
     * @throws NullPointerException     naming {@code input} or {@code output} when it is null
     */
    public Normalization {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (mean.length < 1 || mean.length > 4 || mean.length != std.length) {
            throw new IllegalArgumentException("1 to 4 channels with one mean and one std each required but got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std > 0 required but was " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * ImageNet mean/std on 3 channels, channels first in and out: the feeder's default.
     *
     * @return the normalization
     */
    public static Normalization imagenet() {
        return new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_FIRST, IMAGENET_MEAN, IMAGENET_STD);
    }

    /**
     * What the kernel computes to reproduce the host's float32 samples {@code asked}: ImageNet statistics for 3
     * channels, their averages for 1 (gray), or only {@code x / 255} when normalization is off; channels first in
     * and out. Resized frames still differ by up to half a gray level, since the device gets them rounded to uint8
     * ({@code docs/gpu.md}).
     *
     * @param asked the float32 samples the host would have produced; their channels and normalize flag count
     * @return the normalization that reproduces them
     * @throws IllegalArgumentException when {@code asked} normalizes and has neither 1 nor 3 channels
     */
    public static Normalization matching(SampleOptions asked) {
        int c = asked.channels();
        double[] mean;
        double[] std;
        if (!asked.normalize()) {
            mean = new double[c];
            std = new double[c];
            Arrays.fill(std, 1.0);
        } else if (c == 3) {
            mean = IMAGENET_MEAN;
            std = IMAGENET_STD;
        } else if (c == 1) {
            mean = GRAY_MEAN;
            std = GRAY_STD;
        } else {
            throw new IllegalArgumentException("channels must be 1 or 3 but was " + c);
        }
        return new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_FIRST, mean, std);
    }

    /**
     * The same with another output layout, e.g. channels last for a framework that wants {@code [N, H, W, C]}.
     *
     * @param layout the output layout, not null
     * @return a new normalization
     * @throws NullPointerException when {@code layout} is null
     */
    public Normalization withOutput(Layout layout) {
        return new Normalization(input, layout, mean, std);
    }

    /**
     * The same with another input layout, for host batches from elsewhere that are channels last.
     *
     * @param layout the input layout, not null
     * @return a new normalization
     * @throws NullPointerException when {@code layout} is null
     */
    public Normalization withInput(Layout layout) {
        return new Normalization(layout, output, mean, std);
    }

    /**
     * The per-channel means.
     *
     * @return a copy, on the [0, 1] scale
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The per-channel standard deviations.
     *
     * @return a copy, on the [0, 1] scale, each > 0
     */
    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * The channels it normalizes; the features' channel axis must have as many.
     *
     * @return 1 to 4
     */
    public int channels() {
        return mean.length;
    }

    /** Rejects a sample spec that is not uint8 with this many channels on the input's channel axis. */
    void check(TensorSpec spec) {
        int[] s = spec.shape();
        if (spec.dtype() != DType.UINT8) {
            throw new IllegalArgumentException("the device normalizes uint8 samples but the features are " + spec
                    + ": build the pipeline with DType.UINT8 and normalize=false");
        }
        if (framesFirst(spec) && input != Layout.CHANNELS_FIRST) {
            throw new IllegalArgumentException("features " + spec + " are [T, C, H, W] (channels first in each frame), "
                    + "but the normalization's input is " + input + ": use Layout.CHANNELS_FIRST");
        }
        if (s.length < 2) {
            throw new IllegalArgumentException(
                    "features " + spec + " must have a channel axis and at least one more, but have one axis");
        }
        int c = framesFirst(spec) ? s[1] : input == Layout.CHANNELS_FIRST ? s[0] : s[s.length - 1];
        if (c != channels()) {
            throw new IllegalArgumentException("features " + spec + " must have " + channels() + " channels "
                    + (input == Layout.CHANNELS_FIRST ? "first" : "last") + " but have " + c);
        }
    }

    /** True for a clip whose axes are named {@code TCHW}. */
    static boolean framesFirst(TensorSpec spec) {
        return "TCHW".equals(spec.axes());
    }

    /**
     * The kernel's samples in one sample: its frames for {@code [T, C, H, W]} (each frame is one {@code [C, H, W]}
     * to the kernel), else 1.
     */
    int unitsPerSample(TensorSpec spec) {
        return framesFirst(spec) ? spec.shape()[0] : 1;
    }

    /** Elements per channel in one kernel sample (T*H*W, or H*W for a still or a frames-first clip). */
    long spatial(TensorSpec spec) {
        return spec.elements() / channels() / unitsPerSample(spec);
    }

    /** The output shape of one sample (the input's, with the channel axis moved if the layout changes). */
    int[] outputShape(TensorSpec spec) {
        int[] s = spec.shape();
        if (input == output) {
            return s;
        }
        int[] o = new int[s.length];
        if (framesFirst(spec)) { // [T, C, H, W] -> [T, H, W, C]
            o[0] = s[0];
            System.arraycopy(s, 2, o, 1, s.length - 2);
            o[s.length - 1] = s[1];
        } else if (input == Layout.CHANNELS_FIRST) {
            System.arraycopy(s, 1, o, 0, s.length - 1);
            o[s.length - 1] = s[0];
        } else {
            o[0] = s[s.length - 1];
            System.arraycopy(s, 0, o, 1, s.length - 1);
        }
        return o;
    }

    /** The kernel's per-channel multiplier {@code 1 / (255 std[c])}, computed in double, rounded once. */
    float scale(int c) {
        return (float) (1.0 / (255.0 * std[c]));
    }

    /** The kernel's per-channel offset {@code -mean[c] / std[c]}, computed in double, rounded once. */
    float bias(int c) {
        return (float) (-mean[c] / std[c]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n
                && n.input == input
                && n.output == output
                && Arrays.equals(n.mean, mean)
                && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * input.hashCode() + output.hashCode()) + 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[" + input + " -> " + output + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std) + "]";
    }
}
