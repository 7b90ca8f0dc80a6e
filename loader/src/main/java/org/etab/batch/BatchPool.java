package org.etab.batch;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of batch buffers (features + labels) in native memory. At most {@code maxBuffers} are ever
 * allocated; they are created lazily and reused for every later batch, so the steady state allocates
 * nothing.
 *
 * <p>Threading: thread-safe. {@link #acquire()} blocks the calling (decode) thread while every buffer is
 * out; that is the pipeline's last line of backpressure when a consumer holds batches without closing
 * them. It logs a warning every {@code warnAfter} and fails after {@code timeout} with a message that
 * says why.
 *
 * <p>Ownership: a buffer acquired is owned by the caller until {@link #release}; after {@link #close()},
 * idle buffers are freed at once and outstanding ones when they are released.
 */
public final class BatchPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchPool.class);

    private final TensorSpec features;
    private final TensorSpec labels;
    private final int batchSize;
    private final int maxBuffers;
    private final HostAllocator allocator;
    private final Duration warnAfter;
    private final Duration timeout;
    private final BlockingQueue<Buffers> idle;
    private final AtomicInteger allocated = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean closed;

    /** The two tensors of one batch. */
    public record Buffers(HostTensor features, HostTensor labels) {
    }

    public BatchPool(TensorSpec features, TensorSpec labels, int batchSize, int maxBuffers,
            HostAllocator allocator, Duration warnAfter, Duration timeout) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize >= 1 required but was " + batchSize);
        }
        if (maxBuffers < 1) {
            throw new IllegalArgumentException("maxBuffers >= 1 required but was " + maxBuffers);
        }
        this.features = features;
        this.labels = labels;
        this.batchSize = batchSize;
        this.maxBuffers = maxBuffers;
        this.allocator = allocator;
        this.warnAfter = warnAfter;
        this.timeout = timeout;
        this.idle = new ArrayBlockingQueue<>(maxBuffers);
    }

    public BatchPool(TensorSpec features, TensorSpec labels, int batchSize, int maxBuffers) {
        this(features, labels, batchSize, maxBuffers, HostAllocator.NATIVE, Duration.ofSeconds(30),
                Duration.ofMinutes(10));
    }

    /** Takes a free buffer, allocating one if fewer than {@code maxBuffers} exist, else waits for a release. */
    public Buffers acquire() {
        if (closed) {
            throw new IllegalStateException("batch pool is closed");
        }
        Buffers b = idle.poll();
        if (b == null) {
            b = tryAllocate();
        }
        if (b == null) {
            b = await();
        }
        outstanding.incrementAndGet();
        return b;
    }

    private Buffers tryAllocate() {
        int n;
        do {
            n = allocated.get();
            if (n >= maxBuffers) {
                return null;
            }
        } while (!allocated.compareAndSet(n, n + 1));
        try {
            return new Buffers(allocate(features), allocate(labels));
        } catch (RuntimeException | Error e) {
            allocated.decrementAndGet();
            throw e;
        }
    }

    private HostTensor allocate(TensorSpec spec) {
        return new HostTensor(spec, batchSize, allocator.allocate(spec.bytes() * batchSize));
    }

    private Buffers await() {
        long waited = 0;
        long step = Math.max(1, warnAfter.toMillis());
        try {
            while (waited < timeout.toMillis()) {
                Buffers b = idle.poll(Math.min(step, timeout.toMillis() - waited), TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                if (closed) {
                    throw new IllegalStateException("batch pool closed while waiting for a buffer");
                }
                waited += step;
                LOG.warn("all {} batch buffers have been out for {} s: is every Batch closed after use?",
                        maxBuffers, waited / 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch buffer", e);
        }
        throw new IllegalStateException("no batch buffer came back within " + timeout + ": all " + maxBuffers
                + " are held by the consumer. Close each Batch when done with it (try-with-resources), "
                + "or raise the pool size if the consumer really holds that many.");
    }

    /** Returns a buffer; idempotence is the caller's job ({@link Batch} guards it). */
    public void release(Buffers b) {
        outstanding.decrementAndGet();
        if (closed) {
            free(b);
            return;
        }
        if (!idle.offer(b)) {
            free(b); // cannot happen unless a foreign buffer is released; do not leak it
        }
        if (closed && idle.remove(b)) {
            free(b); // close() raced with this release
        }
    }

    private void free(Buffers b) {
        allocated.decrementAndGet();
        allocator.free(b.features().memory());
        allocator.free(b.labels().memory());
    }

    /** Buffers currently held by callers (0 when every batch has been closed). */
    public int outstanding() {
        return outstanding.get();
    }

    /** Buffers currently allocated (idle + outstanding). */
    public int allocated() {
        return allocated.get();
    }

    public int maxBuffers() {
        return maxBuffers;
    }

    public int batchSize() {
        return batchSize;
    }

    public TensorSpec featureSpec() {
        return features;
    }

    public TensorSpec labelSpec() {
        return labels;
    }

    /** Frees the idle buffers now and the outstanding ones as they come back. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Buffers b;
        while ((b = idle.poll()) != null) {
            free(b);
        }
    }
}
