package org.etab.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.DType;
import org.etab.transform.FrameTransform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FrameTransform} of one gray frame into a clip slot of a direct (native-order) buffer, the way a pipeline
 * worker writes each decoded frame: frame t of a 32-frame {@code [3, 32, H, W]} slot, t cycling over the clip, so
 * the writes go where the pipeline's go (three planes 32 frames apart), not into one cache-hot frame.
 *
 * <p>Destination ({@code dst} parameter): {@code slot} is one clip slot, cycled (4.8 MB of float32 at 112x112:
 * it stays in the last-level cache); {@code batch} is a whole batch of 20 such slots, cycled slot after slot
 * (96 MB of float32 at 112x112, as the pipeline's batch buffers), so the writes go to memory, as in the pipeline.
 *
 * <p>Shapes ({@code shape} parameter, source rows x columns to output rows x columns):
 * {@code identity112} 112x112 to 112x112 (W1: the lookup-table path, no resize), {@code up112to224} 112x112 to
 * 224x224 (EchoNet at ETAB's default size), {@code down600x800to224} 600x800 to 224x224 (a CAMUS-sized frame).
 * {@code writeFloat} is RGB ImageNet-normalized float32 (12 bytes per output pixel); {@code writeBytes} is
 * uint8 (3 bytes per output pixel, normalized later on the device).
 *
 * <p>Score: time per frame. Output bytes/s = {@link #outputBytes} / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TransformBenchmark {
    static final int CLIP = 32;
    static final int BATCH = 20;
    static final int CHANNELS = 3;

    @State(Scope.Thread)
    public static class Frame {
        @Param({"identity112", "up112to224", "down600x800to224"})
        public String shape;

        @Param({"slot", "batch"})
        public String dst = "slot";

        int srcHeight;
        int srcWidth;
        int height;
        int width;
        byte[] gray;
        FrameTransform floats;
        FrameTransform bytes;
        FrameTransform.Scratch floatScratch;
        FrameTransform.Scratch byteScratch;
        ByteBuffer buffer;
        FloatBuffer floatBuffer;
        int plane;
        int slots;
        int slot;
        int t;

        @Setup(Level.Trial)
        public void setUp() {
            switch (shape) {
                case "identity112" -> size(112, 112, 112, 112);
                case "up112to224" -> size(112, 112, 224, 224);
                case "down600x800to224" -> size(600, 800, 224, 224);
                default -> throw new IllegalArgumentException("unknown shape " + shape);
            }
            // content does not change the work (no branch on pixel values); seeded noise
            gray = new byte[srcHeight * srcWidth];
            new SplittableRandom(42).nextBytes(gray);
            floats = new FrameTransform(height, width, CHANNELS, true, DType.FLOAT32);
            bytes = new FrameTransform(height, width, CHANNELS, false, DType.UINT8);
            floatScratch = floats.newScratch();
            byteScratch = bytes.newScratch();
            plane = height * width;
            slots = switch (dst) {
                case "slot" -> 1;
                case "batch" -> BATCH;
                default -> throw new IllegalArgumentException("unknown destination " + dst);
            };
            buffer = ByteBuffer.allocateDirect(slots * CHANNELS * CLIP * plane * Float.BYTES)
                    .order(ByteOrder.nativeOrder());
            floatBuffer = buffer.asFloatBuffer();
        }

        private void size(int sh, int sw, int h, int w) {
            srcHeight = sh;
            srcWidth = sw;
            height = h;
            width = w;
        }

        /** Element offset of the next frame: clip position t of slot s, t cycling first. */
        int nextBase() {
            int base = slot * CHANNELS * CLIP * plane + t * plane;
            t++;
            if (t == CLIP) {
                t = 0;
                slot = (slot + 1) % slots;
            }
            return base;
        }
    }

    /** RGB ImageNet-normalized float32 (W1's output). */
    @Benchmark
    public FloatBuffer writeFloat(Frame f) {
        int base = f.nextBase();
        f.floats.writeFloat(f.gray, f.srcWidth, f.srcHeight, f.floatBuffer, base, CLIP * f.plane, f.floatScratch);
        return f.floatBuffer;
    }

    /** uint8, three identical planes (normalization on the device). */
    @Benchmark
    public ByteBuffer writeBytes(Frame f) {
        int base = f.nextBase();
        f.bytes.writeBytes(f.gray, f.srcWidth, f.srcHeight, f.buffer, base, CLIP * f.plane, f.byteScratch);
        return f.buffer;
    }

    /**
     * W1's path since the decoder offers native planes: the same 112x112 frame as {@code writeFloat identity112}, but
     * from a native luma plane (as FFmpeg's frame holds it) into native batch memory, one palette lookup per channel
     * plane ({@link FrameTransform#writeFloat(BytePointer, int, int, BytePointer, long, long)}).
     */
    @State(Scope.Thread)
    public static class Plane {
        @Param({"slot", "batch"})
        public String dst = "slot";

        final Frame frame = new Frame();
        BytePointer gray;
        BytePointer memory;
        BytePointer view;

        @Setup(Level.Trial)
        public void setUp() {
            frame.shape = "identity112";
            frame.dst = dst;
            frame.setUp();
            gray = new BytePointer(frame.gray.length);
            gray.put(frame.gray);
            memory = new BytePointer(frame.buffer);
            view = new BytePointer(memory);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gray.close();
        }
    }

    /** RGB ImageNet-normalized float32 from a native plane (W1's output, as the pipeline now writes it). */
    @Benchmark
    public BytePointer writeFloatFromPlane(Plane p) {
        Frame f = p.frame;
        int base = f.nextBase();
        if (!f.floats.writeFloat(p.gray, f.srcWidth, f.srcHeight, p.view, base, CLIP * f.plane)) {
            throw new IllegalStateException("a 112x112 frame needs no resize");
        }
        return p.view;
    }

    /** Output bytes of one frame: 3 planes of height x width elements. */
    static long outputBytes(int height, int width, DType dtype) {
        return (long) CHANNELS * height * width * dtype.bytes();
    }
}
