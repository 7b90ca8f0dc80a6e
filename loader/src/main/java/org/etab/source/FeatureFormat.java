package org.etab.source;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;

/**
 * The format of a sample's input tensor, what {@link SampleOptions} declares before any data moves: the frame size,
 * channels, element type, normalization and the axis order of clips. It gives the tensor's shape for a clip or a
 * still, and checks the limits a sample must stay within ({@link SampleOptions#MAX_FRAME_SIDE},
 * {@link SampleOptions#MAX_SAMPLE_BYTES}).
 *
 * @param height    output rows, 1 to {@link SampleOptions#MAX_FRAME_SIDE}, or 0 with {@code width} 0: the native size
 * @param width     output columns, as {@code height}
 * @param channels  1 (gray) or 3 (RGB replicated from gray)
 * @param normalize ImageNet normalization; float32 only
 * @param dtype     float32, or uint8 raw pixels
 * @param layout    the axis order of clips
 */
record FeatureFormat(int height, int width, int channels, boolean normalize, DType dtype, ClipLayout layout) {
    /**
     * Checks each value and their combinations.
     *
     * @throws IllegalArgumentException naming the value, when the frame size is not two positive numbers (or 0x0) up
     *                                  to the limit, channels are not 1 or 3, or uint8 is asked to be normalized
     * @throws NullPointerException     when dtype or layout is null
     */
    FeatureFormat {
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new IllegalArgumentException(
                    "frame size must be two positive numbers, or 0x0 for native, but was " + height + "x" + width);
        }
        checkFrameSide(height, width);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB) but was " + channels);
        }
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(layout, "layout");
        if (dtype == DType.UINT8 && normalize) {
            throw new IllegalArgumentException("uint8 keeps raw pixels; it cannot be combined with normalize(true)");
        }
    }

    /** True when frames keep the dataset's native size (0x0). */
    boolean nativeSize() {
        return height == 0;
    }

    /** The input tensor of one sample of {@code clip} with frames of {@code height x width} (both {@code >= 1}). */
    TensorSpec spec(ClipSpec clip, int height, int width) {
        if (!clip.video()) {
            return new TensorSpec(dtype, "CHW", channels, height, width);
        }
        return layout == ClipLayout.CTHW
                ? new TensorSpec(dtype, "CTHW", channels, clip.clipLength(), height, width)
                : new TensorSpec(dtype, "TCHW", clip.clipLength(), channels, height, width);
    }

    /** Checks that a sample of {@code clip} with frames of {@code height x width} stays within the limits. */
    void checkSize(ClipSpec clip, int height, int width) {
        checkFrameSide(height, width);
        TensorSpec spec = spec(clip, height, width);
        if (spec.bytes() > SampleOptions.MAX_SAMPLE_BYTES) {
            throw new IllegalArgumentException("one sample of " + Arrays.toString(spec.shape()) + " "
                    + dtype.name().toLowerCase(Locale.ROOT) + " is " + spec.bytes() + " bytes, more than the "
                    + SampleOptions.MAX_SAMPLE_BYTES
                    + "-byte (1 GiB) limit; lower the clip length, the frame size or the channels");
        }
    }

    private static void checkFrameSide(int height, int width) {
        int max = SampleOptions.MAX_FRAME_SIDE;
        if (height > max || width > max) {
            throw new IllegalArgumentException(
                    "frame size must be at most " + max + "x" + max + " but was " + height + "x" + width);
        }
    }
}
