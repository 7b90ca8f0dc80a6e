package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.transform.FrameTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Frames land at their clip position of the right slot, channel planes apart; missing positions are zeros. */
class FeatureWriterTest {
    private static final int H = 6;
    private static final int W = 5;
    private static final TensorSpec LABEL = new TensorSpec(DType.FLOAT32, 1);

    private static byte[] frame(int seed, int w, int h) {
        byte[] g = new byte[w * h];
        for (int i = 0; i < g.length; i++) {
            g[i] = (byte) (seed * 37 + i * 11);
        }
        return g;
    }

    private static SampleOptions clip(int t, DType dtype, boolean normalize) {
        return SampleOptions.builder()
                .target(Target.EF)
                .clip(new ClipSpec(true, t, 0, true, ClipStart.FIRST))
                .frameSize(H, W)
                .channels(3)
                .normalize(normalize)
                .dtype(dtype)
                .build();
    }

    @Test
    void floatClipFramesGoToTheirPositionInEveryChannelPlaneAndTheRestIsZero() {
        SampleOptions o = clip(4, DType.FLOAT32, true);
        FeatureWriter writer = new FeatureWriter(o, H, W);
        assertThat(writer.spec()).isEqualTo(new TensorSpec(DType.FLOAT32, "CTHW", 3, 4, H, W));
        FrameTransform reference = new FrameTransform(H, W, 3, true, DType.FLOAT32);
        int slotElements = 3 * 4 * H * W;
        try (BatchPool pool = new BatchPool(writer.spec(), LABEL, 3, 1)) {
            BatchPool.Buffers b = pool.acquire();
            FloatBuffer all = b.features().buffer().asFloatBuffer();
            for (int i = 0; i < all.capacity(); i++) {
                all.put(i, Float.NaN); // what a reused buffer may hold
            }
            FeatureWriter.Sink sink = writer.newSink().at(b, 1);
            sink.accept(0, frame(1, 10, 12), 10, 12); // resized
            sink.accept(1, frame(2, W, H), W, H); // native size
            sink.padFrom(2);

            float[] expected = new float[slotElements];
            FloatBuffer exp = FloatBuffer.wrap(expected);
            reference.writeFloat(frame(1, 10, 12), 10, 12, exp, 0, 4 * H * W, reference.newScratch());
            reference.writeFloat(frame(2, W, H), W, H, exp, H * W, 4 * H * W, reference.newScratch());
            float[] got = new float[slotElements];
            all.get(slotElements, got);
            assertThat(got).containsExactly(expected);
            // the other slots are untouched
            assertThat(all.get(0)).isNaN();
            assertThat(all.get(2 * slotElements)).isNaN();
            pool.release(b);
        }
    }

    @Test
    void uint8StillsAreRawPixelsAndOneSinkServesSeveralBatches() {
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .video(false)
                .frameSize(H, W)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .build();
        FeatureWriter writer = new FeatureWriter(o, H, W);
        assertThat(writer.spec()).isEqualTo(new TensorSpec(DType.UINT8, "CHW", 1, H, W));
        try (BatchPool pool = new BatchPool(writer.spec(), LABEL, 2, 2)) {
            BatchPool.Buffers a = pool.acquire();
            BatchPool.Buffers b = pool.acquire();
            FeatureWriter.Sink sink = writer.newSink();
            byte[] f1 = frame(1, W, H);
            byte[] f2 = frame(2, W, H);
            sink.at(a, 1).accept(0, f1, W, H);
            sink.padFrom(1); // a full still: nothing to pad
            sink.at(b, 0).accept(0, f2, W, H);
            sink.at(a, 0).accept(0, f2, W, H);
            assertThat(a.features().slotBytes(1)).containsExactly(f1);
            assertThat(a.features().slotBytes(0)).containsExactly(f2);
            assertThat(b.features().slotBytes(0)).containsExactly(f2);
            pool.release(a);
            pool.release(b);
        }
    }

    @Test
    void anUndeliveredClipIsAllZeroFrames() {
        FeatureWriter writer = new FeatureWriter(clip(3, DType.UINT8, false), H, W);
        try (BatchPool pool = new BatchPool(writer.spec(), LABEL, 1, 1)) {
            BatchPool.Buffers b = pool.acquire();
            ByteBuffer all = b.features().buffer();
            for (int i = 0; i < all.capacity(); i++) {
                all.put(i, (byte) 7);
            }
            writer.newSink().at(b, 0).padFrom(0);
            byte[] zeros = new byte[3 * 3 * H * W];
            Arrays.fill(zeros, (byte) 0);
            assertThat(b.features().slotBytes(0)).containsExactly(zeros);
            pool.release(b);
        }
    }

    @Test
    void framesFirstClipsHoldTheSameValuesTransposedAndPadWholeFrames() {
        SampleOptions cthw = clip(4, DType.UINT8, false).toBuilder().channels(3).build();
        SampleOptions tchw = cthw.toBuilder().layout(ClipLayout.TCHW).build();
        FeatureWriter first = new FeatureWriter(cthw, H, W);
        FeatureWriter framesFirst = new FeatureWriter(tchw, H, W);
        assertThat(framesFirst.spec()).isEqualTo(new TensorSpec(DType.UINT8, "TCHW", 4, 3, H, W));
        assertThat(framesFirst.spec().toString()).isEqualTo("uint8[4, 3, " + H + ", " + W + "] tchw");
        try (BatchPool a = new BatchPool(first.spec(), LABEL, 1, 1);
                BatchPool b = new BatchPool(framesFirst.spec(), LABEL, 1, 1)) {
            BatchPool.Buffers ba = a.acquire();
            BatchPool.Buffers bb = b.acquire();
            for (FeatureWriter.Sink sink : new FeatureWriter.Sink[] {
                first.newSink().at(ba, 0), framesFirst.newSink().at(bb, 0)
            }) {
                sink.accept(0, frame(1, W, H), W, H);
                sink.accept(1, frame(2, 10, 12), 10, 12); // resized
                sink.accept(2, frame(3, W, H), W, H);
                sink.padFrom(3);
            }
            byte[] c = ba.features().slotBytes(0);
            byte[] t = bb.features().slotBytes(0);
            int plane = H * W;
            for (int ch = 0; ch < 3; ch++) {
                for (int pos = 0; pos < 4; pos++) {
                    for (int i = 0; i < plane; i++) {
                        assertThat(t[(pos * 3 + ch) * plane + i])
                                .as("c%d t%d i%d", ch, pos, i)
                                .isEqualTo(c[(ch * 4 + pos) * plane + i]);
                    }
                }
            }
            byte[] lastFrame = Arrays.copyOfRange(t, 3 * 3 * plane, 4 * 3 * plane);
            assertThat(lastFrame).containsOnly((byte) 0);
            a.release(ba);
            b.release(bb);
        }
    }

    @Test
    void theOptionsResamplingReachesTheTransform() {
        SampleOptions o = clip(1, DType.UINT8, false).toBuilder()
                .channels(1)
                .resize(org.etab.transform.ResizeFilter.NEAREST)
                .antialias(true)
                .build();
        FeatureWriter writer = new FeatureWriter(o, 1, 2);
        try (BatchPool pool = new BatchPool(writer.spec(), LABEL, 1, 1)) {
            BatchPool.Buffers b = pool.acquire();
            // Pillow's nearest, 4 -> 2: sources floor(0.5 * 2) = 1 and floor(1.5 * 2) = 3
            writer.newSink().at(b, 0).accept(0, new byte[] {10, 20, 30, 40}, 4, 1);
            assertThat(b.features().slotBytes(0)).containsExactly(20, 40);
            pool.release(b);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"FLOAT32,CTHW", "FLOAT32,TCHW", "UINT8,CTHW", "UINT8,TCHW"})
    void nativePlanesLandWhereArraysDoAndAResizeIsDeclined(DType dtype, ClipLayout layout) {
        SampleOptions o = clip(3, dtype, dtype == DType.FLOAT32).toBuilder()
                .layout(layout)
                .build();
        FeatureWriter writer = new FeatureWriter(o, H, W);
        try (BatchPool pool = new BatchPool(writer.spec(), LABEL, 2, 2);
                BytePointer plane = new BytePointer((long) W * H)) {
            BatchPool.Buffers byArray = pool.acquire();
            BatchPool.Buffers byPlane = pool.acquire();
            FeatureWriter.Sink arrays = writer.newSink().at(byArray, 1);
            FeatureWriter.Sink planes = writer.newSink().at(byPlane, 1);
            for (int pos = 0; pos < 3; pos++) {
                byte[] gray = frame(pos + 4, W, H);
                arrays.accept(pos, gray, W, H);
                plane.position(0).put(gray);
                assertThat(planes.acceptPlane(pos, plane, W, H)).isTrue();
            }
            assertThat(byPlane.features().slotBytes(1))
                    .isEqualTo(byArray.features().slotBytes(1));
            assertThat(planes.acceptPlane(0, plane, W - 1, H))
                    .as("needs a resize")
                    .isFalse();
            pool.release(byArray);
            pool.release(byPlane);
        }
    }
}
