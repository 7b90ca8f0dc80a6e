package org.etab.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.etab.api.Tensor;
import org.etab.batch.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisualizationTest {
    @TempDir
    Path dir;

    @Test
    void overlayBlendsTheMaskAndDrawsItsLongestContourInTheColour() throws Exception {
        int h = 20, w = 30;
        byte[] image = new byte[h * w];
        java.util.Arrays.fill(image, (byte) 100);
        byte[] mask = new byte[h * w];
        for (int y = 5; y < 15; y++) {
            for (int x = 10; x < 20; x++) {
                mask[y * w + x] = 1; // a 10x10 square
            }
        }
        mask[2 * w + 2] = 1; // a lone pixel: a shorter contour, not drawn
        Path png = dir.resolve("overlay.png");
        Visualization.plotSegment(image, mask, h, w, true, Color.RED, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(w);
        assertThat(img.getHeight()).isEqualTo(h);
        assertThat(img.getRGB(10, 5) & 0xffffff).isEqualTo(0xff0000); // contour corner
        assertThat(img.getRGB(19, 10) & 0xffffff).isEqualTo(0xff0000); // contour right edge
        assertThat(img.getRGB(15, 10) & 0xffffff).isEqualTo((178 << 16) | (50 << 8) | 50); // inside: 50 % blend
        assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0x646464); // outside: the gray frame
        assertThat(img.getRGB(2, 2) & 0xffffff).isEqualTo((178 << 16) | (50 << 8) | 50); // blended, not contour
    }

    @Test
    void anOutputThatIsNotARegularFileIsRefusedAndLeftAsItWas() throws Exception {
        byte[] image = {10, 20, 30, 40};
        byte[] mask = {0, 1, 0, 0};
        Path directory = java.nio.file.Files.createDirectories(dir.resolve("a-directory"));
        Path fifo = dir.resolve("a-fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        Path secret = java.nio.file.Files.writeString(dir.resolve("secret.txt"), "keep me");
        Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link.png"), secret);
        for (Path out : new Path[] {directory, fifo, link}) {
            assertThatThrownBy(() -> Visualization.plotSegment(image, mask, 2, 2, true, Color.RED, out))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining(out.toString())
                    .hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> VideoTools.createEchoClip(new byte[][] {image}, 2, 2, 100, out))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("not a regular file");
        }
        assertThat(directory).isDirectory();
        assertThat(java.nio.file.Files.isRegularFile(fifo)).isFalse();
        assertThat(java.nio.file.Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .isTrue();
        assertThat(secret).hasContent("keep me");
        // a regular file is replaced whole, and no temporary file is left beside it
        Path png = java.nio.file.Files.writeString(dir.resolve("old.png"), "old");
        Visualization.plotSegment(image, mask, 2, 2, true, Color.RED, png);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(2);
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aMaskThatIsNotUint8IsRefusedRatherThanDrawnFromItsBytes() {
        int h = 4, w = 5;
        Tensor image = new Tensor(DType.UINT8, new int[] {h, w}, ByteBuffer.allocate(h * w));
        // a float32 0/1 mask: its 4-byte encodings were read as h * w mask pixels, a wrong picture without an error
        Tensor floats = new Tensor(DType.FLOAT32, new int[] {h, w}, ByteBuffer.allocate(h * w * 4));
        Path png = dir.resolve("float-mask.png");
        assertThatThrownBy(() -> Visualization.plotSegment(image, floats, true, Color.RED, png))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask must be uint8 [H, W] but was Tensor[float32[4, 5]]");
        assertThat(png).doesNotExist();
        Tensor mask = new Tensor(DType.UINT8, new int[] {h, w}, ByteBuffer.allocate(h * w));
        Visualization.plotSegment(image, mask, true, Color.RED, png);
        assertThat(png).exists();
    }

    @Test
    void sizesBelowOneAreRefusedNamingThemBeforeAnyFileIsWritten() {
        Path png = dir.resolve("empty.png");
        Path gif = dir.resolve("empty.gif");
        // were ImageIO's "Width (0) and height (0) cannot be <= 0" and an UncheckedIOException from FFmpeg's header
        assertThatThrownBy(() -> Visualization.plotSegment(new byte[0], new byte[0], 0, 0, true, Color.RED, png))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("height and width must be >= 1 but were 0x0");
        assertThatThrownBy(() -> VideoTools.createEchoClip(new byte[][] {new byte[4]}, -1, -4, 50, gif))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("height and width must be >= 1 but were -1x-4");
        assertThatThrownBy(() -> VideoTools.createEchoClip(new byte[][] {new byte[4], new byte[3]}, 2, 2, 50, gif))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame has 3 pixels but 2x2 needs 4");
        // a clip without channels has frames but nothing in them (was an IndexOutOfBoundsException)
        Tensor noChannels = new Tensor(DType.UINT8, "TCHW", new int[] {2, 0, 2, 2}, ByteBuffer.allocate(0));
        assertThatThrownBy(() -> VideoTools.createEchoClip(noChannels, gif, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("has no pixels to show");
        // the colour is needed even when the mask is empty
        assertThatThrownBy(() -> Visualization.plotSegment(new byte[1], new byte[1], 1, 1, true, null, png))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("color");
        assertThat(png).doesNotExist();
        assertThat(gif).doesNotExist();
    }

    @Test
    void aFrameLongerThanAGifCanSayIsRefusedAndTheLongestIsWrittenAsAsked() throws Exception {
        Path gif = dir.resolve("slow.gif");
        // a GIF says at most 65535 centiseconds a frame: FFmpeg wrote longer ones as that without a word
        assertThatThrownBy(() -> VideoTools.createEchoClip(new byte[][] {new byte[4]}, 2, 2, 655_360, gif))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GIF frame durations are whole centiseconds >= 10 ms and <= 655350 ms but was 655360");
        VideoTools.createEchoClip(new byte[][] {new byte[4], new byte[4]}, 2, 2, 655_350, gif);
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            IIOMetadataNode root =
                    (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode control = (IIOMetadataNode)
                    root.getElementsByTagName("GraphicControlExtension").item(0);
            assertThat(control.getAttribute("delayTime")).isEqualTo("65535");
        }
    }

    @Test
    void sideBySideShowsFrameAndMask() throws Exception {
        byte[] image = {10, 20, 30, 40};
        byte[] mask = {0, 1, 0, 0};
        Path png = dir.resolve("side.png");
        Visualization.plotSegment(image, mask, 2, 2, false, Color.GREEN, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(4);
        assertThat(img.getRGB(1, 0) & 0xffffff).isEqualTo(0x141414);
        assertThat(img.getRGB(3, 0) & 0xffffff).isEqualTo(0x00ff00);
        assertThat(img.getRGB(2, 0) & 0xffffff).isZero();
    }

    @Test
    void echoClipIsALoopingGifWithOneFramePerClipPosition() throws Exception {
        int c = 3, t = 6, h = 16, w = 24;
        ByteBuffer data = ByteBuffer.allocate(c * t * h * w * 4).order(java.nio.ByteOrder.nativeOrder());
        for (int i = 0; i < c * t * h * w; i++) {
            int frame = (i / (h * w)) % t;
            data.putFloat(i * 4, frame * 0.3f - 1f); // normalized-looking values, brighter each frame
        }
        Tensor clip = new Tensor(DType.FLOAT32, new int[] {c, t, h, w}, data);
        Path gif = dir.resolve("clip.gif");
        VideoTools.createEchoClip(clip, gif, VideoTools.FRAME_MILLIS);
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(t);
            assertThat(reader.read(0).getWidth()).isEqualTo(w);
            assertThat(reader.read(0).getHeight()).isEqualTo(h);
            int first = reader.read(0).getRGB(5, 5) & 0xff;
            int last = reader.read(t - 1).getRGB(5, 5) & 0xff;
            assertThat(first).isLessThan(last);
            IIOMetadataNode meta =
                    (IIOMetadataNode) reader.getImageMetadata(1).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode gce = (IIOMetadataNode)
                    meta.getElementsByTagName("GraphicControlExtension").item(0);
            assertThat(gce.getAttribute("delayTime")).isEqualTo("5"); // centiseconds: 50 ms
            IIOMetadataNode app = (IIOMetadataNode)
                    ((IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0"))
                            .getElementsByTagName("ApplicationExtension")
                            .item(0);
            assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
            byte[] loop = (byte[]) app.getUserObject();
            assertThat(loop[1] | loop[2] << 8).isZero(); // loop count 0: forever
        }
        // the permissions of any new file (the umask's), not a temporary file's owner-only ones
        Path plain = java.nio.file.Files.createFile(dir.resolve("plain"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(gif))
                .isEqualTo(java.nio.file.Files.getPosixFilePermissions(plain));
        try (var left = java.nio.file.Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("clip.gif", "plain");
        }
    }

    @Test
    void aFramesFirstClipShowsTheSameFramesAsItsChannelsFirstTwin() {
        int c = 3, t = 4, h = 8, w = 6, plane = h * w;
        ByteBuffer cthw = ByteBuffer.allocate(c * t * plane * 4).order(java.nio.ByteOrder.nativeOrder());
        ByteBuffer tchw = ByteBuffer.allocate(c * t * plane * 4).order(java.nio.ByteOrder.nativeOrder());
        for (int ch = 0; ch < c; ch++) {
            for (int f = 0; f < t; f++) {
                for (int i = 0; i < plane; i++) {
                    float v = ch * 10 + f + i * 0.01f; // channel 0 is the darkest: the stretch must span it only
                    cthw.putFloat(((ch * t + f) * plane + i) * 4, v);
                    tchw.putFloat(((f * c + ch) * plane + i) * 4, v);
                }
            }
        }
        Tensor a = new Tensor(DType.FLOAT32, "CTHW", new int[] {c, t, h, w}, cthw);
        Tensor b = new Tensor(DType.FLOAT32, "TCHW", new int[] {t, c, h, w}, tchw);
        for (int f = 0; f < t; f++) {
            assertThat(Visualization.displayFrame(b, f, h, w))
                    .as("frame %d", f)
                    .containsExactly(Visualization.displayFrame(a, f, h, w));
        }
        assertThat(Visualization.displayFrame(b, 0, h, w)[0]).isEqualTo((byte) 0);
        assertThat(Visualization.displayFrame(b, t - 1, h, w)[plane - 1]).isEqualTo((byte) 255);
    }
}
