package org.etab.gpu.cuda;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.etab.batch.BoundedWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeder's ring of slots, allocated once: each a uint8 upload buffer, a float32 output buffer (4 bytes per
 * input byte) and five events. Slots are handed out round-robin (first freed, first taken), so a slot's previous
 * consumer has had the longest time to finish with it.
 *
 * <p>Threading: {@link #take()} is called by the upload thread only; {@link #giveBack} by whichever thread closes a
 * device batch; {@link #close()} by the feeder's owner.
 *
 * <p>Backpressure: {@link #take()} waits while every slot is out (held by a device batch), warning every
 * {@code warnAfter} and failing after {@code timeout} ({@link BoundedWait}). It has no early failure: a slow
 * consumer whose iterator queues device batches holds every slot as well as one that never closes them.
 *
 * <p>Ownership: a slot taken belongs to the taker (then to its device batch) until {@link #giveBack}. {@link
 * #close()} frees the free slots at once, after their last consumer's work on the device, and each slot still out
 * when it comes back.
 */
final class SlotRing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotRing.class);

    /**
     * One ring entry. Owned by one thread at a time (the upload thread, then the batch's consumer, handed over
     * through the free queue), so the timing fields need no lock.
     */
    static final class Slot {
        final int index;
        final Device.Buffer input;
        final Device.Buffer output;
        /** Timed: before the copy (copy stream), before the kernel (kernel stream). */
        final Device.Event copyStart;

        final Device.Event kernelStart;
        /** Timed: after the copy, after the kernel. */
        final Device.Event copied;

        final Device.Event ready;
        /** Untimed: the consumer is done with the slot. */
        final Device.Event released;
        /** The meters of the upload in flight here, when its events were recorded with timing. */
        FeederMetrics timed;
        /** The meters still owed this slot's last kernel time. */
        FeederMetrics kernelOwed;

        private Slot(int index, Device.Buffer input, Device.Buffer output, Device.Event[] events) {
            this.index = index;
            this.input = input;
            this.output = output;
            this.copyStart = events[0];
            this.kernelStart = events[1];
            this.copied = events[2];
            this.ready = events[3];
            this.released = events[4];
        }

        /** Records the copy time (the copy must be done) and the kernel time if the kernel is done too. */
        void readCopyTime(Device device) {
            FeederMetrics m = timed;
            if (m == null) {
                return;
            }
            timed = null;
            m.copyTook(device.elapsedMillis(copyStart, copied));
            kernelOwed = m;
            readKernelTime(device, false);
        }

        /** Records the kernel time owed for the last upload; waits for that kernel only if {@code mayWait}. */
        void readKernelTime(Device device, boolean mayWait) {
            FeederMetrics m = kernelOwed;
            if (m == null) {
                return;
            }
            if (!device.isComplete(ready)) {
                if (!mayWait) {
                    return;
                }
                device.synchronize(ready);
            }
            kernelOwed = null;
            m.kernelTook(device.elapsedMillis(kernelStart, ready));
        }
    }

    private final Device device;
    private final List<Slot> slots = new ArrayList<>();
    private final BlockingQueue<Slot> free;
    private final BoundedWait wait;
    private final BoundedWait.Subject waiter = new Waiter();
    private boolean closed; // guarded by this
    private int freed; // guarded by this

    /** Allocates {@code size} slots for uploads of up to {@code inputBytes}; frees what it got if one fails. */
    SlotRing(Device device, int size, long inputBytes, BoundedWait wait) {
        this.device = device;
        this.wait = wait;
        this.free = new ArrayBlockingQueue<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Slot s = allocate(i, inputBytes);
                slots.add(s);
                free.add(s);
            }
        } catch (RuntimeException | Error e) {
            slots.forEach(this::free);
            throw e;
        }
    }

    private Slot allocate(int index, long inputBytes) {
        Device.Buffer in = null;
        Device.Buffer out = null;
        Device.Event[] events = new Device.Event[5];
        try {
            in = device.malloc(inputBytes);
            out = device.malloc(inputBytes * 4);
            for (int i = 0; i < 4; i++) {
                events[i] = device.newTimedEvent();
            }
            events[4] = device.newEvent();
            return new Slot(index, in, out, events);
        } catch (RuntimeException | Error e) {
            try {
                for (Device.Event ev : events) {
                    if (ev != null) {
                        device.destroy(ev);
                    }
                }
                if (out != null) {
                    device.free(out);
                }
                if (in != null) {
                    device.free(in);
                }
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** The next free slot, waiting within the ring's bounds when every slot is out. */
    Slot take() {
        return wait.take(free, waiter);
    }

    /** Returns a slot: to the free queue, or, once the ring is closed, to the device. */
    void giveBack(Slot slot) {
        synchronized (this) {
            if (!closed) {
                free.add(slot); // under the lock, so that close() either sees it here or it sees closed
                return;
            }
            try {
                device.synchronize(slot.released); // about to be freed: its consumer's work must be done
            } catch (RuntimeException e) {
                LOG.warn("cannot wait for the last consumer of ring slot {}: {}", slot.index, e.toString());
            }
            settle(slot);
            free(slot);
            freed++;
        }
    }

    int size() {
        return slots.size();
    }

    int free() {
        return free.size();
    }

    /** Slots whose device memory has been freed (all of them after close, once every batch is back). */
    synchronized int freed() {
        return freed;
    }

    /**
     * Frees the free slots, each after its last consumer's work ({@code released}); slots still out are freed as
     * they come back. Call after the feeder's streams are synchronized. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Slot s;
        while ((s = free.poll()) != null) {
            device.synchronize(s.released);
            settle(s);
            free(s);
            freed++;
        }
    }

    /** Before a slot is freed: its owed kernel time, if it can be read (a failure here must not keep memory). */
    private void settle(Slot slot) {
        try {
            slot.readKernelTime(device, true);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the kernel time of ring slot {}: {}", slot.index, e.toString());
        }
    }

    private void free(Slot s) {
        device.free(s.input);
        device.free(s.output);
        device.destroy(s.copyStart);
        device.destroy(s.kernelStart);
        device.destroy(s.copied);
        device.destroy(s.ready);
        device.destroy(s.released);
    }

    /** What a waiting upload checks, logs and throws. */
    private final class Waiter implements BoundedWait.Subject {
        @Override
        public void check() {
            synchronized (SlotRing.this) {
                if (closed) {
                    throw new IllegalStateException("device feeder closed while waiting for a ring slot");
                }
            }
        }

        @Override
        public void warn(Duration waited) {
            LOG.warn(
                    "all {} device ring slots have been out for {} ms: is every DeviceBatch closed after use?",
                    slots.size(),
                    waited.toMillis());
        }

        @Override
        public RuntimeException failure(Duration waited, String stuck) {
            return new IllegalStateException("no device ring slot came back within " + wait.timeout() + ": all "
                    + slots.size() + " are held by the consumer. Close each DeviceBatch when done with it "
                    + "(try-with-resources), or raise consumerHeld if the consumer really holds that many.");
        }
    }
}
