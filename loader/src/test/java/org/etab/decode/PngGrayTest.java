package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PngGray: each PNG flavour ImageIO can hand back becomes the right 8-bit gray. */
class PngGrayTest {
    @TempDir
    Path tmp;

    private PngGray.Image decode(BufferedImage img) throws IOException {
        Path file = tmp.resolve("img" + img.getType() + ".png");
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        PngGray.Image out = new PngGray.Image();
        try (PngGray png = new PngGray()) {
            png.decode(file, out);
        }
        assertThat(out.bytesRead).isEqualTo(Files.size(file));
        return out;
    }

    @Test
    void eightBitGrayIsTakenAsIsWithItsSize() throws IOException {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                r.setSample(x, y, 0, y * 100 + x * 11);
            }
        }
        PngGray.Image out = decode(img);
        assertThat(out.width).isEqualTo(5);
        assertThat(out.height).isEqualTo(3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertThat(out.pixels[y * 5 + x] & 0xff).isEqualTo(y * 100 + x * 11);
            }
        }
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws IOException {
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 257 * 77, 32768, 65535};
        for (int x = 0; x < 4; x++) {
            img.getRaster().setSample(x, 0, 0, values[x]);
        }
        PngGray.Image out = decode(img);
        assertThat(new int[] {out.pixels[0] & 0xff, out.pixels[1] & 0xff, out.pixels[2] & 0xff, out.pixels[3] & 0xff})
                .containsExactly(0, 77, 128, 255);
    }

    @Test
    void colourImagesBecomeTheirLuma() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(0, 0, 0xC86432);   // R 200, G 100, B 50: 0.299*200 + 0.587*100 + 0.114*50 = 124.2
        rgb.setRGB(1, 0, 0x808080);
        PngGray.Image out = decode(rgb);
        assertThat(out.pixels[0] & 0xff).isEqualTo(124);
        assertThat(out.pixels[1] & 0xff).isEqualTo(128);

        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x40C86432);   // alpha ignored
        assertThat(decode(argb).pixels[0] & 0xff).isEqualTo(124);

        BufferedImage palette = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_INDEXED);
        palette.setRGB(0, 0, 0xFF3399CC);
        int c = palette.getRGB(0, 0);   // the palette's nearest colour
        int want = (int) Math.round(0.299 * (c >> 16 & 0xff) + 0.587 * (c >> 8 & 0xff) + 0.114 * (c & 0xff));
        assertThat(decode(palette).pixels[0] & 0xff).isEqualTo(want);

        BufferedImage binary = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(1, 0, 0xFFFFFFFF);
        PngGray.Image bits = decode(binary);
        assertThat(bits.pixels[0] & 0xff).isZero();
        assertThat(bits.pixels[1] & 0xff).isEqualTo(255);
    }

    @Test
    void missingForeignAndCorruptFilesAreDecodeFailuresNamingTheFile() throws IOException {
        PngGray.Image out = new PngGray.Image();
        Path missing = tmp.resolve("missing.png");
        Path text = Files.writeString(tmp.resolve("text.png"), "hello");
        BufferedImage img = new BufferedImage(50, 50, BufferedImage.TYPE_BYTE_GRAY);
        Path cut = tmp.resolve("cut.png");
        ImageIO.write(img, "png", cut.toFile());
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        try (PngGray png = new PngGray()) {
            assertThatThrownBy(() -> png.decode(missing, out)).isInstanceOf(DecodeException.class)
                    .hasMessage(missing + ": image not found")
                    .satisfies(e -> assertThat(((DecodeException) e).file()).isEqualTo(missing));
            assertThatThrownBy(() -> png.decode(text, out)).isInstanceOf(DecodeException.class)
                    .hasMessage(text + ": not a PNG file (5 bytes, no PNG signature)");
            assertThatThrownBy(() -> png.decode(cut, out)).isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith(cut + ": corrupt PNG");
            // the reader is still usable after failures
            Path good = tmp.resolve("good.png");
            ImageIO.write(img, "png", good.toFile());
            png.decode(good, out);
            assertThat(out.width).isEqualTo(50);
        }
    }
}
