package org.etab.sampling;

/**
 * Which frames a video sample takes, in ETAB's terms.
 *
 * @param video      true: a clip of {@code clipLength} frames; false: one frame per sample
 * @param clipLength frames per clip (ETAB {@code clip_l}), 1 to {@link #MAX_LENGTH}
 * @param fps        target frame rate (ETAB {@code fps}); {@code <= 0} keeps the file's own rate
 * @param padding    clips running past the end of the video are padded with zero frames; otherwise such a
 *                   video is reported as a failed sample
 * @param start      where clips start
 */
public record ClipSpec(boolean video, int clipLength, double fps, boolean padding, ClipStart start) {
    /** The most frames a clip may have. */
    public static final int MAX_LENGTH = 10_000;

    /**
     * Checks the values.
     *
     * @param video      true: a clip of {@code clipLength} frames; false: one frame per sample
     * @param clipLength frames per clip, 1 to {@link #MAX_LENGTH}
     * @param fps        target frame rate, finite; {@code <= 0} keeps the file's own rate
     * @param padding    pad clips running past the end with zero frames instead of failing the sample
     * @param start      where clips start
     * @throws IllegalArgumentException if {@code clipLength} is out of range or {@code fps} is NaN or infinite
     */
    public ClipSpec {
        if (clipLength < 1) {
            throw new IllegalArgumentException("clipLength >= 1 required but was " + clipLength);
        }
        if (clipLength > MAX_LENGTH) {
            throw new IllegalArgumentException("clipLength <= " + MAX_LENGTH + " required but was " + clipLength);
        }
        if (Double.isNaN(fps) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be finite but was " + fps);
        }
    }

    /** {@return one frame per sample (ETAB video=false): the first, at the file's own rate, no padding} */
    public static ClipSpec frame() {
        return new ClipSpec(false, 1, 0, false, ClipStart.FIRST);
    }
}
