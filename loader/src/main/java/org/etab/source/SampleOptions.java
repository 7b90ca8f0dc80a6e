package org.etab.source;

import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;
import org.etab.source.Target;

/**
 * What a sample is, in ETAB's terms, for any dataset (which records, i.e. split and view, is the reader's
 * {@code select}). Each dataset's source checks that it offers the target and says what it offers if not.
 *
 * @param target      the ETAB target
 * @param clip        video or frame, clip length, fps, padding, clip start
 * @param frameHeight output rows (ETAB {@code frame_l}); 0 keeps the native size
 * @param frameWidth  output columns (ETAB {@code frame_w}); 0 keeps the native size
 * @param channels    3 (RGB replicated from gray, as the reference models expect) or 1 (gray)
 * @param normalize   ImageNet normalization (float32 only)
 * @param dtype       FLOAT32, or UINT8 raw pixels for normalization on the device
 * @param seed        seeds the epoch order and the random clip starts
 * @param shuffle     a fresh seeded permutation every epoch
 */
public record SampleOptions(Target target, ClipSpec clip, int frameHeight, int frameWidth, int channels,
        boolean normalize, DType dtype, long seed, boolean shuffle) {

    public SampleOptions {
        if (frameHeight < 0 || frameWidth < 0 || (frameHeight == 0) != (frameWidth == 0)) {
            throw new IllegalArgumentException("frame size must be two positive numbers, or 0x0 for native, but was "
                    + frameHeight + "x" + frameWidth);
        }
    }

    /** The input tensor of one sample for frames of {@code height x width}: {@code [C, T, H, W]} or {@code [C, H, W]}. */
    public TensorSpec featureSpec(int height, int width) {
        return clip.video() ? new TensorSpec(dtype, channels, clip.clipLength(), height, width)
                : new TensorSpec(dtype, channels, height, width);
    }

    /** The same options with another output size. */
    public SampleOptions withFrameSize(int height, int width) {
        return new SampleOptions(target, clip, height, width, channels, normalize, dtype, seed, shuffle);
    }

    /** True when frames keep the dataset's native size. */
    public boolean nativeSize() {
        return frameHeight == 0;
    }
}
