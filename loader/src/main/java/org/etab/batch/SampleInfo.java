package org.etab.batch;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one delivered sample is: which record, which frames of it, where it stood in the epoch. Immutable: the
 * frames are copied in and out, and two infos with the same values are equal.
 *
 * @param id           the sample id (EchoNet: FileName without extension)
 * @param epoch        the epoch it belongs to
 * @param position     its position in that epoch's order (0-based, before failures are skipped)
 * @param sourceFrames the 0-based source frame behind each clip position (video) or the one frame (image)
 * @param validFrames  how many clip positions hold decoded frames; the rest are zero padding
 * @param repeat       true when sharding repeated this sample to give every rank the same count
 */
public record SampleInfo(String id, int epoch, long position, int[] sourceFrames, int validFrames, boolean repeat) {

    /** Copies {@code sourceFrames}, so that the caller's array and this info stay apart. */
    public SampleInfo {
        sourceFrames = sourceFrames.clone();
    }

    /**
     * A sample that sharding did not repeat.
     *
     * @param id           the sample id
     * @param epoch        the epoch it belongs to
     * @param position     its position in that epoch's order (0-based)
     * @param sourceFrames the 0-based source frame behind each clip position, or the one frame of a still
     * @param validFrames  how many clip positions hold decoded frames
     */
    public SampleInfo(String id, int epoch, long position, int[] sourceFrames, int validFrames) {
        this(id, epoch, position, sourceFrames, validFrames, false);
    }

    /**
     * Whether the clip was padded with zero frames at the end.
     *
     * @return true when {@code validFrames < sourceFrames.length}
     */
    public boolean padded() {
        return validFrames < sourceFrames.length;
    }

    /** {@return a copy of the source frames: changing it changes nothing here} */
    @Override
    public int[] sourceFrames() {
        return sourceFrames.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleInfo i
                && id.equals(i.id)
                && epoch == i.epoch
                && position == i.position
                && Arrays.equals(sourceFrames, i.sourceFrames)
                && validFrames == i.validFrames
                && repeat == i.repeat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, epoch, position, Arrays.hashCode(sourceFrames), validFrames, repeat);
    }

    @Override
    public String toString() {
        return "SampleInfo[id=" + id + ", epoch=" + epoch + ", position=" + position + ", sourceFrames="
                + Arrays.toString(sourceFrames) + ", validFrames=" + validFrames + ", repeat=" + repeat + "]";
    }
}
