package org.etab.transform;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.DType;

/**
 * The fused per-frame transform: resize (identity, or the {@link Resampling} asked for) + gray to
 * {@code channels} + normalize, written straight into a sample's slot of a batch buffer.
 *
 * <p>Values: with {@code normalize}, ImageNet normalization on [0,1] RGB:
 * {@code (v/255 - mean[c]) / std[c]} with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) (one gray
 * channel uses their averages, 0.449 and 0.226); without it, float32 in [0,1]; {@code UINT8} output keeps the
 * raw 0..255 pixel (normalization then happens on the device). The default resize follows OpenCV's
 * {@code INTER_LINEAR} (half-pixel centres, edge clamping), the reference loaders' default, in float; uint8 output
 * rounds it half up. Other filters ({@link Resampling}): Pillow's (antialiased) give Pillow's exact uint8 result,
 * which float output then normalizes, as ETAB's {@code ToTensor} does with PIL's images; OpenCV's are computed in
 * float, clipped to 0..255 and normalized (float output) or rounded half up (uint8 output).
 *
 * <p>Threading: immutable apart from a concurrent cache of resize tables; one instance serves all decode
 * threads. Each thread passes its own scratch ({@link #newScratch()}).
 */
public final class FrameTransform {
    // ImageNet's per-channel mean and standard deviation (R, G, B) on [0,1] pixels; private because arrays are mutable
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    static final float GRAY_MEAN = 0.449f;
    static final float GRAY_STD = 0.226f;

    private final int height;
    private final int width;
    private final int channels;
    private final DType dtype;
    private final float[] scale;
    private final float[] bias;
    /** lut[c][v]: the output value of gray level v in channel c (the no-resize fast path). */
    private final float[][] lut;
    /** Frames from native memory without resize: lut as FFmpeg palettes (float32), or copies (uint8). */
    private final NativePlanes nativePlanes;

    private final Resampling resampling;
    private final BilinearResize bilinear;
    /** Per source size, for resamplings other than the default: taps computed once per (source size). */
    private final ConcurrentHashMap<Long, FrameResampler> resamplers = new ConcurrentHashMap<>();
    /** Never written: the source of padding frames. */
    private final float[] zeroFloats;

    private final byte[] zeroBytes;

    /**
     * A transform with the default resampling (OpenCV-style bilinear, {@link Resampling#DEFAULT}).
     *
     * @param height    output rows, {@code >= 1}
     * @param width     output columns, {@code >= 1}
     * @param channels  output channels: 1 (gray) or 3 (the gray value repeated as RGB)
     * @param normalize ImageNet normalization (float32 output only); false: float32 in [0,1] or raw uint8
     * @param dtype     {@link DType#FLOAT32} or {@link DType#UINT8}
     * @throws IllegalArgumentException naming the value: a size below 1x1, channels other than 1 or 3, int32, or
     *                                  uint8 with normalization
     */
    public FrameTransform(int height, int width, int channels, boolean normalize, DType dtype) {
        this(height, width, channels, normalize, dtype, Resampling.DEFAULT);
    }

    /**
     * A transform with the given resampling.
     *
     * @param height     output rows, {@code >= 1}
     * @param width      output columns, {@code >= 1}
     * @param channels   output channels: 1 (gray) or 3 (the gray value repeated as RGB)
     * @param normalize  ImageNet normalization (float32 output only); false: float32 in [0,1] or raw uint8
     * @param dtype      {@link DType#FLOAT32} or {@link DType#UINT8}
     * @param resampling how frames of another size are resized to {@code height x width}; not null
     * @throws NullPointerException if {@code resampling} is null
     * @throws IllegalArgumentException naming the value: a size below 1x1, channels other than 1 or 3, int32, or
     *                                  uint8 with normalization
     */
    public FrameTransform(int height, int width, int channels, boolean normalize, DType dtype, Resampling resampling) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("output size must be >= 1x1 but was " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB) but was " + channels);
        }
        if (dtype == DType.INT32) {
            throw new IllegalArgumentException("pixels are float32 or uint8, not int32");
        }
        if (dtype == DType.UINT8 && normalize) {
            throw new IllegalArgumentException("uint8 output keeps raw pixels; normalize=true needs float32 "
                    + "(or normalization on the device)");
        }
        this.resampling = Objects.requireNonNull(resampling, "resampling");
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.dtype = dtype;
        this.scale = new float[channels];
        this.bias = new float[channels];
        this.lut = new float[channels][256];
        this.zeroFloats = new float[height * width];
        this.zeroBytes = new byte[height * width];
        for (int c = 0; c < channels; c++) {
            float mean = channels == 3 ? IMAGENET_MEAN[c] : GRAY_MEAN;
            float std = channels == 3 ? IMAGENET_STD[c] : GRAY_STD;
            scale[c] = normalize ? 1f / (255f * std) : 1f / 255f;
            bias[c] = normalize ? -mean / std : 0f;
            for (int v = 0; v < 256; v++) {
                lut[c][v] = normalize ? (v / 255f - mean) / std : v / 255f;
            }
        }
        this.bilinear = new BilinearResize(height, width, channels, scale, bias);
        this.nativePlanes = new NativePlanes(channels, dtype == DType.FLOAT32 ? lut : null);
    }

    /** {@return output rows} */
    public int height() {
        return height;
    }

    /** {@return output columns} */
    public int width() {
        return width;
    }

    /** {@return output channels, 1 or 3} */
    public int channels() {
        return channels;
    }

    /** {@return the output element type, float32 or uint8} */
    public DType dtype() {
        return dtype;
    }

    /** {@return how frames of another size are resized} */
    public Resampling resampling() {
        return resampling;
    }

    /**
     * The value one gray level becomes in channel {@code c} of float32 output (for tests and for padding in input
     * space).
     *
     * @param gray the gray level, 0..255
     * @param c    the channel, {@code 0 <= c < channels}
     * @return {@code gray / 255}, normalized when this transform normalizes
     */
    public float value(int gray, int c) {
        return lut[c][gray];
    }

    /**
     * Per-thread working memory for {@link #writeFloat}/{@link #writeBytes}.
     *
     * @return new scratch sized for this transform's output (a few planes of {@code height x width}); use it with
     *     this transform only, on one thread at a time
     */
    public Scratch newScratch() {
        return new Scratch(
                new float[channels][height * width],
                new float[height * width],
                new byte[height * width],
                new float[width],
                new float[width]);
    }

    /** Per-thread working memory; not thread-safe. */
    public static final class Scratch {
        private final float[][] planes;
        private final float[] resized;
        private final byte[] bytes;
        private final float[] rowA;
        private final float[] rowB;
        /** The other resamplers' memory (grows with the source size). */
        private final ResampleWork work = new ResampleWork();

        private Scratch(float[][] planes, float[] resized, byte[] bytes, float[] rowA, float[] rowB) {
            this.planes = planes;
            this.resized = resized;
            this.bytes = bytes;
            this.rowA = rowA;
            this.rowB = rowB;
        }

        float[][] planes() {
            return planes;
        }

        float[] resized() {
            return resized;
        }

        byte[] bytes() {
            return bytes;
        }

        float[] rowA() {
            return rowA;
        }

        float[] rowB() {
            return rowB;
        }
    }

    /**
     * Writes one frame as {@code channels} planes of {@code height x width} floats at element
     * {@code base + c * channelStride} of {@code dst}. One pass over the output pixels computes every channel's
     * value (a table lookup without resize, bilinear + scale/bias with it); the planes then go to the slot as
     * one bulk copy each.
     *
     * <p>Writes with absolute puts: {@code dst}'s position and limit do not change.
     *
     * @param gray          row-major gray pixels of a {@code srcWidth x srcHeight} frame, at least
     *                      {@code srcWidth * srcHeight} bytes; read, not kept
     * @param srcWidth      the frame's columns, {@code >= 1}
     * @param srcHeight     the frame's rows, {@code >= 1}
     * @param dst           the float view of a batch buffer
     * @param base          the float index in {@code dst} of channel 0's first element
     * @param channelStride floats from one channel plane to the next, {@code >= height * width}
     * @param scratch       this thread's scratch, from this transform's {@link #newScratch()}
     * @throws IndexOutOfBoundsException if a plane does not fit in {@code dst}
     */
    public void writeFloat(
            byte[] gray, int srcWidth, int srcHeight, FloatBuffer dst, int base, int channelStride, Scratch scratch) {
        float[][] planes = scratch.planes();
        int n = height * width;
        if (srcWidth == width && srcHeight == height) {
            if (channels == 3) {
                float[] l0 = lut[0], l1 = lut[1], l2 = lut[2];
                float[] p0 = planes[0], p1 = planes[1], p2 = planes[2];
                for (int i = 0; i < n; i++) {
                    int g = gray[i] & 0xff;
                    p0[i] = l0[g];
                    p1[i] = l1[g];
                    p2[i] = l2[g];
                }
            } else {
                float[] l0 = lut[0];
                float[] p0 = planes[0];
                for (int i = 0; i < n; i++) {
                    p0[i] = l0[gray[i] & 0xff];
                }
            }
        } else if (resampling.isDefault()) {
            bilinear.intoPlanes(gray, srcWidth, srcHeight, planes, scratch.rowA(), scratch.rowB());
        } else {
            resampleOther(gray, srcWidth, srcHeight, planes, scratch);
        }
        for (int c = 0; c < channels; c++) {
            dst.put(base + c * channelStride, planes[c], 0, n);
        }
    }

    /**
     * Writes one frame from native memory, as {@link #writeFloat(byte[], int, int, FloatBuffer, int, int, Scratch)}
     * does from an array, when no resize is needed: each channel plane is one native table lookup
     * ({@code sws_convertPalette8ToPacked32} with this transform's lookup table as its 32-bit palette), so the values
     * are bit for bit those of the array path and no compiled Java touches a pixel. A frame of another size is left
     * to the array path.
     *
     * @param gray          row-major gray pixels, {@code srcWidth * srcHeight} bytes from its position; read, not
     *                      moved
     * @param srcWidth      the frame's columns
     * @param srcHeight     the frame's rows
     * @param dst           a view of a float32 batch buffer whose position this call sets (one per thread)
     * @param base          the float index in {@code dst} of channel 0's first element
     * @param channelStride floats from one channel plane to the next, {@code >= height * width}
     * @return false, writing nothing, when the frame is not {@code width x height} or this transform is not float32
     * @throws IndexOutOfBoundsException if a plane does not fit in {@code dst}'s capacity
     */
    public boolean writeFloat(
            BytePointer gray, int srcWidth, int srcHeight, BytePointer dst, long base, long channelStride) {
        if (dtype != DType.FLOAT32 || srcWidth != width || srcHeight != height) {
            return false;
        }
        nativePlanes.write(gray, height * width, dst, base, channelStride);
        return true;
    }

    /**
     * Writes one frame from native memory as {@code channels} identical uint8 planes (raw pixels), as
     * {@link #writeBytes(byte[], int, int, ByteBuffer, int, int, Scratch)} does from an array, when no resize is
     * needed: one native copy per plane.
     *
     * @param gray          row-major gray pixels, {@code srcWidth * srcHeight} bytes from its position; read, not
     *                      moved
     * @param srcWidth      the frame's columns
     * @param srcHeight     the frame's rows
     * @param dst           a view of a uint8 batch buffer whose position this call sets (one per thread)
     * @param base          the byte index in {@code dst} of channel 0's first element
     * @param channelStride bytes from one channel plane to the next, {@code >= height * width}
     * @return false, writing nothing, when the frame is not {@code width x height} or this transform is not uint8
     * @throws IndexOutOfBoundsException if a plane does not fit in {@code dst}'s capacity
     */
    public boolean writeBytes(
            BytePointer gray, int srcWidth, int srcHeight, BytePointer dst, long base, long channelStride) {
        if (dtype != DType.UINT8 || srcWidth != width || srcHeight != height) {
            return false;
        }
        nativePlanes.write(gray, height * width, dst, base, channelStride);
        return true;
    }

    /**
     * Writes one frame as {@code channels} identical uint8 planes (raw pixels, resized; OpenCV-style bilinear
     * rounded half up, or the other resampling's uint8 result) at byte {@code base + c * channelStride} of
     * {@code dst}, with absolute puts ({@code dst}'s position and limit do not change).
     *
     * @param gray          row-major gray pixels of a {@code srcWidth x srcHeight} frame, at least
     *                      {@code srcWidth * srcHeight} bytes; read, not kept
     * @param srcWidth      the frame's columns, {@code >= 1}
     * @param srcHeight     the frame's rows, {@code >= 1}
     * @param dst           a batch buffer
     * @param base          the byte index in {@code dst} of channel 0's first element
     * @param channelStride bytes from one channel plane to the next, {@code >= height * width}
     * @param scratch       this thread's scratch, from this transform's {@link #newScratch()}
     * @throws IndexOutOfBoundsException if a plane does not fit in {@code dst}
     */
    public void writeBytes(
            byte[] gray, int srcWidth, int srcHeight, ByteBuffer dst, int base, int channelStride, Scratch scratch) {
        int n = height * width;
        byte[] out;
        if (srcWidth == width && srcHeight == height) {
            out = gray;
        } else if (!resampling.isDefault()) {
            out = scratch.bytes();
            resampler(srcWidth, srcHeight).toBytes(gray, out, scratch.work);
        } else {
            float[] plane = scratch.resized();
            bilinear.toFloats(gray, srcWidth, srcHeight, plane);
            out = scratch.bytes();
            for (int i = 0; i < n; i++) {
                out[i] = (byte) Math.min(255, (int) (plane[i] + 0.5f));
            }
        }
        for (int c = 0; c < channels; c++) {
            dst.put(base + c * channelStride, out, 0, n);
        }
    }

    /**
     * A resampling other than the default, then channels and normalization: from the exact uint8 result through
     * the lookup table (Pillow, nearest), or from the float result clipped to 0..255 (OpenCV).
     */
    private void resampleOther(byte[] src, int sw, int sh, float[][] planes, Scratch scratch) {
        FrameResampler r = resampler(sw, sh);
        int n = height * width;
        if (r.exactBytes()) {
            byte[] bytes = scratch.bytes();
            r.toBytes(src, bytes, scratch.work);
            for (int c = 0; c < channels; c++) {
                float[] l = lut[c];
                float[] p = planes[c];
                for (int i = 0; i < n; i++) {
                    p[i] = l[bytes[i] & 0xff];
                }
            }
            return;
        }
        float[] values = scratch.resized();
        r.toFloats(src, values, scratch.work);
        for (int c = 0; c < channels; c++) {
            float[] p = planes[c];
            float sc = scale[c];
            float b = bias[c];
            for (int i = 0; i < n; i++) {
                p[i] = Math.min(255f, Math.max(0f, values[i])) * sc + b;
            }
        }
    }

    private FrameResampler resampler(int sw, int sh) {
        return resamplers.computeIfAbsent(
                ((long) sw << 32) | sh, k -> FrameResampler.of(resampling, sw, sh, width, height));
    }

    /**
     * Writes a padding frame (zero in output space, i.e. after normalization) in every channel plane at
     * {@code base}, with absolute puts.
     *
     * @param dst           the float view of a batch buffer
     * @param base          the float index in {@code dst} of channel 0's first element
     * @param channelStride floats from one channel plane to the next
     * @throws IndexOutOfBoundsException if a plane does not fit in {@code dst}
     */
    public void writeZeros(FloatBuffer dst, int base, int channelStride) {
        for (int c = 0; c < channels; c++) {
            dst.put(base + c * channelStride, zeroFloats, 0, zeroFloats.length);
        }
    }

    /**
     * Writes a padding frame of zero bytes in every channel plane at {@code base}, with absolute puts.
     *
     * @param dst           a batch buffer
     * @param base          the byte index in {@code dst} of channel 0's first element
     * @param channelStride bytes from one channel plane to the next
     * @throws IndexOutOfBoundsException if a plane does not fit in {@code dst}
     */
    public void writeZeros(ByteBuffer dst, int base, int channelStride) {
        for (int c = 0; c < channels; c++) {
            dst.put(base + c * channelStride, zeroBytes, 0, zeroBytes.length);
        }
    }
}
