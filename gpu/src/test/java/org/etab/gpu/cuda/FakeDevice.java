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
 */
final class FakeDevice implements Device {
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
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        synchronized CompletableFuture<Void> submit(Runnable work) {
            if (destroyed) {
                violations.add("work issued to a destroyed stream");
            }
            CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
                delay();
                try {
                    work.run();
                } catch (RuntimeException | Error e) {
                    violations.add("stream work failed: " + e);
                }
            }, exec);
            tail = f;
            return f;
        }

        synchronized CompletableFuture<Void> tail() {
            return tail;
        }
    }

    static final class FakeEvent implements Event {
        final AtomicReference<CompletableFuture<Void>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));
        volatile boolean destroyed;
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
        return new FakeEvent();
    }

    @Override
    public void destroy(Event event) {
        ((FakeEvent) event).destroyed = true;
        events.decrementAndGet();
    }

    @Override
    public void copyToDevice(BytePointer src, Buffer dst, long bytes, Stream stream) {
        if (copies.getAndIncrement() == failCopyAt) {
            throw new IllegalStateException("fake copy failure");
        }
        long address = src.address();
        byte[] tmp = new byte[Math.toIntExact(bytes)];
        ((FakeStream) stream).submit(() -> {
            if (!hostReadable.test(address)) {
                violations.add("copy read host memory that was already released");
            }
            new BytePointer(src).position(0).get(tmp);
            ((FakeBuffer) dst).data.duplicate().put(0, tmp);
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
    public void fill(Buffer buffer, int value, long bytes, Stream stream) {
        ((FakeStream) stream).submit(() -> {
            ByteBuffer b = ((FakeBuffer) buffer).data;
            for (int i = 0; i < bytes; i++) {
                b.put(i, (byte) value);
            }
        });
    }

    @Override
    public void normalize(Buffer src, Buffer dst, int batch, long spatial, Normalization n, Stream stream) {
        ((FakeStream) stream).submit(() -> {
            int total = Math.toIntExact(batch * n.channels() * spatial);
            byte[] in = new byte[total];
            ((FakeBuffer) src).data.duplicate().get(0, in);
            float[] out = NormalizeReference.kernel(in, batch, spatial, n);
            ByteBuffer d = ((FakeBuffer) dst).data;
            for (int i = 0; i < out.length; i++) {
                d.putFloat(i * 4, out[i]);
            }
        });
    }

    @Override
    public void record(Event event, Stream stream) {
        FakeEvent e = (FakeEvent) event;
        if (e.destroyed) {
            violations.add("record of a destroyed event");
        }
        e.last.set(((FakeStream) stream).submit(() -> { }));
    }

    @Override
    public void waitEvent(Stream stream, Event event) {
        CompletableFuture<Void> f = ((FakeEvent) event).last.get();
        ((FakeStream) stream).submit(f::join);
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
    public void close() {
    }
}
