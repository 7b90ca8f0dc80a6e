package org.etab.decode;

/**
 * What a video's container header says about its (first) video stream.
 *
 * @param width      frame width in pixels
 * @param height     frame height in pixels
 * @param fps        frames per second from the stream's frame rate (or its time base when no rate is
 *                   stored); 0 when the file gives neither
 * @param frameCount frames in the stream according to the header, or -1 when the header does not say
 * @param codec      FFmpeg's short codec name, e.g. {@code "mjpeg"}
 * @param intraOnly  every frame is a keyframe (e.g. MJPEG), so frames can be decoded independently
 */
public record VideoInfo(int width, int height, double fps, int frameCount, String codec, boolean intraOnly) {}
