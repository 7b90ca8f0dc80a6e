package org.etab.decode;

import java.util.Arrays;

/**
 * Where each frame of an intra-only video (MJPEG, the EchoNet format) lies in its file, and what its decoder
 * needs: enough to fetch only the bytes of a clip's frames (one HTTP Range request instead of the whole file)
 * and decode them without the container. Learned once per video: from its AVI index while its first clip is decoded
 * ({@link VideoDecoder#decode(VideoInput, int[], GrayFrameSink, long, java.util.function.Consumer)}), or from
 * its packets by {@link VideoDecoder#layout}; immutable, so one instance may be shared by every thread.
 *
 * @param codecId      FFmpeg's codec id
 * @param codecTag     the container's fourcc for the codec (some decoders read it)
 * @param width        frame width
 * @param height       frame height
 * @param extradata    the codec's extra data from the container (often empty)
 * @param headerFrames frames the container header announces, or -1 (truncation is judged against it)
 * @param fileSize     the whole file's size in bytes
 * @param offsets      each frame's payload offset in the file, increasing
 * @param sizes        each frame's payload size (0: an empty "dropped frame" chunk)
 */
public record VideoLayout(
        int codecId,
        int codecTag,
        int width,
        int height,
        byte[] extradata,
        int headerFrames,
        long fileSize,
        long[] offsets,
        int[] sizes) {

    /**
     * The most frames a layout holds, as many as a video may have (the planner's {@code PlanLoop.MAX_VIDEO_FRAMES};
     * EchoNet-Dynamic's longest has 1,002). A video said or found to have more (a crafted header, a file of tiny
     * chunks) gets no layout: it is read through its container, and no array is sized from its count.
     */
    public static final int MAX_FRAMES = 10_000;

    /**
     * Checks the frames against each other and the file, and copies the arrays (the record keeps its own).
     *
     * @param codecId      FFmpeg's codec id ({@code AVCodecID})
     * @param codecTag     the container's fourcc for the codec
     * @param width        frame width in pixels
     * @param height       frame height in pixels
     * @param extradata    the codec's extra data (may be empty); copied
     * @param headerFrames frames the container header announces, or -1
     * @param fileSize     the whole file's size in bytes
     * @param offsets      each frame's payload offset in the file; copied
     * @param sizes        each frame's payload size in bytes, as many as {@code offsets}; copied
     * @throws IllegalArgumentException when {@code offsets} and {@code sizes} differ in length, or a frame has a
     *                                  negative offset or size, ends past {@code fileSize}, or starts before the
     *                                  previous frame ends
     */
    public VideoLayout {
        if (offsets.length != sizes.length) {
            throw new IllegalArgumentException(offsets.length + " offsets but " + sizes.length + " sizes");
        }
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] < 0
                    || sizes[i] < 0
                    || offsets[i] + sizes[i] > fileSize
                    || (i > 0 && offsets[i] < offsets[i - 1] + sizes[i - 1])) {
                throw new IllegalArgumentException("frame " + i + " at " + offsets[i] + " (+" + sizes[i]
                        + " bytes) is not after the previous frame and inside the " + fileSize + "-byte file");
            }
        }
        extradata = extradata.clone();
        offsets = offsets.clone();
        sizes = sizes.clone();
    }

    /** {@return the number of frames (video packets) in the file, {@code offsets.length}} */
    public int frameCount() {
        return offsets.length;
    }

    /**
     * The byte range of the file holding frames {@code first..last}, {@code last} clamped to the video's last frame.
     *
     * @param first the first frame wanted, {@code >= 0}
     * @param last  the last frame wanted, inclusive
     * @return {@code {start, end}}: file offsets, {@code end} exclusive; a new array; null when {@code first} is
     *         negative or past the last frame, or {@code last < first}
     */
    public long[] span(int first, int last) {
        int to = Math.min(last, frameCount() - 1);
        if (first > to || first < 0) {
            return null;
        }
        return new long[] {offsets[first], offsets[to] + sizes[to]};
    }

    /**
     * The byte range holding every existing frame of a request, as {@link #span(int, int)} gives it.
     *
     * @param frames frame numbers, non-decreasing (only the first and last are looked at)
     * @return {@code {start, end}}, {@code end} exclusive; null when the request is empty or none of its frames
     *         exists
     */
    public long[] span(int[] frames) {
        return frames.length == 0 ? null : span(frames[0], frames[frames.length - 1]);
    }

    /** {@return a copy of the codec's extra data from the container (often empty)} */
    @Override
    public byte[] extradata() {
        return extradata.clone();
    }

    /** {@return a copy of each frame's payload offset in the file, increasing} */
    @Override
    public long[] offsets() {
        return offsets.clone();
    }

    /** {@return a copy of each frame's payload size in bytes (0: an empty "dropped frame" chunk)} */
    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    long offset(int frame) {
        return offsets[frame];
    }

    int size(int frame) {
        return sizes[frame];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VideoLayout v
                && codecId == v.codecId
                && codecTag == v.codecTag
                && width == v.width
                && height == v.height
                && headerFrames == v.headerFrames
                && fileSize == v.fileSize
                && Arrays.equals(extradata, v.extradata)
                && Arrays.equals(offsets, v.offsets)
                && Arrays.equals(sizes, v.sizes);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(fileSize) + Arrays.hashCode(offsets);
    }

    @Override
    public String toString() {
        return "VideoLayout[" + frameCount() + " frames of " + width + "x" + height + ", " + fileSize + " bytes]";
    }
}
