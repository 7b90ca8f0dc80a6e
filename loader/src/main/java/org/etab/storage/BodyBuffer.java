package org.etab.storage;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * A download's destination on the heap: allocated small and doubled as bytes arrive, up to the limit the caller
 * checked, so that a {@code Content-Length} alone (a lie costs a server nothing) never takes more heap than
 * {@link #FIRST_BUFFER}.
 *
 * <p>Threading: not thread-safe; one attempt at a time writes it ({@link Download} runs its attempts one after
 * another). Ownership: {@link #take()} hands the bytes over and leaves this empty.
 */
final class BodyBuffer {
    /** The first capacity at most. */
    static final int FIRST_BUFFER = 1 << 20;

    private final Function<String, RuntimeException> failure;
    private ByteBuffer buf;

    /** @param failure makes the exception for a buffer that cannot be allocated, naming what was downloaded */
    BodyBuffer(Function<String, RuntimeException> failure) {
        this.failure = failure;
    }

    /** A new body from byte 0: keeps the buffer (cleared) when {@code keep}, else drops it. */
    void restart(boolean keep) {
        if (buf != null && keep) {
            buf.clear();
        } else {
            buf = null;
        }
    }

    /** {@return the capacity now, 0 when there is no buffer} */
    int capacity() {
        return buf == null ? 0 : buf.capacity();
    }

    /** Positions the next byte at {@code received}, allocating the first buffer when there is none. */
    void resumeAt(long received, long limit) {
        if (buf == null) {
            buf = allocate(Math.min(limit, FIRST_BUFFER));
        }
        buf.limit(buf.capacity()).position((int) received);
    }

    /** Appends the chunk's readable bytes, growing the buffer up to {@code max} bytes (which the caller checked). */
    void append(ByteBuf chunk, long max) {
        int n = chunk.readableBytes();
        if (buf.remaining() < n) {
            ByteBuffer bigger = allocate(Math.min(max, Math.max(buf.capacity() * 2L, buf.position() + (long) n)));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        chunk.getBytes(chunk.readerIndex(), buf.duplicate().limit(buf.position() + n));
        buf.position(buf.position() + n);
    }

    /** {@return the bytes written, from 0; this buffer is empty afterwards} */
    ByteBuffer take() {
        ByteBuffer out = buf;
        out.flip();
        buf = null;
        return out;
    }

    /**
     * An OutOfMemoryError is fatal to Reactor, which would let it escape on the event loop and leave the download
     * hanging, with no error and no retry: here it becomes the caller's failure, naming the size.
     */
    private ByteBuffer allocate(long capacity) {
        try {
            return ByteBuffer.allocate((int) Math.max(1, capacity));
        } catch (OutOfMemoryError e) {
            throw failure.apply("cannot allocate a " + capacity + "-byte buffer for the body (" + e.getMessage() + ")");
        }
    }
}
