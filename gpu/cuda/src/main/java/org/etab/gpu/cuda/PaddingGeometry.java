package org.etab.gpu.cuda;

import java.util.ArrayList;
import java.util.List;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;

/**
 * Where a batch's samples lie on the device, worked out once from the feature spec and the normalization: the
 * uint8 input and float32 output shapes, and which bytes of the output are padding frames of short clips. The host
 * pipeline writes padding frames as 0; the kernel turns their zero bytes into {@code -mean/std}, so the feeder
 * sets these ranges back to 0 after it.
 *
 * <p>Threading: immutable. Backpressure: none (pure arithmetic). Ownership: holds no memory.
 */
final class PaddingGeometry {
    /** Bytes {@code [offset, offset + bytes)} of the float32 output. */
    record Range(long offset, long bytes) {}

    private final TensorSpec input;
    private final TensorSpec output;
    private final boolean clips;
    /** Channels first with each channel's frames contiguous ([C, T, H, W]): padding is one range per channel. */
    private final boolean channelsFirst;

    private final int channels;
    private final int frames;
    private final int units;
    /** Floats in one frame of one sample: {@code H*W} of one channel (channels first), {@code H*W*C} (last). */
    private final long frameFloats;

    PaddingGeometry(TensorSpec features, Normalization n) {
        n.check(features);
        this.input = features;
        int[] shape = n.outputShape(features);
        this.output = new TensorSpec(features.dtype(), shape);
        this.clips = shape.length == 4; // [C, T, H, W], [T, C, H, W] or [T, H, W, C]; single frames are never padding
        // frames first ([T, C, H, W] in, either output): each sample's padding frames are contiguous, as channels last
        this.channelsFirst = n.output() == Normalization.Layout.CHANNELS_FIRST && !Normalization.framesFirst(features);
        this.channels = n.channels();
        this.units = n.unitsPerSample(features);
        this.frames = !clips ? 1 : channelsFirst ? shape[1] : shape[0];
        this.frameFloats =
                !clips ? 0 : channelsFirst ? (long) shape[2] * shape[3] : (long) shape[1] * shape[2] * shape[3];
    }

    /** The uint8 upload of a batch of {@code capacity}, in the input layout. */
    long[] inputShape(int capacity) {
        return input.batchShape(capacity);
    }

    /** The float32 output of a batch of {@code capacity}, in the output layout. */
    long[] outputShape(int capacity) {
        return output.batchShape(capacity);
    }

    /** Bytes uploaded for {@code samples} valid samples (slots past them are not copied). */
    long inputBytes(int samples) {
        return input.bytes() * samples;
    }

    /** The kernel's samples per batch sample: the frames of a {@code [T, C, H, W]} clip, else 1. */
    int unitsPerSample() {
        return units;
    }

    /**
     * The output ranges that are padding, for samples in slot order: one per channel of each padded sample
     * ({@code [C, T, H, W]}: each channel's frames are contiguous), or one per padded sample (frames first, or
     * channels last).
     */
    List<Range> padding(List<SampleInfo> samples) {
        List<Range> out = new ArrayList<>();
        if (!clips) {
            return out;
        }
        for (int i = 0; i < samples.size(); i++) {
            SampleInfo info = samples.get(i);
            int valid = info.validFrames();
            if (!info.padded() || valid >= frames) {
                continue;
            }
            long padFloats = (frames - valid) * frameFloats;
            if (channelsFirst) {
                for (int c = 0; c < channels; c++) {
                    out.add(new Range(4 * ((((long) i * channels + c) * frames + valid) * frameFloats), 4 * padFloats));
                }
            } else {
                out.add(new Range(4 * (((long) i * frames + valid) * frameFloats), 4 * padFloats));
            }
        }
        return out;
    }
}
