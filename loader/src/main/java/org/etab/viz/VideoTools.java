package org.etab.viz;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.etab.api.Tensor;

/**
 * ETAB's {@code create_echo_clip}: a clip as an animated GIF that loops forever, written by the JDK's GIF writer
 * with a palette of the 256 gray levels, so that every pixel is stored as it is given and the GIF has the clip's
 * size. (JavaCV's FFmpeg recorder widened an odd width by one column and rescaled every frame to fit.)
 */
public final class VideoTools {
    /** The GIF image metadata format, in which delay, disposal and the loop extension are set. */
    private static final String GIF_METADATA = "javax_imageio_gif_image_1.0";

    /** Gray level {@code i} at palette index {@code i}: 8-bit gray pixels are their own indices. */
    private static final IndexColorModel GRAYS = grays();

    /** ETAB's frame duration, in milliseconds (20 frames per second). */
    public static final int FRAME_MILLIS = 50;

    /** The longest frame a GIF can say, in milliseconds: 65535 centiseconds. */
    public static final int MAX_FRAME_MILLIS = 655_350;

    private VideoTools() {}

    /**
     * Writes {@code echo_clips/<name>.gif} (relative to the working directory, created if missing) with ETAB's
     * {@value #FRAME_MILLIS} ms per frame, replacing a file of that name.
     *
     * @param clip a 4-D clip tensor, as {@link #createEchoClip(Tensor, Path, int)} takes
     * @param name the file name without {@code .gif}: a plain name, no path separator or {@code ..}
     * @return the GIF's path, relative to the working directory
     * @throws IllegalArgumentException     when {@code name} is blank or not a plain file name, or the clip is not
     *                                      4-D
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    public static Path createEchoClip(Tensor clip, String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.contains("..")) {
            throw new IllegalArgumentException("clip name must be a plain file name but was '" + name + "'");
        }
        Path gif = Path.of("echo_clips", name + ".gif");
        createEchoClip(clip, gif, FRAME_MILLIS);
        return gif;
    }

    /**
     * Writes a clip tensor ({@code [C,T,H,W]}, or {@code [T,C,H,W]} when its axes say so; channel 0 shown) as a GIF
     * with {@code frameMillis} per frame. Values other than uint8 (normalized frames) are contrast-stretched to
     * 0..255 over channel 0 of all frames; uint8 values are shown as they are.
     *
     * @param clip        a clip tensor, 4-D
     * @param gif         the file to write (replaced if it is a regular file; anything else there is refused);
     *                    missing parent directories are created
     * @param frameMillis the duration of each frame in milliseconds: a multiple of 10 from 10 to 655350 (GIF counts
     *                    centiseconds, in 16 bits)
     * @throws IllegalArgumentException     when the clip is not 4-D or {@code frameMillis} is not a whole number of
     *                                      centiseconds from 10 to 655350 ms
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    public static void createEchoClip(Tensor clip, Path gif, int frameMillis) {
        int[] s = clip.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("a clip must be [C, T, H, W] or [T, C, H, W] but was " + clip);
        }
        byte[][] frames = new byte[clip.framesFirst() ? s[0] : s[1]][];
        for (int t = 0; t < frames.length; t++) {
            frames[t] = Visualization.displayFrame(clip, t, s[2], s[3]);
        }
        createEchoClip(frames, s[2], s[3], frameMillis, gif);
    }

    /**
     * Writes gray frames as a GIF that loops forever.
     *
     * @param frames      the frames in order, at least one, each row-major 8-bit gray of {@code height * width}
     *                    pixels or more (extra bytes are ignored)
     * @param height      rows per frame, >= 1
     * @param width       columns per frame, >= 1
     * @param frameMillis the duration of each frame in milliseconds: a multiple of 10 from 10 to 655350
     * @param gif         the file to write (replaced if it is a regular file; anything else there is refused);
     *                    missing parent directories are created
     * @throws IllegalArgumentException     when there is no frame, {@code height} or {@code width} is below 1, a
     *                                      frame is too small, or {@code frameMillis} is not a whole number of
     *                                      centiseconds from 10 to 655350 ms
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    public static void createEchoClip(byte[][] frames, int height, int width, int frameMillis, Path gif) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
        for (byte[] f : frames) {
            Visualization.requireSize(f, height, width, "frame"); // before any file is touched
        }
        // a GIF's delay is 16 bits of centiseconds: FFmpeg writes a longer one as 65535 without a word
        if (frameMillis < 10 || frameMillis > MAX_FRAME_MILLIS || frameMillis % 10 != 0) {
            throw new IllegalArgumentException("GIF frame durations are whole centiseconds >= 10 ms and <= "
                    + MAX_FRAME_MILLIS + " ms but was " + frameMillis);
        }
        try {
            Visualization.writeReplacing(gif, tmp -> writeGif(tmp, frames, height, width, frameMillis));
        } catch (IOException e) {
            throw new UncheckedIOException(gif + ": cannot write the clip: " + e.getMessage(), e);
        }
    }

    private static void writeGif(Path gif, byte[][] frames, int height, int width, int frameMillis) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, GRAYS);
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DISABLED); // rows in order: the writer interlaces by default
        try (ImageOutputStream out = ImageIO.createImageOutputStream(gif.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int t = 0; t < frames.length; t++) {
                image.getRaster().setDataElements(0, 0, width, height, frames[t]);
                IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
                metadata.mergeTree(GIF_METADATA, frameMetadata(frameMillis, t == 0));
                writer.writeToSequence(new IIOImage(image, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /** One frame's delay in centiseconds; on the first frame, the NETSCAPE2.0 extension that loops forever. */
    private static IIOMetadataNode frameMetadata(int frameMillis, boolean first) {
        IIOMetadataNode root = new IIOMetadataNode(GIF_METADATA);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(frameMillis / 10));
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        if (first) {
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0, forever
            IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
            extensions.appendChild(loop);
            root.appendChild(extensions);
        }
        return root;
    }

    private static IndexColorModel grays() {
        byte[] levels = new byte[256];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (byte) i;
        }
        return new IndexColorModel(8, 256, levels, levels, levels);
    }
}
