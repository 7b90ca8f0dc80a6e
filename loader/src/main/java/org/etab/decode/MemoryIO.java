package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One in-memory video as an FFmpeg custom I/O context ({@code AVIOContext}) for one {@link VideoDecoder} call:
 * FFmpeg reads and seeks in the bytes through two callbacks, with no temporary file.
 *
 * <h2>Threading</h2>
 * The read and seek callbacks are two static JavaCPP {@code FunctionPointer}s shared by every decoder in the
 * JVM (each instance is a scarce native thunk), called concurrently from all decoding threads. The context's
 * {@code opaque} points at the owning decoder's native cell, which holds the id of the input being read; the
 * id leads to this object through a {@link ConcurrentHashMap} (lock-free reads, no global lock on the hot
 * path). An instance itself is used by one thread only: the one running its decoder's call.
 *
 * <h2>Ownership</h2>
 * {@link #open} registers the input and allocates the {@code AVIOContext} and its {@code av_malloc}ed buffer;
 * {@link #close()} (idempotent) unregisters it and frees both, after the format context that used them is
 * closed. The caller's buffer is read, never modified (its position and limit are untouched) and not retained.
 */
final class MemoryIO implements AutoCloseable {

    /** Size of the buffer FFmpeg reads through: one read callback per this many bytes. */
    static final int IO_BUFFER_SIZE = 64 << 10;

    private static final int EOF;
    private static final int EXIT;
    private static final int EXTERNAL;
    private static final int EINVAL = -22; // AVERROR(EINVAL): same errno value on Linux, macOS and Windows

    static {
        Loader.load(avutil.class);
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        EOF = avutil.AVERROR_EOF();
        EXIT = avutil.AVERROR_EXIT();
        EXTERNAL = avutil.AVERROR_EXTERNAL();
    }

    private static final ConcurrentHashMap<Long, MemoryIO> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            MemoryIO in = lookup(opaque);
            if (in == null) return EXTERNAL;
            try {
                return in.read(buf, size);
            } catch (Throwable t) { // an exception must not cross into FFmpeg
                in.failure = t;
                return EXTERNAL;
            }
        }
    };

    private static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            MemoryIO in = lookup(opaque);
            return in == null ? EXTERNAL : in.seek(offset, whence);
        }
    };

    private final long id;
    private final ByteBuffer data; // the caller's position..limit, as a slice (independent position)
    private final byte[] array; // heap buffers with an accessible array: copied with one JNI call
    private final int arrayOffset;
    private final BytePointer direct; // direct buffers: memcpy
    private byte[] scratch; // read-only heap buffers: copied through this
    private final long size;
    private final long deadlineNanos;
    private long pos;
    private AVIOContext avio;
    /** What a callback threw, reported as the cause of the decode error. */
    Throwable failure;

    private MemoryIO(ByteBuffer data, long deadlineNanos) {
        this.id = IDS.incrementAndGet();
        this.data = data.slice();
        this.size = this.data.remaining();
        this.deadlineNanos = deadlineNanos;
        if (this.data.hasArray()) {
            array = this.data.array();
            arrayOffset = this.data.arrayOffset();
            direct = null;
        } else {
            array = null;
            arrayOffset = 0;
            direct = this.data.isDirect() ? new BytePointer(this.data) : null;
        }
    }

    /**
     * Registers {@code data} under a fresh id written to {@code cell} and allocates the I/O context whose
     * {@code opaque} is {@code cell}. Reads fail with {@code AVERROR_EXIT} once {@code deadlineNanos} has passed.
     */
    static MemoryIO open(ByteBuffer data, LongPointer cell, long deadlineNanos) {
        MemoryIO in = new MemoryIO(data, deadlineNanos);
        OPEN.put(in.id, in);
        try {
            cell.put(0, in.id);
            Pointer raw = av_malloc(IO_BUFFER_SIZE);
            if (raw == null || raw.isNull()) throw new OutOfMemoryError("av_malloc(" + IO_BUFFER_SIZE + ") failed");
            BytePointer buffer = new BytePointer(raw);
            in.avio = avio_alloc_context(
                    buffer, IO_BUFFER_SIZE, 0, cell, READ, (Write_packet_Pointer_BytePointer_int) null, SEEK);
            if (in.avio == null || in.avio.isNull()) {
                in.avio = null;
                av_free(buffer);
                throw new OutOfMemoryError("avio_alloc_context failed");
            }
            return in;
        } catch (RuntimeException | Error e) {
            in.close();
            throw e;
        }
    }

    AVIOContext context() {
        return avio;
    }

    /** Inputs registered now (open calls not yet closed), for tests. */
    static int openCount() {
        return OPEN.size();
    }

    private static MemoryIO lookup(Pointer opaque) {
        if (opaque == null || opaque.isNull()) return null;
        return OPEN.get(new LongPointer(opaque).get(0));
    }

    private int read(BytePointer buf, int want) {
        if (Deadline.passed(deadlineNanos)) return EXIT;
        long left = size - pos;
        if (left <= 0 || want <= 0) return left <= 0 ? EOF : 0;
        int n = (int) Math.min(want, left);
        if (array != null) {
            buf.position(0).put(array, arrayOffset + (int) pos, n);
        } else if (direct != null) {
            Pointer.memcpy(buf.position(0), direct.position(pos), n);
        } else {
            if (scratch == null) scratch = new byte[(int) Math.min(size, IO_BUFFER_SIZE)];
            for (int done = 0; done < n; ) {
                int k = Math.min(n - done, scratch.length);
                data.get((int) pos + done, scratch, 0, k);
                buf.position(done).put(scratch, 0, k);
                done += k;
            }
        }
        pos += n;
        return n;
    }

    private long seek(long offset, int whence) {
        if ((whence & AVSEEK_SIZE) != 0) return size;
        long target;
        switch (whence & ~AVSEEK_FORCE) {
            case 0 -> target = offset; // SEEK_SET
            case 1 -> target = pos + offset; // SEEK_CUR
            case 2 -> target = size + offset; // SEEK_END
            default -> {
                return EINVAL;
            }
        }
        if (target < 0) return EINVAL;
        pos = target; // past the end is allowed: reads there return EOF
        return target;
    }

    /** Unregisters and frees the I/O context and its buffer (FFmpeg may have replaced the one we gave). */
    @Override
    public void close() {
        OPEN.remove(id);
        if (avio != null) {
            av_free(avio.buffer());
            avio_context_free(avio);
            avio = null;
        }
    }
}
