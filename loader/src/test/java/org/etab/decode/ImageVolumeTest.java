package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageVolumeTest {
    @Test
    void ofUint8CopiesAndSlices() {
        byte[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        ImageVolume v = ImageVolume.ofUint8(3, 2, 2, new double[] {0.5, 0.25, 1}, px, "phantom/a.mhd");
        px[0] = 99; // the factory copied
        byte[] dst = new byte[8]; // longer than a slice: the rest is untouched
        v.sliceAsUint8(1, dst);
        assertThat(dst).containsExactly(7, 8, 9, 10, 11, 12, 0, 0);
        v.sliceAsLabels(0, dst);
        assertThat(dst).startsWith(1, 2, 3, 4, 5, 6);
        assertThat(v.value(2, 1, 1)).isEqualTo(12);
        assertThat(v.source()).isEqualTo(Path.of("phantom/a.mhd").toString());
        double[] spacing = v.spacing();
        spacing[0] = 7;
        assertThat(v.spacing()[0]).isEqualTo(0.5); // a copy
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> ImageVolume.ofUint8(0, 2, 1, new double[] {1, 1}, new byte[0], "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but were 0, 2, 1");
        assertThatThrownBy(() -> ImageVolume.ofUint8(3, 2, 1, new double[] {1, 1}, new byte[5], "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 bytes required but was 5");
        ImageVolume v = ImageVolume.ofUint8(3, 2, 1, new double[] {1, 1}, new byte[6], "x");
        assertThatThrownBy(() -> v.sliceAsUint8(0, new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v.sliceAsUint8(1, new byte[6])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.value(3, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void labelsMustBeSmallIntegers() {
        byte[] le =
                MetaImageReaderTest.encode(ElementType.FLOAT32, java.nio.ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 3, 255, 256);
        ImageVolume v =
                new ImageVolume(Path.of("gt.nii.gz"), 3, 2, 1, new double[] {1, 1}, ElementType.FLOAT32, 1, 0, le);
        assertThatThrownBy(() -> v.sliceAsLabels(0, new byte[6]))
                .isInstanceOf(DatasetException.class)
                .hasMessageContainingAll("gt.nii.gz", "256.0", "row 1, column 2", "0..255");
        byte[] neg = MetaImageReaderTest.encode(ElementType.INT8, java.nio.ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 3, -1, 3);
        ImageVolume n = new ImageVolume(Path.of("n.mhd"), 3, 2, 1, new double[] {1, 1}, ElementType.INT8, 1, 0, neg);
        assertThatThrownBy(() -> n.sliceAsLabels(0, new byte[6]))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("-1.0");
        byte[] ok =
                MetaImageReaderTest.encode(ElementType.UINT16, java.nio.ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 3, 255, 0);
        byte[] dst = new byte[6];
        new ImageVolume(Path.of("ok.mhd"), 3, 2, 1, new double[] {1, 1}, ElementType.UINT16, 1, 0, ok)
                .sliceAsLabels(0, dst);
        assertThat(dst).containsExactly(0, 1, 2, 3, (byte) 255, 0);
    }

    @Test
    void uint8ConversionRoundsHalfUpAndClamps() {
        byte[] le = MetaImageReaderTest.encode(
                ElementType.FLOAT32,
                java.nio.ByteOrder.LITTLE_ENDIAN,
                -0.5f,
                0.4999f,
                1.5f,
                2.5f,
                254.5f,
                Float.POSITIVE_INFINITY);
        ImageVolume v = new ImageVolume(Path.of("f.nii"), 3, 2, 1, new double[] {1, 1}, ElementType.FLOAT32, 1, 0, le);
        byte[] dst = new byte[6];
        v.sliceAsUint8(0, dst);
        assertThat(dst).containsExactly(0, 0, 2, 3, (byte) 255, (byte) 255);
    }

    /** The second slice of a stored type wider than a byte: its own elements, little-endian, scaled. */
    @Test
    void aLaterSliceOfAWideTypeIsReadFromItsOwnElementsAndScaled() {
        // 2x1x2 uint16: slice 0 = 300, 4; slice 1 = 510, 20 (300 = 0x012C needs the high byte)
        byte[] le = MetaImageReaderTest.encode(ElementType.UINT16, java.nio.ByteOrder.LITTLE_ENDIAN, 300, 4, 510, 20);
        ImageVolume half =
                new ImageVolume(Path.of("w.mhd"), 2, 1, 2, new double[] {1, 1, 1}, ElementType.UINT16, 0.5, 0, le);
        byte[] dst = new byte[2];
        half.sliceAsUint8(1, dst);
        assertThat(new int[] {dst[0] & 0xff, dst[1] & 0xff}).containsExactly(255, 10);
        half.sliceAsUint8(0, dst);
        assertThat(new int[] {dst[0] & 0xff, dst[1] & 0xff}).containsExactly(150, 2);
        assertThat(half.value(0, 0, 0)).isEqualTo(150);

        // a label map stored as uint16 with an intercept: 2 + 1 = 3 and 9 + 1 = 10 in slice 1
        byte[] labels = MetaImageReaderTest.encode(ElementType.UINT16, java.nio.ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 9);
        ImageVolume shifted =
                new ImageVolume(Path.of("l.mhd"), 2, 1, 2, new double[] {1, 1, 1}, ElementType.UINT16, 1, 1, labels);
        shifted.sliceAsLabels(1, dst);
        assertThat(dst).containsExactly(3, 10);
        shifted.sliceAsLabels(0, dst);
        assertThat(dst).containsExactly(1, 2);
    }
}
