package org.etab.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FrameTransform} of one gray frame into a clip slot of a direct (native-order) buffer, the way a pipeline
 * worker writes each decoded frame: frame t of a 32-frame {@code [3, 32, H, W]} slot, t cycling over the clip, so
 * the writes go where the pipeline's go (three planes 32 frames apart), not into one cache-hot frame.
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
    static final int CHANNELS = 3;

    @State(Scope.Thread)
    public static class Frame {
        @Param({"identity112", "up112to224", "down600x800to224"})
        public String shape;

        int srcHeight;
        int srcWidth;
        int height;
        int width;
        byte[] gray;
        FrameTransform floats;
        FrameTransform bytes;
        FrameTransform.Scratch floatScratch;
        FrameTransform.Scratch byteScratch;
        ByteBuffer slot;
        FloatBuffer floatSlot;
        int plane;
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
            slot = ByteBuffer.allocateDirect(CHANNELS * CLIP * plane * Float.BYTES).order(ByteOrder.nativeOrder());
            floatSlot = slot.asFloatBuffer();
        }

        private void size(int sh, int sw, int h, int w) {
            srcHeight = sh;
            srcWidth = sw;
            height = h;
            width = w;
        }

        /** The next clip position (0..31). */
        int nextT() {
            int k = t;
            t = (k + 1) % CLIP;
            return k;
        }
    }

    /** RGB ImageNet-normalized float32 (W1's output). */
    @Benchmark
    public FloatBuffer writeFloat(Frame f) {
        int t = f.nextT();
        f.floats.writeFloat(f.gray, f.srcWidth, f.srcHeight, f.floatSlot, t * f.plane, CLIP * f.plane, f.floatScratch);
        return f.floatSlot;
    }

    /** uint8, three identical planes (normalization on the device). */
    @Benchmark
    public ByteBuffer writeBytes(Frame f) {
        int t = f.nextT();
        f.bytes.writeBytes(f.gray, f.srcWidth, f.srcHeight, f.slot, t * f.plane, CLIP * f.plane, f.byteScratch);
        return f.slot;
    }

    /** Output bytes of one frame: 3 planes of height x width elements. */
    static long outputBytes(int height, int width, DType dtype) {
        return (long) CHANNELS * height * width * dtype.bytes();
    }
}
