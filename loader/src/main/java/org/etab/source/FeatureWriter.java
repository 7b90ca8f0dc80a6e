package org.etab.source;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.TensorSpec;
import org.etab.decode.GrayFrameSink;
import org.etab.transform.FrameTransform;

/**
 * Writes a sample's frames into its batch slot: {@code [C, T, H, W]} or {@code [T, C, H, W]} ({@link ClipLayout})
 * for a clip of {@code T} positions, {@code [C, H, W]} for a still (one position), each frame in one
 * {@link FrameTransform} pass (resize, gray to channels, normalize) as float32 or uint8, and clip positions without
 * a frame as zero frames. The layouts differ only in two strides: where frame {@code t} starts and how far apart
 * its channel planes are.
 *
 * <p>Threading: immutable and shared by a source's workers; each worker writes through its own {@link Sink}.
 */
public final class FeatureWriter {
    private final FrameTransform transform;
    private final TensorSpec spec;
    /** Elements from one clip position's first plane to the next's. */
    private final int frameStride;
    /** Elements from one channel plane of a frame to the next. */
    private final int channelStride;
    /** Clip positions per sample (1 for a still). */
    private final int positions;

    FeatureWriter(SampleOptions options, int height, int width) {
        this.transform = new FrameTransform(
                height, width, options.channels(), options.normalize(), options.dtype(), options.resampling());
        this.spec = options.featureSpec(height, width);
        this.positions = options.clip().video() ? options.clip().clipLength() : 1;
        int plane = height * width;
        boolean framesFirst = options.clip().video() && options.layout() == ClipLayout.TCHW;
        this.frameStride = framesFirst ? options.channels() * plane : plane;
        this.channelStride = framesFirst ? plane : positions * plane;
    }

    /** One sample's feature tensor. */
    TensorSpec spec() {
        return spec;
    }

    /**
     * A sink for one worker, with its own scratch memory; make one per worker, not per sample.
     *
     * @return a new sink, confined to one thread at a time
     */
    public Sink newSink() {
        return new Sink();
    }

    /**
     * One worker's way into batch slots: {@link #at} points it at a slot, then each frame given to
     * {@link #accept} (by a decoder, or by hand) lands at its clip position and {@link #padFrom} zeroes the
     * positions that got none. Reused for every sample, so writing allocates nothing once the worker has seen its
     * batch buffers.
     *
     * <p>Threading: confined to one thread at a time, like the worker that owns it.
     */
    public final class Sink implements GrayFrameSink {
        private final FrameTransform.Scratch scratch = transform.newScratch();
        /** The batch tensor last written and its views, kept while samples go to the same batch. */
        private HostTensor tensor;

        private ByteBuffer bytes;
        private FloatBuffer floats;
        /** A view of the tensor's memory whose position this sink's native writes move. */
        private BytePointer memory;

        private int base;

        private Sink() {}

        /**
         * Points this sink at a slot; call before the sample's first frame.
         *
         * @param buffers the batch buffers being filled
         * @param slot    the slot, {@code 0 <= slot < batch size}
         * @return this sink
         */
        public Sink at(BatchPool.Buffers buffers, int slot) {
            HostTensor t = buffers.features();
            if (t != tensor) {
                tensor = t;
                bytes = t.buffer();
                floats = transform.dtype() == DType.FLOAT32 ? bytes.asFloatBuffer() : null;
                memory = new BytePointer(t.pointer());
            }
            base = (int) (slot * spec.elements());
            return this;
        }

        /**
         * Writes a gray frame, transformed, as one clip position of the current slot.
         *
         * @param position the clip position, {@code 0 <= position < clip length} (0 for a still)
         * @param gray     the frame, row-major, {@code width * height} bytes; not kept
         * @param width    the frame's columns at the source size
         * @param height   the frame's rows at the source size
         */
        @Override
        public void accept(int position, byte[] gray, int width, int height) {
            int at = base + position * frameStride;
            if (floats != null) {
                transform.writeFloat(gray, width, height, floats, at, channelStride, scratch);
            } else {
                transform.writeBytes(gray, width, height, bytes, at, channelStride, scratch);
            }
        }

        /**
         * Writes a native gray frame, transformed, as one clip position of the current slot, when it needs no
         * resize (one native pass per channel plane, bit for bit what {@link #accept} writes).
         *
         * @param position the clip position, {@code 0 <= position < clip length} (0 for a still)
         * @param gray     the frame, row-major, {@code width * height} bytes; not kept, position not moved
         * @param width    the frame's columns at the source size
         * @param height   the frame's rows at the source size
         * @return false when the frame needs a resize: give it to {@link #accept} instead
         */
        @Override
        public boolean acceptPlane(int position, BytePointer gray, int width, int height) {
            long at = base + (long) position * frameStride;
            return floats != null
                    ? transform.writeFloat(gray, width, height, memory, at, channelStride)
                    : transform.writeBytes(gray, width, height, memory, at, channelStride);
        }

        /**
         * Writes zero frames (zero in output space, i.e. after normalization) at the clip positions no frame
         * reached, so that no stale data from an earlier batch stays in the slot.
         *
         * @param valid the first position to zero: the count of frames written
         */
        public void padFrom(int valid) {
            for (int t = valid; t < positions; t++) {
                if (floats != null) {
                    transform.writeZeros(floats, base + t * frameStride, channelStride);
                } else {
                    transform.writeZeros(bytes, base + t * frameStride, channelStride);
                }
            }
        }
    }
}
