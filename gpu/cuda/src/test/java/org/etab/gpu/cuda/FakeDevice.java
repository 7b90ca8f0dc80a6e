package org.etab.gpu.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import org.bytedeco.javacpp.BytePointer;

/**
 * A device whose streams are single-thread executors: work really runs asynchronously, with random delays so
 * that missing waits show up as wrong data, and with CUDA's event semantics (a wait captures the event's last
 * record; an event never recorded is complete). Records violations instead of throwing on the stream threads.
 *
 * <p>Device time is simulated, apart from the real delays: each stream has a clock in milliseconds that a copy
 * to the device advances by {@link #copyMillisPerByte} per byte and a normalize by
 * {@link #normalizeMillisPerElement} per element (other work takes no time); waiting on an event moves the
 * clock to the event's time if later. Timed events record their stream's clock, so {@link #elapsedMillis}
 * returns exactly what was simulated. Public (with accessors) for the bench module's tests.
 */
public final class FakeDevice implements Device {
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger buffers = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();
    final AtomicInteger events = new AtomicInteger();
    final AtomicInteger pinned = new AtomicInteger();
    final AtomicInteger copies = new AtomicInteger();
    final Set<Long> pinnedLive = ConcurrentHashMap.newKeySet();
    final AtomicLong maxDelayMicros = new AtomicLong(300);
    /** Says whether host memory at an address may still be read (a copy from freed/closed memory is a bug). */
    volatile LongPredicate hostReadable = a -> true;
    /** Throws from copyToDevice when this many copies have been issued (-1: never). */
    volatile int failCopyAt = -1;
    /** Runs on the issuing (upload) thread at the start of every copyToDevice: a test's way to pause an upload. */
    volatile Runnable beforeCopy = () -> {};
    /** Simulated device time per byte copied to the device (1 ms per KiB; a power of two keeps sums exact). */
    volatile double copyMillisPerByte = 1.0 / 1024;
    /** Simulated device time per element normalized. */
    volatile double normalizeMillisPerElement = 1.0 / 4096;

    public FakeDevice() {}

    /** What went wrong on the stream threads (empty when the device was used correctly). */
    public List<String> violations() {
        return violations;
    }

    /** Device buffers allocated and not freed. */
    public int liveBuffers() {
        return buffers.get();
    }

    /** Pinned host blocks allocated and not freed. */
    public int livePinned() {
        return pinned.get();
    }

    /** Streams and events created and not destroyed. */
    public int liveStreamsAndEvents() {
        return streams.get() + events.get();
    }

    /** Sets the simulated device time per byte copied and per element normalized (powers of two keep sums exact). */
    public FakeDevice timing(double copyMillisPerByte, double normalizeMillisPerElement) {
        this.copyMillisPerByte = copyMillisPerByte;
        this.normalizeMillisPerElement = normalizeMillisPerElement;
        return this;
    }

    /** Simulated device milliseconds of copying {@code bytes} to the device. */
    public double copyMillis(long bytes) {
        return bytes * copyMillisPerByte;
    }

    /** Simulated device milliseconds of normalizing {@code elements} elements. */
    public double normalizeMillis(long elements) {
        return elements * normalizeMillisPerElement;
    }

    final class FakeBuffer implements Buffer {
        final ByteBuffer data;
        final long address;

        FakeBuffer(long bytes) {
            data = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
            address = NEXT.addAndGet(1 << 20);
        }

        @Override
        public long address() {
            return address;
        }

        @Override
        public long bytes() {
            return data.capacity();
        }
    }

    private static final AtomicLong NEXT = new AtomicLong(0x7000_0000_0000L);

    final class FakeStream implements Stream {
        final ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-stream");
            t.setDaemon(true);
            return t;
        });
        volatile boolean destroyed;
        /** Simulated device time, in ms; read and written only by the work on this stream's thread. */
        private double clock;

        private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

        synchronized CompletableFuture<Void> submit(Runnable work) {
            return submitTimed(() -> {
                        work.run();
                        return 0.0;
                    })
                    .thenApply(t -> null);
        }

        /** Runs {@code work} in stream order; the future holds the stream's clock after it. */
        synchronized CompletableFuture<Double> submitTimed(java.util.function.Supplier<Double> work) {
            if (destroyed) {
                violations.add("work issued to a destroyed stream");
            }
            CompletableFuture<Double> f = CompletableFuture.supplyAsync(
                    () -> {
                        delay();
                        try {
                            clock += work.get();
                        } catch (RuntimeException | Error e) {
                            violations.add("stream work failed: " + e);
                        }
                        return clock;
                    },
                    exec);
            tail = f;
            return f;
        }

        /** On this stream's thread: how far its clock is behind {@code time} (0 if it is not). */
        double behind(double time) {
            return Math.max(0, time - clock);
        }

        synchronized CompletableFuture<?> tail() {
            return tail;
        }
    }

    static final class FakeEvent implements Event {
        /** The last record: complete when reached, holding the recording stream's clock then. */
        final AtomicReference<CompletableFuture<Double>> last =
                new AtomicReference<>(CompletableFuture.completedFuture(0.0));

        final boolean timed;
        volatile boolean recorded;
        volatile boolean destroyed;

        FakeEvent(boolean timed) {
            this.timed = timed;
        }
    }

    private void delay() {
        long max = maxDelayMicros.get();
        if (max > 0) {
            try {
                TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextLong(max));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Buffer malloc(long bytes) {
        buffers.incrementAndGet();
        return new FakeBuffer(bytes);
    }

    @Override
    public void free(Buffer buffer) {
        buffers.decrementAndGet();
    }

    @Override
    public BytePointer hostAlloc(long bytes) {
        BytePointer p = new BytePointer(bytes);
        pinned.incrementAndGet();
        pinnedLive.add(p.address());
        return p;
    }

    @Override
    public void hostFree(BytePointer memory) {
        if (!pinnedLive.remove(memory.address())) {
            violations.add("hostFree of unknown memory");
        }
        pinned.decrementAndGet();
        memory.deallocate();
    }

    @Override
    public Stream newStream() {
        streams.incrementAndGet();
        return new FakeStream();
    }

    @Override
    public void destroy(Stream stream) {
        FakeStream s = (FakeStream) stream;
        s.destroyed = true;
        s.exec.shutdown();
        streams.decrementAndGet();
    }

    @Override
    public Event newEvent() {
        events.incrementAndGet();
        return new FakeEvent(false);
    }

    @Override
    public Event newTimedEvent() {
        events.incrementAndGet();
        return new FakeEvent(true);
    }

    @Override
    public boolean isComplete(Event event) {
        return ((FakeEvent) event).last.get().isDone();
    }

    /** As CUDA: both timed and recorded, else an invalid handle; both reached, else not ready. */
    @Override
    public float elapsedMillis(Event start, Event end) {
        FakeEvent a = (FakeEvent) start;
        FakeEvent b = (FakeEvent) end;
        if (!a.timed || !b.timed || !a.recorded || !b.recorded || a.destroyed || b.destroyed) {
            throw new IllegalStateException("elapsedMillis needs two recorded timed events (invalid resource handle)");
        }
        CompletableFuture<Double> fa = a.last.get();
        CompletableFuture<Double> fb = b.last.get();
        if (!fa.isDone() || !fb.isDone()) {
            throw new IllegalStateException("elapsedMillis of an event not yet reached (not ready)");
        }
        return (float) (fb.join() - fa.join());
    }

    @Override
    public void destroy(Event event) {
        ((FakeEvent) event).destroyed = true;
        events.decrementAndGet();
    }

    @Override
    public void copyToDevice(BytePointer src, Buffer dst, long bytes, Stream stream) {
        beforeCopy.run();
        if (copies.getAndIncrement() == failCopyAt) {
            throw new IllegalStateException("fake copy failure");
        }
        long address = src.address();
        byte[] tmp = new byte[Math.toIntExact(bytes)];
        double millis = copyMillis(bytes);
        ((FakeStream) stream).submitTimed(() -> {
            if (!hostReadable.test(address)) {
                violations.add("copy read host memory that was already released");
            }
            new BytePointer(src).position(0).get(tmp);
            ((FakeBuffer) dst).data.duplicate().put(0, tmp);
            return millis;
        });
    }

    @Override
    public void copyToHost(Buffer src, BytePointer dst, long bytes, Stream stream) {
        ((FakeStream) stream).submit(() -> {
            byte[] tmp = new byte[Math.toIntExact(bytes)];
            ((FakeBuffer) src).data.duplicate().get(0, tmp);
            new BytePointer(dst).position(0).put(tmp);
        });
    }

    @Override
    public void fill(Buffer buffer, long offset, int value, long bytes, Stream stream) {
        if (offset < 0 || bytes < 0 || offset + bytes > buffer.bytes()) {
            throw new IllegalArgumentException(
                    "fill of " + bytes + " bytes at " + offset + " is outside the " + buffer.bytes() + "-byte buffer");
        }
        ((FakeStream) stream).submit(() -> {
            ByteBuffer b = ((FakeBuffer) buffer).data;
            for (long i = offset; i < offset + bytes; i++) {
                b.put(Math.toIntExact(i), (byte) value);
            }
        });
    }

    @Override
    public void normalize(Buffer src, Buffer dst, int batch, long spatial, Normalization n, Stream stream) {
        double millis = normalizeMillis(batch * n.channels() * spatial);
        ((FakeStream) stream).submitTimed(() -> {
            int total = Math.toIntExact(batch * n.channels() * spatial);
            byte[] in = new byte[total];
            ((FakeBuffer) src).data.duplicate().get(0, in);
            float[] out = NormalizeReference.kernel(in, batch, spatial, n);
            ByteBuffer d = ((FakeBuffer) dst).data;
            for (int i = 0; i < out.length; i++) {
                d.putFloat(i * 4, out[i]);
            }
            return millis;
        });
    }

    @Override
    public void record(Event event, Stream stream) {
        FakeEvent e = (FakeEvent) event;
        if (e.destroyed) {
            violations.add("record of a destroyed event");
        }
        e.recorded = true;
        e.last.set(((FakeStream) stream).submitTimed(() -> 0.0));
    }

    @Override
    public void waitEvent(Stream stream, Event event) {
        CompletableFuture<Double> f = ((FakeEvent) event).last.get();
        FakeStream s = (FakeStream) stream;
        s.submitTimed(() -> s.behind(f.join())); // the clock moves to the event's time if later
    }

    @Override
    public void synchronize(Event event) {
        ((FakeEvent) event).last.get().join();
    }

    @Override
    public void synchronize(Stream stream) {
        ((FakeStream) stream).tail().join();
    }

    @Override
    public long[] memInfo() {
        return new long[] {1L << 30, 1L << 30};
    }

    @Override
    public void close() {}
}
