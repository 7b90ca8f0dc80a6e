package org.etab.gpu.cuda;

import org.etab.batch.Batch;
import org.etab.batch.TensorSpec;

/**
 * The feeder's two streams and what one batch enqueues on them, with no host wait: on the copy stream, wait for
 * the slot's previous consumer ({@code released}), copy the valid samples' uint8 pixels, record {@code copied}; on
 * the kernel stream, wait for {@code copied}, normalize into the slot's float32 buffer, zero the padding frames
 * ({@link PaddingGeometry}), record {@code ready}. Two streams let the copy of batch k+1 overlap the kernel of
 * batch k. With meters, timed events bracket the copy and the kernel ({@code copyStart}, {@code kernelStart}).
 *
 * <p>Threading: {@link #enqueue} runs on the feeder's upload thread; {@link #release} on the thread that closes a
 * device batch; {@link #close()} on the feeder's owner's. Backpressure: none here; the ring bounds the slots.
 * Ownership: the streams are created here and destroyed by {@link #close()}; slots and host batches belong to the
 * caller, who must not free a host batch before its copy is done ({@link #release} waits for that).
 */
final class UploadStreams implements AutoCloseable {
    private final Device device;
    private final TensorSpec features;
    private final Normalization normalization;
    private final PaddingGeometry geometry;
    private final Device.Stream copy;
    private final Device.Stream kernel;
    /** Set once the feeder closes: the kernel stream takes no more work. */
    private volatile boolean closing;

    private boolean destroyed;

    UploadStreams(Device device, TensorSpec features, Normalization normalization) {
        this.device = device;
        this.features = features;
        this.normalization = normalization;
        this.geometry = new PaddingGeometry(features, normalization);
        this.copy = device.newStream();
        try {
            this.kernel = device.newStream();
        } catch (RuntimeException | Error e) {
            device.destroy(copy);
            throw e;
        }
    }

    PaddingGeometry geometry() {
        return geometry;
    }

    /** The stream the kernel (and the padding) runs on. */
    Device.Stream kernel() {
        return kernel;
    }

    /**
     * Enqueues the upload and normalization of {@code host} into {@code slot}; with {@code meters}, records the
     * timed events and the bytes, and leaves the slot owing its times to them. On failure, waits for the copy
     * stream (the copy may still read the host batch) and throws.
     */
    void enqueue(SlotRing.Slot slot, Batch host, FeederMetrics meters) {
        try {
            slot.readKernelTime(device, true); // before the slot's events are recorded again
            long bytes = geometry.inputBytes(host.size());
            device.waitEvent(copy, slot.released);
            if (meters != null) {
                device.record(slot.copyStart, copy);
            }
            device.copyToDevice(host.features().pointer(), slot.input, bytes, copy);
            if (meters != null) {
                meters.enqueued(bytes);
            }
            device.record(slot.copied, copy);
            device.waitEvent(kernel, slot.copied);
            if (meters != null) {
                device.record(slot.kernelStart, kernel);
            }
            // a [T, C, H, W] clip is T kernel samples of [C, H, W]
            device.normalize(
                    slot.input,
                    slot.output,
                    host.size() * geometry.unitsPerSample(),
                    normalization.spatial(features),
                    normalization,
                    kernel);
            for (PaddingGeometry.Range r : geometry.padding(host.samples())) {
                device.fill(slot.output, r.offset(), 0, r.bytes(), kernel);
            }
            device.record(slot.ready, kernel);
            slot.timed = meters;
        } catch (RuntimeException | Error e) {
            drainCopies(e);
            throw e;
        }
    }

    /**
     * The consumer is done with {@code slot}: marks it released after the work issued to {@code consumer} (or, when
     * null, after the kernel), waits on the host for its copy (normally long done: the consumer waited for ready),
     * so that its host batch may be closed, and reads its device times. On failure, waits for the copy stream and
     * throws.
     */
    void release(SlotRing.Slot slot, Device.Stream consumer) {
        try {
            if (consumer != null) {
                device.record(slot.released, consumer);
            } else if (!closing) {
                device.record(slot.released, kernel);
            }
            device.synchronize(slot.copied);
            slot.readCopyTime(device);
        } catch (RuntimeException e) {
            drainCopies(e);
            throw e;
        }
    }

    private void drainCopies(Throwable failure) {
        try {
            device.synchronize(copy);
        } catch (RuntimeException again) {
            failure.addSuppressed(again);
        }
    }

    /** Waits for both streams. Call before the slots are freed; then {@link #close()}. */
    void synchronize() {
        closing = true;
        device.synchronize(copy);
        device.synchronize(kernel);
    }

    /** Destroys the streams. Idempotent. */
    @Override
    public synchronized void close() {
        closing = true;
        if (destroyed) {
            return;
        }
        destroyed = true;
        device.destroy(copy);
        device.destroy(kernel);
    }
}
