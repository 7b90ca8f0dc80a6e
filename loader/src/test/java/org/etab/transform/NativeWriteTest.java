package org.etab.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native writes (a frame read from native memory, no resize) put exactly the bytes of the array writes: every
 * gray level, one and three channels, with and without normalization, at any base and channel stride.
 */
class NativeWriteTest {
    static final int H = 16;
    static final int W = 16; // 256 pixels: every gray level once, shuffled

    static byte[] everyLevelShuffled(long seed) {
        byte[] g = new byte[H * W];
        for (int i = 0; i < g.length; i++) {
            g[i] = (byte) i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = g.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            byte t = g[i];
            g[i] = g[j];
            g[j] = t;
        }
        return g;
    }

    /** The tensor bytes the array path writes into a zeroed buffer of {@code bytes}. */
    static byte[] viaArray(FrameTransform t, byte[] gray, int bytes, int base, int stride) {
        ByteBuffer out = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        if (t.dtype() == DType.FLOAT32) {
            t.writeFloat(gray, W, H, out.asFloatBuffer(), base, stride, t.newScratch());
        } else {
            t.writeBytes(gray, W, H, out, base, stride, t.newScratch());
        }
        byte[] all = new byte[bytes];
        out.get(0, all);
        return all;
    }

    /** The same through the native path, from a gray plane at a non-zero position of its pointer. */
    static byte[] viaPointer(FrameTransform t, byte[] gray, int bytes, int base, int stride) {
        try (BytePointer memory = new BytePointer(bytes).fill(0);
                BytePointer src = new BytePointer(gray.length + 7)) {
            src.position(7).put(gray).position(7);
            BytePointer view = new BytePointer(memory);
            boolean written = t.dtype() == DType.FLOAT32
                    ? t.writeFloat(src, W, H, view, base, stride)
                    : t.writeBytes(src, W, H, view, base, stride);
            assertThat(written).isTrue();
            assertThat(src.position()).as("the source's position is not moved").isEqualTo(7);
            byte[] all = new byte[bytes];
            memory.position(0).get(all);
            return all;
        }
    }

    @ParameterizedTest(name = "{0} channel(s), normalize {1}, {2}")
    @CsvSource({
        "3,true,FLOAT32",
        "3,false,FLOAT32",
        "1,true,FLOAT32",
        "1,false,FLOAT32",
        "3,false,UINT8",
        "1,false,UINT8"
    })
    void nativeWritesEqualArrayWritesBitForBit(int channels, boolean normalize, DType dtype) {
        FrameTransform t = new FrameTransform(H, W, channels, normalize, dtype);
        int n = H * W;
        int stride = 3 * n + 5; // planes of a [C, T=3, H, W] clip, padded: nothing assumes stride == n
        int base = n + 2;
        int bytes = (base + (channels - 1) * stride + n + 11) * dtype.bytes();
        for (long seed = 1; seed <= 5; seed++) {
            byte[] gray = everyLevelShuffled(seed);
            assertThat(viaPointer(t, gray, bytes, base, stride)).isEqualTo(viaArray(t, gray, bytes, base, stride));
        }
    }

    @Test
    void aFrameThatNeedsResizingOrTheOtherTypeIsLeftToTheArrayPath() {
        FrameTransform floats = new FrameTransform(H, W, 3, true, DType.FLOAT32);
        FrameTransform bytes = new FrameTransform(H, W, 3, false, DType.UINT8);
        try (BytePointer memory = new BytePointer(4L * 3 * H * W * 4).fill(0);
                BytePointer src = new BytePointer(4L * H * W).fill(9)) {
            assertThat(floats.writeFloat(src, 2 * W, 2 * H, memory, 0, H * W)).isFalse();
            assertThat(floats.writeFloat(src, W, H - 1, memory, 0, H * W)).isFalse();
            assertThat(floats.writeBytes(src, W, H, memory, 0, H * W))
                    .as("float32 transform")
                    .isFalse();
            assertThat(bytes.writeFloat(src, W, H, memory, 0, H * W))
                    .as("uint8 transform")
                    .isFalse();
            assertThat(bytes.writeBytes(src, 2 * W, H, memory, 0, H * W)).isFalse();
            byte[] all = new byte[(int) memory.capacity()];
            memory.get(all);
            assertThat(all).as("nothing written").containsOnly((byte) 0);
        }
    }

    @Test
    void planesOutsideTheBufferAreRefusedBeforeAnyWrite() {
        FrameTransform t = new FrameTransform(H, W, 3, true, DType.FLOAT32);
        int n = H * W;
        try (BytePointer memory = new BytePointer(3L * n * 4 + 64).fill(0);
                BytePointer src = new BytePointer(n).fill(200)) {
            BytePointer view = new BytePointer(memory).capacity(3L * n * 4); // the tensor ends here
            assertThat(t.writeFloat(src, W, H, view, 0, n)).isTrue(); // exactly fits
            memory.fill(0);
            assertThatThrownBy(() -> t.writeFloat(src, W, H, view, 1, n))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("do not fit");
            assertThatThrownBy(() -> t.writeFloat(src, W, H, view, -1, n))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> t.writeFloat(src, W, H, view, 0, n - 1))
                    .as("overlapping planes")
                    .isInstanceOf(IndexOutOfBoundsException.class);
            byte[] all = new byte[(int) memory.capacity()];
            memory.get(all);
            assertThat(all).as("nothing written by a refused call").containsOnly((byte) 0);
        }
    }
}
