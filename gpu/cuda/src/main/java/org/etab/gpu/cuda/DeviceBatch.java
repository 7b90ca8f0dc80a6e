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

    /** Position of this batch in its epoch. */
    public long index() {
        return host.index();
    }

    /** Where a run resumed after this batch continues: the host batch's {@link Batch#nextPosition()}. */
    public long nextPosition() {
        return host.nextPosition();
    }

    /** Valid samples (the first {@code size()} of {@link #capacity()}). */
    public int size() {
        return host.size();
    }

    public int capacity() {
        return host.capacity();
    }

    public List<SampleInfo> samples() {
        return host.samples();
    }

    /** The labels, in host memory (valid until close). */
    public HostTensor labels() {
        requireOpen();
        return host.labels();
    }

    /** Device address of the float32 output, {@link #shape()}; slots {@code >= size()} are stale. */
    public long pointer() {
        requireOpen();
        return slot.output.address();
    }

    /** The output buffer. */
    public Device.Buffer output() {
        requireOpen();
        return slot.output;
    }

    public DType dtype() {
        return DType.FLOAT32;
    }

    /** {@code [capacity, ...]} of the output, in the normalization's output layout. */
    public long[] shape() {
        return feeder.geometry().outputShape(capacity());
    }

    /** Device address of the uint8 upload (input layout, {@link #inputShape()}). */
    public long inputPointer() {
        requireOpen();
        return slot.input.address();
    }

    /** The uint8 upload buffer. */
    public Device.Buffer input() {
        requireOpen();
        return slot.input;
    }

    public long[] inputShape() {
        return feeder.geometry().inputShape(capacity());
    }

    /** Recorded after the normalize kernel: the output is complete once it is reached. */
    public Device.Event ready() {
        return slot.ready;
    }

    /** The stream the kernel ran on. */
    public Device.Stream stream() {
        return feeder.kernelStream();
    }

    /** Makes later work on {@code stream} wait for the output, without blocking the host. */
    public DeviceBatch waitOn(Device.Stream stream) {
        requireOpen();
        feeder.device().waitEvent(stream, slot.ready);
        this.consumer = stream;
        return this;
    }

    /** Blocks the calling thread until the output is complete. */
    public DeviceBatch synchronize() {
        requireOpen();
        feeder.device().synchronize(slot.ready);
        return this;
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("device batch " + index() + " is closed; its ring slot is reused");
        }
    }

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
