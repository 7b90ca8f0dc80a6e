package org.etab.gpu.cuda;

import org.etab.batch.DType;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleOptions;

/**
 * How the loader is set up to feed a {@link DeviceFeeder} so that the device delivers what the host pipeline
 * would have: the pipeline decodes uint8 raw pixels (collated into pinned memory by {@link PinnedAllocator}),
 * and the kernel applies the normalization the loader's float32 transform would have applied. One recipe for
 * {@code etab bench --device cuda} and {@link GpuCheck}, so both measure the same path.
 *
 * <p>One difference remains. Resized frames are rounded to whole gray levels before the upload, so values differ
 * from the host's float32 by up to half a level, {@code 0.5 / (255 std)} (0.0088 with ImageNet statistics); at
 * the native size they agree to float rounding. Padding frames are 0 on both paths ({@link DeviceFeeder} zeroes
 * them after the kernel).
 */
public final class FeederRecipe {
    /** The loader's gray statistics (the averages of ImageNet's, as {@code FrameTransform} uses). */
    static final double[] GRAY_MEAN = {0.449};
    static final double[] GRAY_STD = {0.226};

    private FeederRecipe() {
    }

    /** Why these samples cannot go through the device (null when they can). */
    public static String unsupported(SampleOptions asked) {
        if (asked.dtype() != DType.FLOAT32) {
            return "the device delivers float32 normalized on the GPU, but " + asked.dtype().name().toLowerCase(java.util.Locale.ROOT)
                    + " samples were asked for (raw pixels stay on the host)";
        }
        return null;
    }

    /** The samples the pipeline decodes for the device: the same, as uint8 raw pixels (no host normalization). */
    public static SampleOptions hostSamples(SampleOptions asked) {
        String why = unsupported(asked);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return SampleOptions.builder().target(asked.target()).clip(asked.clip())
                .frameSize(asked.frameHeight(), asked.frameWidth()).channels(asked.channels()).normalize(false).dtype(DType.UINT8).seed(asked.seed()).shuffle(asked.shuffle()).build();
    }

    /**
     * What the kernel computes to reproduce the host's float32 samples: ImageNet statistics for 3 channels, their
     * averages for 1 (gray), or only {@code x / 255} when normalization is off; channels first in and out.
     */
    public static Normalization normalization(SampleOptions asked) {
        int c = asked.channels();
        double[] mean;
        double[] std;
        if (!asked.normalize()) {
            mean = new double[c];
            std = new double[c];
            java.util.Arrays.fill(std, 1.0);
        } else if (c == 3) {
            mean = Normalization.IMAGENET_MEAN;
            std = Normalization.IMAGENET_STD;
        } else if (c == 1) {
            mean = GRAY_MEAN;
            std = GRAY_STD;
        } else {
            throw new IllegalArgumentException("channels must be 1 or 3 but was " + c);
        }
        return new Normalization(Normalization.Layout.CHANNELS_FIRST, Normalization.Layout.CHANNELS_FIRST, mean, std);
    }

    /** The feeder's defaults with {@link #normalization(SampleOptions)}. */
    public static DeviceFeeder.Options feederOptions(SampleOptions asked) {
        return DeviceFeeder.Options.defaults().withNormalization(normalization(asked));
    }

    /**
     * The pipeline options with room for what the feeder holds: every ring slot keeps its host batch until the
     * device batch is closed, one more waits for a slot and one more is queued for the upload thread, so the
     * consumer "holds" {@code slots + 2} batches.
     */
    public static PipelineOptions pipelineOptions(PipelineOptions asked, DeviceFeeder.Options feeder) {
        int held = Math.max(asked.consumerHeld(), feeder.slots() + 2);
        return asked.toBuilder().consumerHeld(held).build();
    }
}
