package org.etab.batch;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * A bounded pool of batch buffers (features + labels) in native memory. At most {@code maxBuffers} are ever
 * allocated; they are created lazily and reused for every later batch, so the steady state allocates
 * nothing.
 *
 * <p>Threading: thread-safe. {@link #acquire()} blocks the calling (decode) thread while every buffer is
 * out.
 *
 * <p>Backpressure: waiting in {@link #acquire()} is the pipeline's last line of backpressure. The pool knows
 * where each buffer is: idle, in assembly (acquired, not yet in a {@link Batch}), or in a batch handed out and
 * not closed. While some buffer is in assembly, a wait may end on its own; it warns every {@code warnAfter} and
 * fails after {@code timeout}. Once every buffer is in an open batch, only the consumer can end the wait: if none
 * is closed within {@link #HELD_GRACE} while the consumer waits for a batch, acquire fails, saying how many batches
 * the consumer holds open and what to do. While the consumer is busy with what it has (a long training step, an
 * evaluation) and has asked for nothing more, the wait is plain backpressure: no timeout, grace or warning runs
 * until it asks again (a pool made without a consumer to watch assumes one that always waits).
 *
 * <p>Ownership: a buffer acquired is owned by the caller until {@link #release}, or, once wrapped in a
 * {@link Batch}, until that batch is closed; after {@link #close()}, idle buffers are freed at once and outstanding
 * ones when they are released.
 */
public final class BatchPool implements AutoCloseable {
    /**
     * How long {@link #acquire()} waits once every buffer is in a batch the consumer holds open, before it fails:
     * a few seconds: longer than a training step usually takes, far shorter than the timeout.
     */
    public static final Duration HELD_GRACE = Duration.ofSeconds(5);

    private final TensorSpec features;
    private final TensorSpec labels;
    private final int batchSize;
    private final int maxBuffers;
    private final HostAllocator allocator;
    private final BoundedWait wait;
    private final BlockingQueue<Buffers> idle;
    /** Buffers in batches handed out and not closed (the rest of the outstanding ones are in assembly). */
    private final Map<Buffers, Batch> open = new ConcurrentHashMap<>();

    private final AtomicInteger allocated = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    /** True while the consumer waits for a batch; false while it is busy with what it holds. */
    private final BooleanSupplier consumerWaiting;

    private volatile boolean closed;

    /**
     * The two tensors of one batch, allocated together and always returned together.
     *
     * @param features the inputs, {@code batchSize} slots of the feature spec
     * @param labels   the targets, {@code batchSize} slots of the label spec
     */
    public record Buffers(HostTensor features, HostTensor labels) {}

    /**
     * A pool that allocates nothing yet; checks first that its largest size fits ({@link #checkSize}).
     *
     * @param features   one sample's input tensor
     * @param labels     one sample's target tensor
     * @param batchSize  slots per buffer, {@code >= 1}
     * @param maxBuffers the most buffers ever allocated at once, {@code >= 1}
     * @param allocator  where the native memory comes from (plain or pinned); used from decode threads
     * @param warnAfter  how often a waiting {@link #acquire()} warns; {@code 0 < warnAfter <= timeout}
     * @param timeout    how long it waits at most (the grace for batches held open is {@link #HELD_GRACE})
     * @throws IllegalArgumentException for a batch size or buffer count below 1, durations out of range, or a pool
     *                                  that does not fit ({@link #checkSize}: larger than the native memory allowed,
     *                                  or a batch tensor of 2 GiB or more)
     */
    public BatchPool(
            TensorSpec features,
            TensorSpec labels,
            int batchSize,
            int maxBuffers,
            HostAllocator allocator,
            Duration warnAfter,
            Duration timeout) {
        this(features, labels, batchSize, maxBuffers, allocator, warnAfter, timeout, () -> true);
    }

    /**
     * As the constructor above, watching the consumer: a wait while {@code consumerWaiting} is false (the consumer
     * busy with the batches it holds, asking for nothing) is backpressure, not a stall (see the class comment).
     *
     * @param features        one sample's input tensor
     * @param labels          one sample's target tensor
     * @param batchSize       slots per buffer, {@code >= 1}
     * @param maxBuffers      the most buffers ever allocated at once, {@code >= 1}
     * @param allocator       where the native memory comes from; used from decode threads
     * @param warnAfter       how often a waiting {@link #acquire()} warns; {@code 0 < warnAfter <= timeout}
     * @param timeout         how long it waits at most while the consumer waits too
     * @param consumerWaiting whether the consumer is waiting for a batch now; called from waiting decode threads
     * @throws IllegalArgumentException as the constructor above
     */
    public BatchPool(
            TensorSpec features,
            TensorSpec labels,
            int batchSize,
            int maxBuffers,
            HostAllocator allocator,
            Duration warnAfter,
            Duration timeout,
            BooleanSupplier consumerWaiting) {
        this(features, labels, batchSize, maxBuffers, allocator, warnAfter, timeout, HELD_GRACE, consumerWaiting);
    }

    BatchPool(
            TensorSpec features,
            TensorSpec labels,
            int batchSize,
            int maxBuffers,
            HostAllocator allocator,
            Duration warnAfter,
            Duration timeout,
            Duration heldGrace,
            BooleanSupplier consumerWaiting) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize >= 1 required but was " + batchSize);
        }
        if (maxBuffers < 1) {
            throw new IllegalArgumentException("maxBuffers >= 1 required but was " + maxBuffers);
        }
        checkSize(features, labels, batchSize, maxBuffers);
        this.features = features;
        this.labels = labels;
        this.batchSize = batchSize;
        this.maxBuffers = maxBuffers;
        this.allocator = allocator;
        this.consumerWaiting = consumerWaiting;
        this.wait = new BoundedWait("a batch buffer", warnAfter, timeout, heldGrace);
        this.idle = new ArrayBlockingQueue<>(maxBuffers);
    }

    /**
     * Checks, before anything is allocated, that {@code maxBuffers} batches of {@code batchSize} samples fit in the
     * native memory JavaCPP may allocate ({@code Pointer.maxBytes()}, {@code -Dorg.bytedeco.javacpp.maxBytes},
     * by default the JVM's maximum heap). The pipeline calls it when it is built, so a pool that cannot fit fails
     * with advice instead of running out of memory mid-epoch.
     *
     * @param features   one sample's input tensor
     * @param labels     one sample's target tensor
     * @param batchSize  slots per buffer
     * @param maxBuffers the most buffers the pool may hold
     * @throws IllegalArgumentException naming the batch, its bytes, the buffers and the limit; also when the
     *                                  features or labels of one batch are 2 GiB or more, which one buffer cannot hold
     */
    public static void checkSize(TensorSpec features, TensorSpec labels, int batchSize, int maxBuffers) {
        long limit = Pointer.maxBytes();
        long batch;
        long total;
        try {
            batch = Math.multiplyExact(Math.addExact(features.bytes(), labels.bytes()), (long) batchSize);
            total = Math.multiplyExact(batch, (long) maxBuffers);
        } catch (ArithmeticException e) {
            batch = Long.MAX_VALUE;
            total = Long.MAX_VALUE;
        }
        if (limit > 0 && total > limit) {
            throw new IllegalArgumentException("a batch of " + batchSize + " samples of " + features + " is "
                    + (batch == Long.MAX_VALUE ? "more than 2^63" : Long.toString(batch))
                    + " bytes and the pool holds up to "
                    + maxBuffers + " batches (threads + prefetch + batches the consumer holds): more than the " + limit
                    + " bytes of native memory allowed (JavaCPP's maxBytes); lower the batch size, the threads, the"
                    + " prefetch or the frame size");
        }
        for (TensorSpec spec : new TensorSpec[] {features, labels}) {
            // one buffer is one ByteBuffer: HostTensor would refuse it, after the allocator had allocated it (a large
            // maxBytes lets such a pool pass the check above)
            if (spec.bytes() > Integer.MAX_VALUE / Math.max(1, batchSize)) {
                throw new IllegalArgumentException("a batch of " + batchSize + " samples of " + spec + " is "
                        + BigInteger.valueOf(spec.bytes()).multiply(BigInteger.valueOf(batchSize))
                        + " bytes: a batch tensor must stay under 2 GiB; lower the batch size or the frame size");
            }
        }
    }

    /**
     * The largest batch, up to {@code cap}, of which {@code maxBuffers} take at most half the native memory JavaCPP
     * may allocate; for callers whose batch size only sizes the pool (samples leave it one by one), so that large
     * samples (long clips at 224x224) get small batches rather than a pool that does not fit.
     *
     * @param features   one sample's input tensor
     * @param labels     one sample's target tensor
     * @param maxBuffers the most buffers the pool may hold, {@code >= 1}
     * @param cap        the batch wanted when it fits, {@code >= 1}
     * @return a batch size in {@code 1..cap}; 1 also when a single sample per buffer does not fit ({@link
     *         #checkSize} then says so)
     */
    public static int batchWithinHalf(TensorSpec features, TensorSpec labels, int maxBuffers, int cap) {
        long limit = Pointer.maxBytes();
        if (limit <= 0) {
            return cap;
        }
        long sample = Math.max(1, features.bytes() + labels.bytes());
        long fits = limit / 2 / maxBuffers / sample;
        return (int) Math.max(1, Math.min(cap, fits));
    }

    /**
     * A pool of plain native memory ({@link HostAllocator#NATIVE}) whose waits warn every 30 s and fail after 10
     * minutes.
     *
     * @param features   one sample's input tensor
     * @param labels     one sample's target tensor
     * @param batchSize  slots per buffer, {@code >= 1}
     * @param maxBuffers the most buffers ever allocated at once, {@code >= 1}
     * @throws IllegalArgumentException for a batch size or buffer count below 1, or a pool that does not fit
     *                                  ({@link #checkSize})
     */
    public BatchPool(TensorSpec features, TensorSpec labels, int batchSize, int maxBuffers) {
        this(
                features,
                labels,
                batchSize,
                maxBuffers,
                HostAllocator.NATIVE,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10));
    }

    /**
     * Takes a free buffer, allocating one if fewer than {@code maxBuffers} exist, else waits for a release. Blocks
     * the calling thread; the caller owns the result until {@link #release} or the close of the {@link Batch}
     * wrapping it.
     *
     * @return buffers whose content is stale from earlier batches; every slot used must be written
     * @throws OutOfMemoryError      when the allocator cannot allocate a new buffer
     * @throws IllegalStateException when the pool is closed, or no buffer comes back in time (see the class comment)
     */
    public Buffers acquire() {
        return acquire(() -> false);
    }

    /**
     * As {@link #acquire()}, for a task that may be cancelled while it waits (its stream cancelled): it then stops
     * waiting, so that nobody waits for a task that waits for a buffer only a departed consumer could return.
     *
     * @param cancelled asked between polls while waiting
     * @return buffers as {@link #acquire()}, or null when {@code cancelled} said so before one was free
     * @throws OutOfMemoryError      when the allocator cannot allocate a new buffer
     * @throws IllegalStateException as {@link #acquire()}
     */
    public Buffers acquire(BooleanSupplier cancelled) {
        if (closed) {
            throw new IllegalStateException("batch pool is closed");
        }
        Buffers b = idle.poll();
        if (b == null) {
            b = tryAllocate();
        }
        if (b == null) {
            try {
                b = wait.take(idle, new PoolWaiter(this, wait, cancelled));
            } catch (PoolWaiter.Cancelled c) {
                return null;
            }
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
        HostTensor x = null;
        try {
            x = allocate(features);
            return new Buffers(x, allocate(labels));
        } catch (RuntimeException | Error e) {
            if (x != null) { // the labels' allocation failed: the features' is ours to give back (pinned, say)
                allocator.free(x.memory());
            }
            allocated.decrementAndGet();
            throw e;
        }
    }

    private HostTensor allocate(TensorSpec spec) {
        return new HostTensor(spec, batchSize, allocator.allocate(spec.bytes() * batchSize));
    }

    boolean closed() {
        return closed;
    }

    boolean consumerWaiting() {
        return consumerWaiting.getAsBoolean();
    }

    /** {@return the indices of the batches handed out and not closed, in no order} */
    List<Long> openBatchIndices() {
        List<Long> indices = new ArrayList<>();
        for (Batch b : open.values()) {
            indices.add(b.index());
        }
        return indices;
    }

    /** Called by {@link Batch}'s constructor: the buffers leave assembly and are handed out in that batch. */
    void handedOut(Batch batch, Buffers b) {
        open.put(b, batch);
    }

    /**
     * Returns a buffer for reuse, or frees it when the pool is closed. Thread-safe; idempotence is the caller's job
     * ({@link Batch} guards it): releasing the same buffers twice corrupts the counts.
     *
     * @param b buffers from {@link #acquire()} of this pool, not used by the caller after this
     */
    public void release(Buffers b) {
        open.remove(b);
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

    /**
     * Buffers currently held by callers, in assembly or in open batches.
     *
     * @return 0 when every batch has been closed
     */
    public int outstanding() {
        return outstanding.get();
    }

    /** Buffers in batches handed out and not yet closed. */
    int openBatches() {
        return open.size();
    }

    /** Buffers acquired and not (yet) in a batch. */
    int inAssembly() {
        return Math.max(0, outstanding.get() - open.size());
    }

    /**
     * Buffers currently allocated.
     *
     * @return idle + outstanding, at most {@link #maxBuffers()}
     */
    public int allocated() {
        return allocated.get();
    }

    /**
     * The bound on allocated buffers.
     *
     * @return the {@code maxBuffers} the pool was made with
     */
    public int maxBuffers() {
        return maxBuffers;
    }

    /**
     * Slots per buffer.
     *
     * @return the batch size every tensor of the pool was allocated for
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * One sample's input tensor.
     *
     * @return the spec of each features slot
     */
    public TensorSpec featureSpec() {
        return features;
    }

    /**
     * One sample's target tensor.
     *
     * @return the spec of each labels slot
     */
    public TensorSpec labelSpec() {
        return labels;
    }

    /**
     * Frees the idle buffers now and the outstanding ones as they come back; a thread waiting in
     * {@link #acquire()} fails at its next check. Idempotent; later acquires throw.
     */
    @Override
    public void close() {
        closed = true;
        Buffers b;
        while ((b = idle.poll()) != null) {
            free(b);
        }
    }
}
