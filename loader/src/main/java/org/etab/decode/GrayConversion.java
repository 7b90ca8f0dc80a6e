package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_BAYER;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_BITSTREAM;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_FLOAT;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_HWACCEL;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_PAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_RGB;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_XYZ;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_plane;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import org.bytedeco.ffmpeg.avutil.AVComponentDescriptor;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Turns a decoded picture into a packed 8-bit gray plane and hands it to every clip position that asked for it.
 * Planar YUV and GRAY8 pictures give their luma plane, copied in bulk; limited-range ("MPEG", 16..235) luma is then
 * stretched to 0..255 so that every codec yields the same full-range gray swscale would give. Any other pixel
 * format is converted to GRAY8 with swscale. A full-range luma plane (MJPEG's) is first offered to the sink in
 * native memory, uncopied when its rows are packed ({@link GrayFrameSink#acceptPlane}).
 *
 * <h2>Threading</h2>
 * Not thread-safe: one instance per {@link VideoDecoder}, used by one thread at a time. The sink runs synchronously
 * on the calling thread.
 *
 * <h2>Ownership</h2>
 * Owns the gray {@code byte[]} (lent to the sink during {@code accept}, overwritten by the next frame; reallocated
 * only when the frame size changes), a native packed luma plane and a view of the frame's own (each lent during
 * {@code acceptPlane}; the view is re-aimed at the next frame's plane, so a sink keeps neither) and the swscale
 * context with its native output plane (the native memory created on first need), freed by {@link #close()}
 * (idempotent). The frame given to {@link #deliver} is unreferenced before it returns or
 * throws; the frame itself stays its owner's.
 */
final class GrayConversion implements AutoCloseable {

    private static final long NOT_LUMA_FLAGS = AV_PIX_FMT_FLAG_RGB
            | AV_PIX_FMT_FLAG_PAL
            | AV_PIX_FMT_FLAG_BITSTREAM
            | AV_PIX_FMT_FLAG_HWACCEL
            | AV_PIX_FMT_FLAG_BAYER
            | AV_PIX_FMT_FLAG_FLOAT
            | AV_PIX_FMT_FLAG_XYZ;

    /** Limited-range luma (16..235) to full range (0..255), as swscale maps YUV to GRAY8. */
    private static final byte[] LIMITED_TO_FULL = new byte[256];

    static {
        for (int y = 0; y < 256; y++) {
            LIMITED_TO_FULL[y] = (byte) Math.max(0, Math.min(255, Math.round((y - 16) * 255.0 / 219.0)));
        }
    }

    /** Where an AVFrame holds its {@code data[]} plane pointers, in longs from its start. */
    private static final long DATA_INDEX = Loader.offsetof(AVFrame.class, "data") / Long.BYTES;

    private byte[] gray = new byte[0];

    // plane 0 read without a wrapper per frame (AVFrame.data(0) makes a new BytePointer each call, 32 a W1 clip):
    // the last frame's fields seen as longs (re-made only for another AVFrame) and a view re-aimed at its plane;
    // both alias the frame's memory and own none, so neither is closed
    private LongPointer frameFields;
    private final PlaneView luma = new PlaneView();

    // pixel-format classification of the last frame: formats rarely change, so look up once
    private int lastFormat = Integer.MIN_VALUE;
    private boolean lastFormatIsLuma;
    private boolean lastFormatLimitedByDefault; // YUV that is not yuvj*: limited range unless tagged

    // the luma plane packed (stride == width) for sinks that read native memory, when the frame's rows are padded
    private BytePointer packed;

    // swscale fallback for pixel formats without a plain 8-bit luma plane (created on first need)
    private SwsContext sws;
    private BytePointer swsOut;
    private PointerPointer<BytePointer> swsDst;
    private IntPointer swsDstStride;

    /**
     * Converts {@code frame} (frame number {@code index}), hands it to every position from {@code pos} on asking
     * for {@code index}, and unreferences it; returns the next position. A full-range luma plane is offered to the
     * sink in native memory first ({@link GrayFrameSink#acceptPlane}); a position that declines gets the gray
     * array.
     *
     * @param errors names the video if the picture cannot be converted
     */
    int deliver(AVFrame frame, int index, int[] frames, int pos, GrayFrameSink sink, DecodeErrors errors) {
        int w = frame.width();
        int h = frame.height();
        try {
            BytePointer plane = fullRangeLuma(frame, w) ? packedPlane(frame, w, h) : null;
            boolean converted = false;
            for (; pos < frames.length && frames[pos] == index; pos++) {
                if (plane != null && sink.acceptPlane(pos, plane, w, h)) {
                    continue;
                }
                if (!converted) {
                    toGray(frame, w, h, errors);
                    converted = true;
                }
                sink.accept(pos, gray, w, h);
            }
        } finally {
            av_frame_unref(frame);
        }
        return pos;
    }

    /** Plane 0 is 8-bit luma in full range (0..255) with rows at least {@code w} apart. */
    private boolean fullRangeLuma(AVFrame picture, int w) {
        return isLuma(picture.format()) && picture.linesize(0) >= w && !limitedRange(picture);
    }

    private boolean limitedRange(AVFrame picture) {
        int range = picture.color_range();
        return range == AVCOL_RANGE_MPEG || (range == AVCOL_RANGE_UNSPECIFIED && lastFormatLimitedByDefault);
    }

    /** The luma plane with stride == width: the frame's own when its rows are packed, else a packed native copy. */
    private BytePointer packedPlane(AVFrame picture, int w, int h) {
        int linesize = picture.linesize(0);
        BytePointer plane = plane0(picture, (long) linesize * h);
        if (linesize == w) {
            return plane;
        }
        long size = (long) w * h;
        if (packed == null || packed.capacity() < size) {
            if (packed != null) {
                packed.close();
            }
            packed = new BytePointer(size);
        }
        av_image_copy_plane(packed, w, plane, linesize, w, h);
        return packed;
    }

    /** {@code picture}'s plane 0 ({@code size} bytes) as {@link #luma}, valid until the next call. */
    private BytePointer plane0(AVFrame picture, long size) {
        if (frameFields == null || frameFields.address() != picture.address()) {
            frameFields = new LongPointer(picture);
        }
        return luma.at(frameFields.get(DATA_INDEX), size);
    }

    /**
     * A {@code BytePointer} that is re-aimed rather than made anew for each frame's plane. Owns no memory; confined,
     * with its {@link GrayConversion}, to one thread at a time.
     */
    private static final class PlaneView extends BytePointer {
        PlaneView at(long planeAddress, long size) {
            address = planeAddress;
            position = 0;
            limit = size;
            capacity = size;
            return this;
        }
    }

    private void toGray(AVFrame picture, int w, int h, DecodeErrors errors) {
        int size = w * h;
        if (gray.length != size) {
            gray = new byte[size]; // the sink sees exactly w*h bytes
        }
        int format = picture.format();
        int linesize = picture.linesize(0);
        if (isLuma(format) && linesize >= w) {
            copyPlane(plane0(picture, (long) linesize * h), linesize, w, h, gray);
            if (limitedRange(picture)) {
                expandRange(gray, size);
            }
        } else {
            // also taken for negative linesize (bottom-up pictures): swscale walks those correctly
            convertToGray(picture, format, w, h, errors);
        }
    }

    /** Plane 0 holds 8-bit luma (or gray), one byte per pixel: planar YUV, NV12/21, GRAY8. */
    private boolean isLuma(int format) {
        if (format != lastFormat) {
            lastFormat = format;
            AVPixFmtDescriptor d = av_pix_fmt_desc_get(format);
            if (d == null) {
                lastFormatIsLuma = false;
            } else {
                AVComponentDescriptor c = d.comp(0);
                lastFormatIsLuma = (d.flags() & NOT_LUMA_FLAGS) == 0
                        && c.plane() == 0
                        && c.step() == 1
                        && c.offset() == 0
                        && c.shift() == 0
                        && c.depth() == 8;
                lastFormatLimitedByDefault = lastFormatIsLuma
                        && d.nb_components() >= 3
                        && !d.name().getString().startsWith("yuvj");
            }
        }
        return lastFormatIsLuma;
    }

    private static void expandRange(byte[] gray, int size) {
        for (int i = 0; i < size; i++) {
            gray[i] = LIMITED_TO_FULL[gray[i] & 0xff];
        }
    }

    /** Copies a {@code width x height} plane with row stride {@code linesize} into a packed array. */
    static void copyPlane(BytePointer plane, int linesize, int width, int height, byte[] dst) {
        if (linesize == width) {
            plane.position(0).get(dst, 0, width * height);
            return;
        }
        for (int row = 0; row < height; row++) {
            plane.position((long) row * linesize).get(dst, row * width, width);
        }
    }

    private void convertToGray(AVFrame picture, int format, int w, int h, DecodeErrors errors) {
        sws = sws_getCachedContext(
                sws, w, h, format, w, h, AV_PIX_FMT_GRAY8, SWS_BILINEAR, null, null, (DoublePointer) null);
        if (sws == null) {
            throw errors.error("cannot convert pixel format " + format + " to gray");
        }
        if (swsOut == null || swsOut.capacity() < (long) w * h) {
            if (swsOut != null) {
                swsOut.close();
            }
            swsOut = new BytePointer((long) w * h);
            if (swsDst == null) {
                swsDst = new PointerPointer<>(1);
                swsDstStride = new IntPointer(1);
            }
        }
        swsDst.put(0, swsOut);
        swsDstStride.put(0, w);
        sws_scale(sws, picture.data(), picture.linesize(), 0, h, swsDst, swsDstStride);
        swsOut.position(0).get(gray, 0, w * h);
    }

    /** Frees the swscale state and drops the gray array. Idempotent. */
    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        if (swsOut != null) {
            swsOut.close();
            swsOut = null;
        }
        if (packed != null) {
            packed.close();
            packed = null;
        }
        if (swsDst != null) {
            swsDst.close();
            swsDstStride.close();
            swsDst = null;
            swsDstStride = null;
        }
        gray = new byte[0];
    }
}
