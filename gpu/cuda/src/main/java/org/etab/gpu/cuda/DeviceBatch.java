package org.etab.gpu.cuda;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.SampleInfo;

/**
 * One batch on the device: the float32 normalized features in a ring slot's output buffer (and the uint8
 * upload they came from), plus the host batch's labels and sample infos.
 *
 * <p>Threading: the data is ready on the device only after {@link #ready()}: make your stream wait on it with
 * {@link #waitOn} (no host wait) or wait on the host with {@link #synchronize()}.
 *
 * <p>Ownership: the consumer owns it until {@link #close()}, which (1) marks the slot free on the device after
 * the work already issued to the stream given to {@link #waitOn} (or after the normalize kernel, if none was
 * given), so the next upload into the slot cannot overwrite data your kernels still read, (2) closes the host
 * batch once its copy has finished, (3) returns the slot to the ring. Idempotent. Do not use the pointers
 * after closing. Unclosed batches hold ring slots: the feeder then waits, warns, and fails.
 */
public final class DeviceBatch implements AutoCloseable {
    private final DeviceFeeder feeder;
    private final SlotRing.Slot slot;
    private final Batch host;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Device.Stream consumer;

    DeviceBatch(DeviceFeeder feeder, SlotRing.Slot slot, Batch host) {
        this.feeder = feeder;
        this.slot = slot;
        this.host = host;
    }

    /**
     * Position of this batch in its epoch.
     *
     * @return the host batch's index, from 0
     */
    public long index() {
        return host.index();
    }

    /**
     * Where a run resumed after this batch continues.
     *
     * @return the host batch's {@link Batch#nextPosition()}
     */
    public long nextPosition() {
        return host.nextPosition();
    }

    /**
     * Valid samples: the first {@code size()} of the {@link #capacity()} slots.
     *
     * @return at most {@code capacity()}
     */
    public int size() {
        return host.size();
    }

    /**
     * Slots in the buffers (the batch size; the leading dimension of {@link #shape()}).
     *
     * @return slots, {@code >= size()}
     */
    public int capacity() {
        return host.capacity();
    }

    /**
     * What each valid sample is (id, position in the epoch, valid frames), in slot order.
     *
     * @return the host batch's sample infos, {@code size()} of them
     */
    public List<SampleInfo> samples() {
        return host.samples();
    }

    /**
     * The labels, in host memory.
     *
     * @return the host batch's labels, valid until {@link #close()}
     * @throws IllegalStateException when this batch is closed
     */
    public HostTensor labels() {
        requireOpen();
        return host.labels();
    }

    /**
     * Device address of the float32 output, {@link #shape()}; slots {@code >= size()} are stale. Read it only on a
     * stream ordered after {@link #ready()} ({@link #waitOn}), and not after {@link #close()}.
     *
     * @return the output's device address
     * @throws IllegalStateException when this batch is closed
     */
    public long pointer() {
        requireOpen();
        return slot.output.address();
    }

    /**
     * The output buffer, as {@link #pointer()}.
     *
     * @return the slot's float32 output buffer, valid until {@link #close()}
     * @throws IllegalStateException when this batch is closed
     */
    public Device.Buffer output() {
        requireOpen();
        return slot.output;
    }

    /**
     * The output's element type.
     *
     * @return always {@link DType#FLOAT32}
     */
    public DType dtype() {
        return DType.FLOAT32;
    }

    /**
     * The output's shape, in the normalization's output layout.
     *
     * @return {@code [capacity, ...]}, a new array
     */
    public long[] shape() {
        return feeder.geometry().outputShape(capacity());
    }

    /**
     * Device address of the uint8 upload (input layout, {@link #inputShape()}), complete once {@link #ready()} is.
     *
     * @return the upload's device address
     * @throws IllegalStateException when this batch is closed
     */
    public long inputPointer() {
        requireOpen();
        return slot.input.address();
    }

    /**
     * The uint8 upload buffer, as {@link #inputPointer()}.
     *
     * @return the slot's upload buffer, valid until {@link #close()}
     * @throws IllegalStateException when this batch is closed
     */
    public Device.Buffer input() {
        requireOpen();
        return slot.input;
    }

    /**
     * The upload's shape, in the normalization's input layout.
     *
     * @return {@code [capacity, ...features spec]}, a new array
     */
    public long[] inputShape() {
        return feeder.geometry().inputShape(capacity());
    }

    /**
     * Recorded after the normalize kernel (and the zeroing of padding frames): the output is complete once it is
     * reached. Wait on it with {@link #waitOn} or {@link #synchronize()} rather than recording it.
     *
     * @return the slot's ready event
     */
    public Device.Event ready() {
        return slot.ready;
    }

    /**
     * The stream the kernel ran on, the feeder's; work issued to it runs after the output is complete.
     *
     * @return the feeder's kernel stream
     */
    public Device.Stream stream() {
        return feeder.kernelStream();
    }

    /**
     * Makes later work on {@code stream} wait for the output, without blocking the host, and makes {@link #close()}
     * free the slot only after the work issued to {@code stream} before the close. Call it from the consumer's
     * thread; the last stream given wins.
     *
     * @param stream the consumer's stream on this batch's device
     * @return this batch
     * @throws IllegalStateException when this batch is closed or the device reports an error
     */
    public DeviceBatch waitOn(Device.Stream stream) {
        requireOpen();
        feeder.device().waitEvent(stream, slot.ready);
        this.consumer = stream;
        return this;
    }

    /**
     * Blocks the calling thread until the output is complete.
     *
     * @return this batch
     * @throws IllegalStateException when this batch is closed or the device reports an error
     */
    public DeviceBatch synchronize() {
        requireOpen();
        feeder.device().synchronize(slot.ready);
        return this;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed.get();
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("device batch " + index() + " is closed; its ring slot is reused");
        }
    }

    /**
     * Hands the slot back as the class comment says; idempotent, callable from any thread.
     *
     * @throws IllegalStateException when the device reports an error (the host batch is closed and the slot
     *     returned all the same)
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            feeder.recycle(this, slot, host, consumer);
        }
    }

    @Override
    public String toString() {
        return "DeviceBatch[" + index() + ", " + size() + "/" + capacity() + ", slot " + slot.index + "]";
    }
}
