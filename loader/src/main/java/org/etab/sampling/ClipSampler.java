package org.etab.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the source frames of clips: resampling from the file's frame rate to the target rate by frame
 * index, and placing the clip (random, first, or all).
 *
 * <p>Resampling: clip position {@code i} takes source frame {@code start + floor(i * fileFps / fps)}; at
 * 50 -> 25 fps that is every 2nd frame (echonet-dynamic's {@code period = 2}), at 30 -> 25 fps it is
 * 0, 1, 2, 3, 4, 6, ... Upsampling repeats frames. {@code fps <= 0} takes consecutive frames.
 *
 * <p>Threading: stateless; the caller supplies the random source (seeded per sample, so the choice does not
 * depend on which thread asks or when).
 */
public final class ClipSampler {
    private final ClipSpec spec;

    /**
     * A sampler for one clip specification.
     *
     * @param spec which frames each sample takes; its fps is the target rate that files are resampled to
     */
    public ClipSampler(ClipSpec spec) {
        this.spec = spec;
    }

    /**
     * The source frames of a clip starting at {@code start}. Frames are not checked against the video's length:
     * the caller decides what a frame past the end means (padding or failure).
     *
     * @param start   the clip's first source frame, 0-based
     * @param fileFps the file's frame rate in frames per second; ignored when the spec keeps the native rate
     *                ({@code fps <= 0})
     * @return a new array of {@code clipLength} 0-based source frame indices, non-decreasing (repeats when
     *     upsampling); the caller owns it
     * @throws IllegalArgumentException if the spec resamples ({@code fps > 0}) and {@code fileFps} is not
     *     {@code > 0}
     */
    public int[] frames(int start, double fileFps) {
        int[] f = new int[spec.clipLength()];
        double step = step(fileFps);
        for (int i = 0; i < f.length; i++) {
            // the epsilon keeps exact ratios (30/25 * 5 = 6) from flooring to 5.999 -> 5
            f[i] = (int) Math.min((long) start + (long) Math.floor(i * step + 1e-9), Integer.MAX_VALUE);
        }
        return f;
    }

    /**
     * Source frames one clip spans: the distance from its first frame to its last, plus one.
     *
     * @param fileFps the file's frame rate in frames per second; ignored when the spec keeps the native rate
     * @return the span in source frames, {@code >= 1}; saturates at {@link Integer#MAX_VALUE} for absurd rates
     * @throws IllegalArgumentException if the spec resamples ({@code fps > 0}) and {@code fileFps} is not
     *     {@code > 0}
     */
    public int span(double fileFps) {
        // saturated: an absurd rate (1e308 fps) spans more frames than any video has, without overflowing
        return (int) Math.min(Math.floor((spec.clipLength() - 1) * step(fileFps) + 1e-9), Integer.MAX_VALUE - 1) + 1;
    }

    private double step(double fileFps) {
        if (spec.fps() <= 0) {
            return 1.0;
        }
        if (!(fileFps > 0)) {
            throw new IllegalArgumentException("the file's frame rate must be > 0 to resample but was " + fileFps);
        }
        return fileFps / spec.fps();
    }

    /**
     * The clips one video yields (each an array of source frames), or a reason it yields none.
     *
     * @param frameCount frames in the video
     * @param fileFps    its frame rate
     * @param random     seeded per (seed, epoch, sample id); used only for {@link ClipStart#RANDOM}
     * @return the clips (one for {@code RANDOM} and {@code FIRST}, one or more for {@code ALL}), or none with a
     *     reason when the video is shorter than one clip and padding is off
     * @throws IllegalArgumentException if the spec resamples ({@code fps > 0}) and {@code fileFps} is not
     *     {@code > 0}
     */
    public Choice clips(int frameCount, double fileFps, SplittableRandom random) {
        int span = span(fileFps);
        if (frameCount < span && !spec.padding()) {
            return Choice.none("video has " + frameCount + " frames but a clip of " + spec.clipLength() + " frames at "
                    + fmt(spec.fps()) + " fps needs " + span + " (padding is off)");
        }
        List<int[]> clips = new ArrayList<>(1);
        switch (spec.start()) {
            case FIRST -> clips.add(frames(0, fileFps));
            case RANDOM -> clips.add(frames(frameCount > span ? random.nextInt(frameCount - span + 1) : 0, fileFps));
            case ALL -> {
                for (int s = 0; s + span <= frameCount; s += span) {
                    clips.add(frames(s, fileFps));
                }
                if (clips.isEmpty()) {
                    clips.add(frames(0, fileFps)); // shorter than one clip, padding on
                }
            }
            default -> throw new AssertionError(spec.start());
        }
        return new Choice(clips, null);
    }

    private static String fmt(double fps) {
        return fps <= 0 ? "native" : fps == Math.rint(fps) ? Long.toString((long) fps) : Double.toString(fps);
    }

    /** Clips chosen for one video, or the reason there are none. */
    public record Choice(List<int[]> clips, String failure) {
        static Choice none(String reason) {
            return new Choice(List.of(), reason);
        }
    }
}
