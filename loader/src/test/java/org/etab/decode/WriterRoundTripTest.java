package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes written by {@link MetaImageWriter} and {@link NiftiWriter} read back unchanged, with ITK/nibabel headers. */
class WriterRoundTripTest {
    @TempDir
    Path dir;

    static ImageVolume noise(int w, int h, int d, long seed) {
        byte[] px = new byte[w * h * d];
        new Random(seed).nextBytes(px);
        px[0] = 0;
        px[w - 1] = (byte) 255; // marked corners (top right = 255)
        return ImageVolume.ofUint8(
                w, h, d, d == 1 ? new double[] {0.308, 0.154} : new double[] {0.308, 0.154, 1}, px, "mem");
    }

    static void assertSameImage(ImageVolume a, ImageVolume b) {
        assertThat(b.width()).isEqualTo(a.width());
        assertThat(b.height()).isEqualTo(a.height());
        assertThat(b.depth()).isEqualTo(a.depth());
        assertThat(b.type()).isEqualTo(a.type());
        assertThat(b.spacing()).hasSize(a.spacing().length);
        for (int i = 0; i < a.spacing().length; i++) {
            assertThat(b.spacing()[i]).isCloseTo(a.spacing()[i], org.assertj.core.data.Offset.offset(1e-6));
        }
        for (int z = 0; z < a.depth(); z++) {
            assertThat(MetaImageReaderTest.slice(b, z)).containsExactly(MetaImageReaderTest.slice(a, z));
        }
    }

    @Test
    void metaImageEveryLayout() throws IOException {
        for (ImageVolume v : new ImageVolume[] {noise(7, 5, 1, 1), noise(6, 9, 4, 2)}) {
            for (boolean compressed : new boolean[] {false, true}) {
                for (boolean local : new boolean[] {false, true}) {
                    String name = "img_" + v.depth() + (compressed ? "_z" : "") + (local ? "_l.mha" : ".mhd");
                    Path mhd = dir.resolve(name);
                    MetaImageWriter.write(mhd, v, compressed, local);
                    ImageVolume back = MetaImageReader.read(mhd);
                    assertSameImage(v, back);
                    String stem = name.substring(0, name.length() - 4);
                    assertThat(Files.exists(dir.resolve(stem + ".raw"))).isEqualTo(!local && !compressed);
                    assertThat(Files.exists(dir.resolve(stem + ".zraw"))).isEqualTo(!local && compressed);
                }
            }
        }
    }

    @Test
    void metaImageHeaderIsWhatItkWrites() throws IOException {
        Path mhd = dir.resolve("patient0001_2CH_ED.mhd");
        MetaImageWriter.write(mhd, noise(7, 5, 1, 3), false, false);
        assertThat(Files.readString(mhd))
                .isEqualTo("ObjectType = Image\nNDims = 2\nBinaryData = True\n"
                        + "BinaryDataByteOrderMSB = False\nCompressedData = False\nTransformMatrix = 1 0 0 1\nOffset = 0 0\n"
                        + "CenterOfRotation = 0 0\nAnatomicalOrientation = RA\nElementSpacing = 0.308 0.154\nDimSize = 7 5\n"
                        + "ElementType = MET_UCHAR\nElementDataFile = patient0001_2CH_ED.raw\n");
        assertThat(Files.size(dir.resolve("patient0001_2CH_ED.raw"))).isEqualTo(35);

        Path seq = dir.resolve("seq.mhd");
        MetaImageWriter.write(seq, noise(6, 9, 4, 4), true, false);
        String text = Files.readString(seq);
        long zsize = Files.size(dir.resolve("seq.zraw"));
        assertThat(text)
                .contains(
                        "NDims = 3\n",
                        "CompressedData = True\nCompressedDataSize = " + zsize + "\n",
                        "DimSize = 6 9 4\n",
                        "ElementSpacing = 0.308 0.154 1\n")
                .endsWith("ElementDataFile = seq.zraw\n");
    }

    @Test
    void metaImageRefusesScaledVolumes() {
        ImageVolume scaled =
                new ImageVolume(Path.of("s.nii"), 1, 1, 1, new double[] {1, 1}, ElementType.UINT8, 2, 0, new byte[1]);
        assertThatThrownBy(() -> MetaImageWriter.write(dir.resolve("s.mhd"), scaled, false, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void niftiGzipAndPlain() throws IOException {
        for (ImageVolume v : new ImageVolume[] {noise(7, 5, 1, 5), noise(6, 9, 4, 6)}) {
            for (String name : new String[] {"a" + v.depth() + ".nii.gz", "a" + v.depth() + ".nii"}) {
                Path p = dir.resolve(name);
                NiftiWriter.write(p, v);
                assertSameImage(v, NiftiReader.read(p));
            }
        }
    }

    /** The header bytes, checked field by field against the NIfTI-1 layout (not through the reader). */
    @Test
    void niftiHeaderIsWhatNibabelWrites() throws IOException {
        Path p = dir.resolve("patient0001_4CH_half_sequence.nii.gz");
        ImageVolume v = noise(6, 9, 4, 7);
        NiftiWriter.write(p, v);
        byte[] file;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(p)))) {
            file = in.readAllBytes();
        }
        assertThat(file).hasSize(352 + 6 * 9 * 4);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(348);
        assertThat(new short[] {b.getShort(40), b.getShort(42), b.getShort(44), b.getShort(46), b.getShort(48)})
                .containsExactly(3, 6, 9, 4, 1);
        assertThat(b.getShort(70)).isEqualTo((short) 2);
        assertThat(b.getShort(72)).isEqualTo((short) 8);
        assertThat(b.getFloat(80)).isEqualTo(0.308f);
        assertThat(b.getFloat(84)).isEqualTo(0.154f);
        assertThat(b.getFloat(108)).isEqualTo(352f);
        assertThat(b.getFloat(112)).isNaN();
        assertThat(b.getShort(254)).isEqualTo((short) 2);
        assertThat(new String(file, 344, 4, StandardCharsets.US_ASCII)).isEqualTo("n+1\0");
        assertThat(b.getInt(348)).isZero();
        // x fastest: byte 352 + 5 is column 5 of row 0 (the marked top-right corner)
        assertThat(file[352 + 5]).isEqualTo((byte) 255);
    }
}
