package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrayConversionTest {

    static final int W = 40;
    static final int H = 20;

    final StageFixture parts = new StageFixture();
    final GrayConversion gray = parts.gray;
    final DecodeErrors errors = new DecodeErrors(null, "v", parts.deadline);

    @AfterEach
    void close() {
        parts.close();
    }

    /** Gives the fixture's frame fresh buffers of {@code format}, plane 0 painted with {@code value(x, y)}. */
    AVFrame paint(int format, int range, IntBinaryOperator value) {
        return paint(format, range, W, H, value);
    }

    AVFrame paint(int format, int range, int width, int height, IntBinaryOperator value) {
        AVFrame f = parts.frame;
        f.format(format).width(width).height(height).color_range(range);
        assertThat(av_frame_get_buffer(f, 0)).isZero();
        int bytesPerPixel = format == AV_PIX_FMT_BGR24 ? 3 : 1;
        BytePointer plane = f.data(0);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width * bytesPerPixel; x++) {
                plane.put((long) y * f.linesize(0) + x, (byte) value.applyAsInt(x, y));
            }
        }
        for (int p = 1; p < 3 && f.data(p) != null; p++) {
            for (int i = 0; i < f.linesize(p) * (height / 2); i++) {
                f.data(p).put(i, (byte) 128); // neutral chroma
            }
        }
        return f;
    }

    /** The gray plane {@link GrayConversion#deliver} hands to a one-position request, copied. */
    byte[] convert(AVFrame f) {
        byte[][] got = new byte[1][];
        gray.deliver(f, 0, new int[] {0}, 0, (p, g, w, h) -> got[0] = g.clone(), errors);
        return got[0];
    }

    /** What swscale itself makes of the frame as GRAY8 (the reference the luma path must match). */
    static byte[] swscaleGray(AVFrame f) {
        SwsContext sws = sws_getContext(
                W, H, f.format(), W, H, AV_PIX_FMT_GRAY8, SWS_BILINEAR, null, null, (DoublePointer) null);
        try (BytePointer out = new BytePointer((long) W * H);
                PointerPointer<BytePointer> dst = new PointerPointer<>(1);
                IntPointer stride = new IntPointer(1)) {
            dst.put(0, out);
            stride.put(0, W);
            sws_scale(sws, f.data(), f.linesize(), 0, H, dst, stride);
            byte[] gray = new byte[W * H];
            out.get(gray);
            return gray;
        } finally {
            sws_freeContext(sws);
        }
    }

    @Test
    void limitedRangeLumaIsStretchedToFullRangeLikeSwscale() {
        IntBinaryOperator ramp = (x, y) -> 16 + (x * 20 + y) % 220; // 16..235
        byte[] got = convert(paint(AV_PIX_FMT_YUV420P, AVCOL_RANGE_UNSPECIFIED, ramp));
        assertThat(got[0] & 0xff).as("16 is black").isZero();
        byte[] reference = swscaleGray(paint(AV_PIX_FMT_YUV420P, AVCOL_RANGE_UNSPECIFIED, ramp));
        assertThat(VideoDecoderTest.maxDifference(got, reference)).isLessThanOrEqualTo(1);

        byte[] tagged = convert(paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_MPEG, (x, y) -> 235));
        assertThat(tagged).as("tagged limited range wins over yuvj").containsOnly((byte) 255);
    }

    @Test
    void fullRangeLumaAndGrayAreCopiedAsTheyAre() {
        IntBinaryOperator any = (x, y) -> (x * 7 + y * 13) & 0xff;
        byte[] expected = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                expected[y * W + x] = (byte) any.applyAsInt(x, y);
            }
        }
        assertThat(convert(paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_UNSPECIFIED, any)))
                .isEqualTo(expected);
        assertThat(convert(paint(AV_PIX_FMT_YUV420P, AVCOL_RANGE_JPEG, any))).isEqualTo(expected);
        assertThat(convert(paint(AV_PIX_FMT_GRAY8, AVCOL_RANGE_UNSPECIFIED, any)))
                .isEqualTo(expected);
    }

    @Test
    void otherPixelFormatsGoThroughSwscale() {
        IntBinaryOperator bgr = (x, y) -> x % 3 == 0 ? 40 + y * 5 : x % 3 == 1 ? 90 : 200 - x; // rows differ
        AVFrame f = paint(AV_PIX_FMT_BGR24, AVCOL_RANGE_UNSPECIFIED, bgr);
        assertThat(f.linesize(0)).as("rows padded").isGreaterThan(3 * W);
        byte[] reference = swscaleGray(f);
        assertThat(convert(f)).isEqualTo(reference);
        // a second frame reuses the cached context and output plane
        assertThat(convert(paint(AV_PIX_FMT_BGR24, AVCOL_RANGE_UNSPECIFIED, bgr)))
                .isEqualTo(reference);
    }

    @Test
    void copyPlanePacksRowsWhateverThePointersPosition() {
        byte[] src = new byte[W * H];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 31);
        }
        byte[] packed = new byte[W * H];
        try (BytePointer plane = new BytePointer(src)) {
            plane.position(17);
            GrayConversion.copyPlane(plane, W, W, H, packed); // linesize == width: one bulk copy
        }
        assertThat(packed).isEqualTo(src);
    }

    @Test
    void oneConversionIsHandedToEveryPositionAskingForTheFrame() {
        List<Integer> positions = new ArrayList<>();
        List<byte[]> arrays = new ArrayList<>();
        int[] frames = {2, 5, 5, 5, 9};
        AVFrame f = paint(AV_PIX_FMT_GRAY8, AVCOL_RANGE_UNSPECIFIED, (x, y) -> 77);
        int next = gray.deliver(
                f,
                5,
                frames,
                1,
                (p, g, w, h) -> {
                    assertThat(w * 1000 + h).isEqualTo(W * 1000 + H);
                    assertThat(g).hasSize(w * h).containsOnly((byte) 77);
                    positions.add(p);
                    arrays.add(g);
                },
                errors);

        assertThat(next).isEqualTo(4);
        assertThat(positions).containsExactly(1, 2, 3);
        assertThat(arrays).allSatisfy(a -> assertThat(a).isSameAs(arrays.get(0)));
        assertThat(parts.clean()).as("frame unreferenced").isTrue();
    }

    @Test
    void theGrayArrayIsReusedWhileTheFrameSizeStays() {
        List<byte[]> arrays = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gray.deliver(
                    paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_UNSPECIFIED, (x, y) -> 9),
                    0,
                    new int[] {0},
                    0,
                    (p, g, w, h) -> arrays.add(g),
                    errors);
        }
        assertThat(arrays).hasSize(3).allSatisfy(a -> assertThat(a).isSameAs(arrays.get(0)));
    }

    @Test
    void theFrameIsUnreferencedEvenWhenTheSinkThrows() {
        AVFrame f = paint(AV_PIX_FMT_GRAY8, AVCOL_RANGE_UNSPECIFIED, (x, y) -> 1);
        RuntimeException boom = new IllegalStateException("slot gone");
        assertThatThrownBy(() -> gray.deliver(
                        f,
                        0,
                        new int[] {0},
                        0,
                        (p, g, w, h) -> {
                            throw boom;
                        },
                        errors))
                .isSameAs(boom);
        assertThat(parts.clean()).isTrue();
    }

    /** Takes native planes (copying them) for the positions it is told to; declines the rest. */
    static final class PlaneSink implements GrayFrameSink {
        final List<String> calls = new ArrayList<>();
        final List<byte[]> planes = new ArrayList<>();
        boolean takePlanes = true;

        @Override
        public void accept(int position, byte[] gray, int width, int height) {
            calls.add("array " + position);
            planes.add(gray.clone());
        }

        @Override
        public boolean acceptPlane(int position, BytePointer gray, int width, int height) {
            if (!takePlanes) {
                calls.add("declined " + position);
                return false;
            }
            long before = gray.position();
            byte[] copy = new byte[width * height];
            gray.get(copy);
            gray.position(before);
            calls.add("plane " + position);
            planes.add(copy);
            return true;
        }
    }

    static byte[] expected(IntBinaryOperator value) {
        byte[] e = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                e[y * W + x] = (byte) value.applyAsInt(x, y);
            }
        }
        return e;
    }

    @Test
    void fullRangeLumaIsOfferedAsAPackedNativePlaneEvenWhenItsRowsArePadded() {
        IntBinaryOperator any = (x, y) -> (x * 7 + y * 13) & 0xff;
        for (int format : new int[] {AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_GRAY8}) {
            PlaneSink sink = new PlaneSink();
            AVFrame f = paint(format, AVCOL_RANGE_UNSPECIFIED, any);
            assertThat(f.linesize(0)).as("rows padded").isGreaterThan(W);
            int next = gray.deliver(f, 3, new int[] {3, 3, 4}, 0, sink, errors);
            assertThat(next).isEqualTo(2);
            assertThat(sink.calls).containsExactly("plane 0", "plane 1");
            assertThat(sink.planes).allSatisfy(p -> assertThat(p).isEqualTo(expected(any)));
            assertThat(parts.clean()).as("frame unreferenced").isTrue();
        }
    }

    @Test
    void packedRowsAreLentInPlaceFrameAfterFrameAndFromAnotherAVFrame() {
        int w = 64; // gray rows of 64 bytes need no padding: the frame's own plane is lent, uncopied
        List<Long> lent = new ArrayList<>();
        PlaneSink copies = new PlaneSink();
        GrayFrameSink sink = new GrayFrameSink() {
            @Override
            public void accept(int position, byte[] g, int width, int height) {
                copies.accept(position, g, width, height);
            }

            @Override
            public boolean acceptPlane(int position, BytePointer g, int width, int height) {
                lent.add(g.address() + g.position());
                return copies.acceptPlane(position, g, width, height);
            }
        };
        List<Long> planes = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int shift = i;
            IntBinaryOperator any = (x, y) -> (x * 3 + y * 11 + shift) & 0xff;
            AVFrame f = paint(AV_PIX_FMT_GRAY8, AVCOL_RANGE_UNSPECIFIED, w, H, any);
            assertThat(f.linesize(0)).as("rows packed").isEqualTo(w);
            planes.add(f.data(0).address());
            expected.add(expectedPlane(any, w, H));
            gray.deliver(f, i, new int[] {i}, 0, sink, errors);
        }
        AVFrame other = av_frame_alloc();
        try {
            other.format(AV_PIX_FMT_GRAY8).width(w).height(H);
            assertThat(av_frame_get_buffer(other, 0)).isZero();
            assertThat(other.linesize(0)).as("rows packed").isEqualTo(w);
            BytePointer plane = other.data(0);
            for (int i = 0; i < w * H; i++) {
                plane.put(i, (byte) (255 - i % 256));
            }
            planes.add(plane.address());
            expected.add(copyOf(plane, w * H));
            gray.deliver(other, 2, new int[] {2}, 0, sink, errors);
        } finally {
            av_frame_free(other);
        }
        assertThat(lent).as("each frame's own plane 0").isEqualTo(planes);
        assertThat(copies.calls).containsExactly("plane 0", "plane 0", "plane 0");
        assertThat(copies.planes).containsExactlyElementsOf(expected);
    }

    static byte[] copyOf(BytePointer plane, int n) {
        byte[] copy = new byte[n];
        plane.position(0).get(copy);
        return copy;
    }

    static byte[] expectedPlane(IntBinaryOperator value, int w, int h) {
        byte[] e = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                e[y * w + x] = (byte) value.applyAsInt(x, y);
            }
        }
        return e;
    }

    @Test
    void framesThatChangeSizeGetPlanesOfTheirOwnSize() {
        int[][] sizes = {{W, H}, {24, 10}, {48, 30}, {W, H}}; // smaller reuses the packed plane, larger replaces it
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            IntBinaryOperator any = (x, y) -> (x * 5 + y * 17 + w) & 0xff;
            PlaneSink sink = new PlaneSink();
            AVFrame f = paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_UNSPECIFIED, w, h, any);
            assertThat(f.linesize(0)).as("rows padded").isGreaterThan(w);
            gray.deliver(f, 0, new int[] {0}, 0, sink, errors);
            byte[] expected = new byte[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    expected[y * w + x] = (byte) any.applyAsInt(x, y);
                }
            }
            assertThat(sink.calls).containsExactly("plane 0");
            assertThat(sink.planes.get(0)).as("%dx%d", w, h).isEqualTo(expected);
        }
    }

    @Test
    void limitedRangeAndOtherFormatsAreNeverOfferedAsPlanes() {
        IntBinaryOperator ramp = (x, y) -> 16 + (x * 20 + y) % 220;
        PlaneSink limited = new PlaneSink();
        gray.deliver(paint(AV_PIX_FMT_YUV420P, AVCOL_RANGE_UNSPECIFIED, ramp), 0, new int[] {0}, 0, limited, errors);
        gray.deliver(paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_MPEG, ramp), 0, new int[] {0}, 0, limited, errors);
        PlaneSink bgr = new PlaneSink();
        gray.deliver(paint(AV_PIX_FMT_BGR24, AVCOL_RANGE_UNSPECIFIED, ramp), 0, new int[] {0}, 0, bgr, errors);
        assertThat(limited.calls).containsExactly("array 0", "array 0");
        assertThat(limited.planes.get(0)[0] & 0xff).as("stretched: 16 is black").isZero();
        assertThat(bgr.calls).containsExactly("array 0");
    }

    @Test
    void aSinkThatDeclinesThePlaneGetsTheArrayConvertedOnce() {
        IntBinaryOperator any = (x, y) -> (x * 3 + y) & 0xff;
        PlaneSink sink = new PlaneSink();
        sink.takePlanes = false;
        gray.deliver(paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_JPEG, any), 0, new int[] {0, 0}, 0, sink, errors);
        assertThat(sink.calls).containsExactly("declined 0", "array 0", "declined 1", "array 1");
        assertThat(sink.planes).allSatisfy(p -> assertThat(p).isEqualTo(expected(any)));
    }

    @Test
    void theFrameIsUnreferencedWhenThePlaneSinkThrows() {
        AVFrame f = paint(AV_PIX_FMT_YUVJ420P, AVCOL_RANGE_UNSPECIFIED, (x, y) -> 1);
        RuntimeException boom = new IllegalStateException("slot gone");
        GrayFrameSink throwing = new GrayFrameSink() {
            @Override
            public void accept(int position, byte[] g, int width, int height) {}

            @Override
            public boolean acceptPlane(int position, BytePointer g, int width, int height) {
                throw boom;
            }
        };
        assertThatThrownBy(() -> gray.deliver(f, 0, new int[] {0}, 0, throwing, errors))
                .isSameAs(boom);
        assertThat(parts.clean()).isTrue();
    }

    @Test
    void closeIsIdempotent() {
        convert(paint(AV_PIX_FMT_BGR24, AVCOL_RANGE_UNSPECIFIED, (x, y) -> 5)); // creates the swscale state
        gray.deliver(
                paint(AV_PIX_FMT_GRAY8, AVCOL_RANGE_UNSPECIFIED, (x, y) -> 5),
                0,
                new int[] {0},
                0,
                new PlaneSink(),
                errors); // and the packed plane
        gray.close();
        gray.close();
    }
}
