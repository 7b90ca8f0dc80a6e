package org.etab.gpu.cuda;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Turns host batches ({@code Flux<Batch>}, uint8, ideally in pinned memory from {@link PinnedAllocator}) into
 * device batches ({@code Flux<DeviceBatch>}, float32 normalized on the device).
 *
 * <p>Per batch, with no host wait: on the copy stream, wait for the slot's previous consumer ({@code released}
 * event), copy the uint8 pixels ({@code cudaMemcpyAsync}), record {@code copied}; on the kernel stream, wait
 * for {@code copied}, run the normalize kernel into the slot's float32 buffer, record {@code ready}. The
 * consumer waits on {@code ready}; its {@link DeviceBatch#close()} records {@code released} on its stream. Two
 * streams let the copy of batch k+1 overlap the kernel of batch k.
 *
 * <p>Timing (once {@link #bindTo bound}): timed events just before the copy and the kernel, with
 * {@code copied}/{@code ready} as end points, give the device time of each; they are read when the batch comes
 * back ({@link DeviceBatch#close()}), when the copy is known to be done; a kernel not yet done then is read
 * when its slot is next taken (the new copy would wait for it on the device anyway) or at {@link #close()}.
 *
 * <p>Threading: uploads are issued on the feeder's own upload thread ({@code etab-upload}); they only enqueue
 * work, unless every ring slot is taken, and then only that thread waits: never a decode thread, never the
 * consumer's thread (which must stay free to close the batches that free the slots, whatever its iterator queues).
 * Items are delivered on the upload thread or on the consumer's requesting thread.
 *
 * <p>Backpressure: {@code prefetch} device batches are uploaded ahead of the consumer's demand, and host
 * batches are requested only as those are taken. Memory in flight is one number: the ring holds
 * {@link #slots()} = {@code prefetch + consumerHeld + 1} slots (one uint8 + one float32 buffer each, allocated
 * once when the feeder is built). A consumer that keeps more than {@code consumerHeld} batches open stalls the
 * upload with a warning every {@code warnAfter}, then an error after {@code timeout}; it never grows a queue.
 * Each open device batch also holds its host batch, and the upload thread holds up to two more (one waiting for
 * a slot, one queued): give the pipeline {@code consumerHeld >= slots() + 2} ({@link
 * FeederRecipe#pipelineOptions}).
 *
 * <p>Ownership: a delivered {@link DeviceBatch} belongs to the consumer until closed. Device batches
 * discarded on cancel or error are closed here; a host batch whose upload fails is closed here. {@link
 * #close()} frees the ring once every slot is back (slots still out are freed as they come back).
 */
public final class DeviceFeeder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceFeeder.class);

    /**
     * @param prefetch      device batches uploaded ahead of demand (default 2)
     * @param consumerHeld  device batches the consumer may hold open at once (default 1)
     * @param normalization what the kernel computes
     * @param warnAfter     warn when no ring slot has come back for this long
     * @param timeout       fail when no ring slot has come back for this long
     */
    public record Options(int prefetch, int consumerHeld, Normalization normalization, Duration warnAfter,
            Duration timeout) {
        public Options {
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch >= 1 required but was " + prefetch);
            }
            if (consumerHeld < 1) {
                throw new IllegalArgumentException("consumerHeld >= 1 required but was " + consumerHeld);
            }
            if (warnAfter.isNegative() || warnAfter.isZero() || timeout.compareTo(warnAfter) < 0) {
                throw new IllegalArgumentException("0 < warnAfter <= timeout required but were " + warnAfter
                        + " and " + timeout);
            }
        }

        /** Prefetch 2, one batch held, ImageNet channels first, warn after 30 s, fail after 10 min. */
        public static Options defaults() {
            return new Options(2, 1, Normalization.imagenet(), Duration.ofSeconds(30), Duration.ofMinutes(10));
        }

        /** Ring slots a feeder with these options allocates: {@code prefetch + consumerHeld + 1}. */
        public int slots() {
            return prefetch + consumerHeld + 1;
        }

        public Options withPrefetch(int n) {
            return new Options(n, consumerHeld, normalization, warnAfter, timeout);
        }

        public Options withConsumerHeld(int n) {
            return new Options(prefetch, n, normalization, warnAfter, timeout);
        }

        public Options withNormalization(Normalization n) {
            return new Options(prefetch, consumerHeld, n, warnAfter, timeout);
        }

        public Options withTimeouts(Duration warn, Duration fail) {
            return new Options(prefetch, consumerHeld, normalization, warn, fail);
        }
    }

    /**
     * One ring entry: buffers and events allocated once. Owned by one thread at a time (the uploading thread,
     * then the batch's consumer, handed over through the free queue), so the timing fields need no lock.
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
        /** The meters of the upload in flight in this slot, when its events were recorded with timing. */
        Meters timed;
        /** The meters still owed this slot's last kernel time. */
        Meters kernelOwed;

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

        /** Allocates a slot's buffers and events; frees what it got if an allocation fails. */
        static Slot allocate(int index, Device device, long inputBytes) {
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
    }

    /** The meters of {@link #bindTo}. */
    private record Meters(Counter bytes, Timer slotWait, Timer upload, Timer normalize) {
    }

    private final Device device;
    /** Issues every upload; the only thread that waits for a ring slot. */
    private final reactor.core.scheduler.Scheduler uploader = reactor.core.scheduler.Schedulers.newSingle("etab-upload", true);
    private volatile Meters meters;
    private final TensorSpec features;
    private final int batchSize;
    private final Options options;
    private final Device.Stream copyStream;
    private final Device.Stream kernelStream;
    private final List<Slot> ring = new ArrayList<>();
    private final BlockingQueue<Slot> free;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.Set<DeviceBatch> out = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int freed;

    /**
     * Allocates the ring for batches of {@code batchSize} samples of {@code features} (uint8) on {@code device}.
     */
    public DeviceFeeder(Device device, TensorSpec features, int batchSize, Options options) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize >= 1 required but was " + batchSize);
        }
        options.normalization().check(features);
        this.device = device;
        this.features = features;
        this.batchSize = batchSize;
        this.options = options;
        int slots = options.slots();
        this.free = new ArrayBlockingQueue<>(slots);
        Device.Stream cs = null;
        Device.Stream ks = null;
        try {
            cs = device.newStream();
            ks = device.newStream();
            long in = features.bytes() * batchSize;
            for (int i = 0; i < slots; i++) {
                Slot s = Slot.allocate(i, device, in);
                ring.add(s);
                free.add(s);
            }
        } catch (RuntimeException | Error e) {
            ring.forEach(this::freeSlot);
            if (cs != null) {
                device.destroy(cs);
            }
            if (ks != null) {
                device.destroy(ks);
            }
            throw e;
        }
        this.copyStream = cs;
        this.kernelStream = ks;
    }

    /**
     * The device batches of {@code batches}, in order. Cold: each subscription streams its source again through
     * the same ring.
     */
    public Flux<DeviceBatch> feed(Flux<Batch> batches) {
        return batches.publishOn(uploader, 1)
                .doOnDiscard(Batch.class, Batch::close) // below publishOn, so that its queue is covered too
                .map(this::upload)
                .limitRate(options.prefetch())
                .doOnDiscard(DeviceBatch.class, DeviceBatch::close);
    }

    /**
     * Registers this feeder's meters, tagged {@code dataset} and {@code device=cuda}: {@code etab.upload.bytes}
     * (pixels enqueued for upload), {@code etab.upload.wait} (host time an upload waited for a free ring slot: the
     * consumer holding device batches), {@code etab.upload.duration} (device time of each host-to-device copy)
     * and {@code etab.normalize.duration} (device time of each normalize kernel). Uploads issued before this
     * call are not timed. Returns this feeder.
     */
    public DeviceFeeder bindTo(MeterRegistry registry, String dataset) {
        Tags tags = Tags.of("dataset", dataset, "device", "cuda");
        this.meters = new Meters(
                Counter.builder("etab.upload.bytes").description("Bytes enqueued for upload to the device")
                        .baseUnit("bytes").tags(tags).register(registry),
                Timer.builder("etab.upload.wait").description("Time an upload waited for a free ring slot")
                        .tags(tags).publishPercentiles(0.5, 0.99).register(registry),
                Timer.builder("etab.upload.duration").description("Device time of one batch's host-to-device copy")
                        .tags(tags).publishPercentiles(0.5, 0.99).register(registry),
                Timer.builder("etab.normalize.duration").description("Device time of one batch's normalize kernel")
                        .tags(tags).publishPercentiles(0.5, 0.99).register(registry));
        return this;
    }

    /** Ring slots (prefetch + consumerHeld + 1). */
    public int slots() {
        return ring.size();
    }

    /** Device batches delivered or queued and not yet closed. */
    public int open() {
        return out.size();
    }

    /** Ring slots not held by a device batch. */
    public int freeSlots() {
        return free.size();
    }

    public Options options() {
        return options;
    }

    Device device() {
        return device;
    }

    Device.Stream kernelStream() {
        return kernelStream;
    }

    /** The copy stream (for tests and the GPU check). */
    Device.Stream copyStream() {
        return copyStream;
    }

    long[] inputShape(int capacity) {
        return features.batchShape(capacity);
    }

    long[] outputShape(int capacity) {
        return new TensorSpec(features.dtype(), options.normalization().outputShape(features)).batchShape(capacity);
    }

    DeviceBatch upload(Batch host) {
        Slot slot;
        try {
            if (closed.get()) {
                throw new IllegalStateException("device feeder is closed");
            }
            if (!host.features().spec().equals(features) || host.capacity() > batchSize) {
                throw new IllegalArgumentException("this feeder takes batches of up to " + batchSize + " x "
                        + features + " but got " + host.capacity() + " x " + host.features().spec());
            }
            long t0 = System.nanoTime();
            slot = acquire();
            Meters m = meters;
            if (m != null) {
                m.slotWait().record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
        try {
            readKernelTime(slot, true); // before the slot's events are recorded again
            Meters m = meters;
            long bytes = features.bytes() * host.size();
            device.waitEvent(copyStream, slot.released);
            if (m != null) {
                device.record(slot.copyStart, copyStream);
            }
            device.copyToDevice(host.features().pointer(), slot.input, bytes, copyStream);
            if (m != null) {
                m.bytes().increment(bytes);
            }
            device.record(slot.copied, copyStream);
            device.waitEvent(kernelStream, slot.copied);
            if (m != null) {
                device.record(slot.kernelStart, kernelStream);
            }
            device.normalize(slot.input, slot.output, host.size(), options.normalization().spatial(features),
                    options.normalization(), kernelStream);
            zeroPadding(host, slot.output);
            device.record(slot.ready, kernelStream);
            slot.timed = m;
            DeviceBatch db = new DeviceBatch(this, slot, host);
            out.add(db);
            return db;
        } catch (RuntimeException | Error e) {
            try {
                device.synchronize(copyStream); // the copy may still read the host batch
            } catch (RuntimeException ignored) {
                e.addSuppressed(ignored);
            }
            host.close();
            giveBack(slot);
            throw e;
        }
    }

    /**
     * Sets the padding frames of short clips to 0 in the float output, as the host pipeline writes them: the
     * kernel has turned their zero bytes into {@code -mean/std}. One memset per channel of a padded sample
     * (channels first), or one per padded sample (channels last), on the kernel stream after the kernel.
     */
    private void zeroPadding(Batch host, Device.Buffer output) {
        int[] shape = options.normalization().outputShape(features);
        if (shape.length != 4) {
            return; // single frames: nothing is ever padding
        }
        boolean channelsFirst = options.normalization().output() == Normalization.Layout.CHANNELS_FIRST;
        int channels = options.normalization().channels();
        int frames = channelsFirst ? shape[1] : shape[0];
        // one frame: [H, W] of one channel ([C, T, H, W]), or [H, W, C] ([T, H, W, C])
        long frameFloats = channelsFirst ? (long) shape[2] * shape[3] : (long) shape[1] * shape[2] * shape[3];
        for (int i = 0; i < host.size(); i++) {
            SampleInfo info = host.samples().get(i);
            int valid = info.validFrames();
            if (!info.padded() || valid >= frames) {
                continue;
            }
            long padFloats = (frames - valid) * frameFloats;
            if (channelsFirst) {
                for (int c = 0; c < channels; c++) {
                    long first = (((long) i * channels + c) * frames + valid) * frameFloats;
                    device.fill(output, 4 * first, 0, 4 * padFloats, kernelStream);
                }
            } else {
                long first = ((long) i * frames + valid) * frameFloats;
                device.fill(output, 4 * first, 0, 4 * padFloats, kernelStream);
            }
        }
    }

    private Slot acquire() {
        Slot s = free.poll();
        if (s != null) {
            return s;
        }
        long waited = 0;
        long step = Math.max(1, options.warnAfter().toMillis());
        long limit = options.timeout().toMillis();
        try {
            while (waited < limit) {
                s = free.poll(Math.min(step, limit - waited), TimeUnit.MILLISECONDS);
                if (s != null) {
                    return s;
                }
                if (closed.get()) {
                    throw new IllegalStateException("device feeder closed while waiting for a ring slot");
                }
                waited += Math.min(step, limit - waited);
                LOG.warn("all {} device ring slots have been out for {} ms: is every DeviceBatch closed after use?",
                        ring.size(), waited);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a device ring slot", e);
        }
        throw new IllegalStateException("no device ring slot came back within " + options.timeout() + ": all "
                + ring.size() + " are held by the consumer. Close each DeviceBatch when done with it "
                + "(try-with-resources), or raise consumerHeld if the consumer really holds that many.");
    }

    /** Called once per device batch by {@link DeviceBatch#close()}. */
    void recycle(DeviceBatch batch, Slot slot, Batch host, Device.Stream consumer) {
        out.remove(batch);
        RuntimeException failure = null;
        try {
            if (consumer != null) {
                device.record(slot.released, consumer);
            } else if (!closed.get()) {
                device.record(slot.released, kernelStream);
            }
            device.synchronize(slot.copied); // normally long done: the consumer waited for ready
            if (closed.get()) {
                device.synchronize(slot.released); // about to be freed: the consumer's work must be done
            }
            readCopyTime(slot);
        } catch (RuntimeException e) {
            failure = e;
            try {
                device.synchronize(copyStream);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
        } finally {
            host.close();
            giveBack(slot);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Records the slot's copy time (the copy is done) and its kernel time if the kernel is done too. */
    private void readCopyTime(Slot slot) {
        Meters m = slot.timed;
        if (m == null) {
            return;
        }
        slot.timed = null;
        m.upload().record(nanos(device.elapsedMillis(slot.copyStart, slot.copied)), TimeUnit.NANOSECONDS);
        slot.kernelOwed = m;
        readKernelTime(slot, false);
    }

    /** Records the kernel time owed for the slot's last upload; waits for that kernel only if {@code mayWait}. */
    private void readKernelTime(Slot slot, boolean mayWait) {
        Meters m = slot.kernelOwed;
        if (m == null) {
            return;
        }
        if (!device.isComplete(slot.ready)) {
            if (!mayWait) {
                return;
            }
            device.synchronize(slot.ready);
        }
        slot.kernelOwed = null;
        m.normalize().record(nanos(device.elapsedMillis(slot.kernelStart, slot.ready)), TimeUnit.NANOSECONDS);
    }

    /** Before a slot is freed: its owed kernel time, if it can be read (a failure here must not keep memory). */
    private void lastKernelTime(Slot slot) {
        try {
            readKernelTime(slot, true);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the kernel time of ring slot {}: {}", slot.index, e.toString());
        }
    }

    private static long nanos(float millis) {
        return Math.round(millis * 1e6);
    }

    private void giveBack(Slot slot) {
        synchronized (this) {
            if (closed.get()) {
                lastKernelTime(slot);
                freeSlot(slot);
                freed++;
                return;
            }
        }
        free.add(slot);
    }

    private void freeSlot(Slot s) {
        device.free(s.input);
        device.free(s.output);
        device.destroy(s.copyStart);
        device.destroy(s.kernelStart);
        device.destroy(s.copied);
        device.destroy(s.ready);
        device.destroy(s.released);
    }

    /**
     * Waits for the streams, closes the device batches still out (a stream that ended in an error can leave one
     * in a downstream queue, e.g. {@code toIterable}'s, where nobody can reach it), and frees the ring.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!out.isEmpty() && !closed.get()) {
            LOG.warn("closing the device feeder with {} device batches still open: closing them now", out.size());
            List.copyOf(out).forEach(DeviceBatch::close);
        }
        synchronized (this) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            device.synchronize(copyStream);
            device.synchronize(kernelStream);
            Slot s;
            while ((s = free.poll()) != null) {
                device.synchronize(s.released);
                lastKernelTime(s);
                freeSlot(s);
                freed++;
            }
            device.destroy(copyStream);
            device.destroy(kernelStream);
            uploader.dispose();
        }
    }

    /** Slots whose device memory has been freed (all of them after close, once every batch is back). */
    synchronized int freedSlots() {
        return freed;
    }
}
