package org.etab.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.etab.api.Tensor;
import org.etab.batch.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pixels {@code plot_segment} and {@code create_echo_clip} draw: which contour is the longest, what a frame's
 * gray levels are, and the checks before a file is written. Masks are drawn as text, {@code #} inside.
 */
class ContourAndFrameTest {
    @TempDir
    Path dir;

    private static byte[] mask(String... rows) {
        byte[] m = new byte[rows.length * rows[0].length()];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[y].length(); x++) {
                m[y * rows[0].length() + x] = (byte) (rows[y].charAt(x) == '#' ? 1 : 0);
            }
        }
        return m;
    }

    private static String[] contourOf(String... rows) {
        int h = rows.length;
        int w = rows[0].length();
        boolean[] c = Visualization.longestContour(mask(rows), h, w);
        String[] out = new String[h];
        for (int y = 0; y < h; y++) {
            StringBuilder row = new StringBuilder();
            for (int x = 0; x < w; x++) {
                row.append(c[y * w + x] ? '#' : '.');
            }
            out[y] = row.toString();
        }
        return out;
    }

    @Test
    void theContourIsTheRingOfTheComponentWithTheMostBoundaryPixels() {
        assertThat(contourOf(
                        ".......", //
                        ".###...", //
                        ".###.##", //
                        ".###.##", //
                        ".......", //
                        "##....."))
                .containsExactly(
                        ".......", //
                        ".###...", //
                        ".#.#...", //
                        ".###...", //
                        ".......", //
                        ".......");
    }

    @Test
    void theFramesEdgeBoundsAComponentThatTouchesIt() {
        assertThat(contourOf(
                        "#####", //
                        "#####", //
                        "#####", //
                        "#####"))
                .containsExactly(
                        "#####", //
                        "#...#", //
                        "#...#", //
                        "#####");
    }

    @Test
    void diagonalNeighboursAreOneComponent() {
        // five pixels joined only at corners (8-connected: one component, 5 boundary pixels) beat a 2x2 block (4)
        assertThat(contourOf(
                        "#.....", //
                        ".#..##", //
                        "..#.##", //
                        ".#....", //
                        "#....."))
                .containsExactly(
                        "#.....", //
                        ".#....", //
                        "..#...", //
                        ".#....", //
                        "#.....");
    }

    @Test
    void ofTwoEquallyLongContoursTheFirstInRasterOrderIsDrawn() {
        assertThat(contourOf(
                        "......", //
                        ".##.##", //
                        ".##.##"))
                .containsExactly(
                        "......", //
                        ".##...", //
                        ".##...");
        assertThat(contourOf("......")).containsExactly("......"); // an empty mask: no contour
    }

    @Test
    void aFramesGrayLevelsStretchChannelZerosRangeToTheFullScale() {
        int h = 2, w = 3;
        ByteBuffer data = ByteBuffer.allocate(2 * h * w * 4).order(ByteOrder.nativeOrder());
        float[] channel0 = {-3f, -2f, -1f, 0f, 1f, 5f}; // lo -3, hi 5: a step of 8/255
        for (int i = 0; i < h * w; i++) {
            data.putFloat(i * 4, channel0[i]);
            data.putFloat((h * w + i) * 4, 100f); // channel 1: outside the stretch
        }
        Tensor image = new Tensor(DType.FLOAT32, new int[] {2, h, w}, data);
        byte[] gray = Visualization.displayFrame(image, 0, h, w);
        for (int i = 0; i < h * w; i++) {
            assertThat(gray[i] & 0xff).as("pixel %d", i).isEqualTo((int) Math.round(255 * (channel0[i] + 3) / 8.0));
        }
        Tensor raw =
                new Tensor(DType.UINT8, new int[] {h, w}, ByteBuffer.wrap(new byte[] {0, 7, 9, 100, (byte) 200, 3}));
        assertThat(Visualization.displayFrame(raw, 0, h, w))
                .containsExactly(0, 7, 9, 100, (byte) 200, 3); // as they are
        Tensor flat = new Tensor(DType.FLOAT32, new int[] {h, w}, ByteBuffer.allocate(h * w * 4));
        assertThat(Visualization.displayFrame(flat, 0, h, w)).containsOnly(0); // one value: nothing to stretch
        Tensor fiveD = new Tensor(DType.UINT8, new int[] {1, 1, 1, h, w}, ByteBuffer.allocate(h * w));
        assertThatThrownBy(() -> Visualization.displayFrame(fiveD, 0, h, w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected [C,T,H,W], [C,H,W] or [H,W] but was " + fiveD);
        assertThatThrownBy(() -> Visualization.displayFrame(raw, 0, w, h))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(raw + " does not have frames of 3x2");
    }

    @Test
    void anImageOrMaskSmallerThanItsSizeIsRefusedNamingWhichBeforeAnyFileIsWritten() {
        Path png = dir.resolve("small.png");
        assertThatThrownBy(() -> Visualization.plotSegment(new byte[5], new byte[6], 2, 3, true, Color.RED, png))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image has 5 pixels but 2x3 needs 6");
        assertThatThrownBy(() -> Visualization.plotSegment(new byte[6], new byte[5], 2, 3, false, Color.RED, png))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask has 5 pixels but 2x3 needs 6");
        assertThatThrownBy(() -> Visualization.plotSegment(new byte[6], new byte[6], 2, 0, true, Color.RED, png))
                .hasMessage("height and width must be >= 1 but were 2x0");
        assertThat(png).doesNotExist();
    }

    @Test
    void missingFoldersAreCreatedForTheOutput() throws Exception {
        Path png = dir.resolve("a/b/overlay.png");
        Visualization.plotSegment(new byte[] {1, 2, 3, 4}, new byte[4], 2, 2, true, Color.RED, png);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(2);
        Path row = dir.resolve("c/row.png");
        Visualization.plotSegment(new byte[3], new byte[] {0, 1, 0}, 1, 3, true, Color.RED, row); // one row is enough
        assertThat(ImageIO.read(row.toFile()).getRGB(1, 0) & 0xffffff).isEqualTo(0xff0000); // a contour of one
    }

    /** An odd width was widened by a column, and every frame rescaled to fit, by JavaCV's FFmpeg recorder. */
    @Test
    void aGifHasTheClipsSizeAndEveryPixelsGrayLevelEvenAtAnOddWidth() throws Exception {
        int h = 4, w = 5;
        byte[][] frames = new byte[2][h * w];
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < h * w; i++) {
                frames[t][i] = (byte) (40 * t + 50 * (i / w) + 3 * (i % w)); // rows and columns differ
            }
        }
        Path gif = dir.resolve("rows.gif");
        VideoTools.createEchoClip(frames, h, w, 10, gif); // the shortest frame a GIF can say
        byte[] bytes = Files.readAllBytes(gif);
        assertThat(new String(bytes, 0, 6, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("GIF89a");
        assertThat(bytes[bytes.length - 1]).as("the GIF trailer").isEqualTo((byte) 0x3B);
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            for (int t = 0; t < 2; t++) {
                BufferedImage img = reader.read(t);
                assertThat(img.getWidth()).isEqualTo(w);
                assertThat(img.getHeight()).isEqualTo(h);
                for (int i = 0; i < h * w; i++) {
                    assertThat(img.getRGB(i % w, i / w) & 0xff)
                            .as("frame %d pixel %d", t, i)
                            .isEqualTo(frames[t][i] & 0xff);
                }
            }
        }
    }

    @Test
    void aClipNamedForEchoClipsIsAPlainFileName() throws Exception {
        Tensor clip = new Tensor(DType.UINT8, new int[] {1, 2, 2, 2}, ByteBuffer.allocate(8));
        for (String bad : new String[] {"", " ", "../up", "a/b", "a\\\\b", ".."}) {
            assertThatThrownBy(() -> VideoTools.createEchoClip(clip, bad))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("clip name must be a plain file name but was '" + bad + "'");
        }
        Path folder = Path.of("echo_clips");
        boolean existed = Files.exists(folder);
        Path gif = VideoTools.createEchoClip(clip, "etab-test-clip");
        try {
            assertThat(gif).isEqualTo(Path.of("echo_clips", "etab-test-clip.gif"));
            try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
                ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
                reader.setInput(in);
                assertThat(reader.getNumImages(true)).isEqualTo(2);
            }
        } finally {
            Files.deleteIfExists(gif);
            if (!existed) {
                Files.deleteIfExists(folder);
            }
        }
    }
}
