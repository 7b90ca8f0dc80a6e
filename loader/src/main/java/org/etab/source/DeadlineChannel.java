package org.etab.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import org.etab.decode.Deadline;
import org.etab.decode.DecodeTimeoutException;

/**
 * A read-only channel whose reads give up once a sample's deadline has passed: each read takes at most
 * {@value #MAX_READ} bytes and first checks the clock, so a file read slowly (a network file system, a stalled disk)
 * ends within one read of the deadline with a {@link DecodeTimeoutException} naming the file. A read already
 * blocked in the operating system is not interrupted.
 *
 * <p>Threading: as the channel it wraps; used by one reader at a time.
 */
final class DeadlineChannel implements SeekableByteChannel {
    /** The most bytes one read asks for (1 MiB): the clock is checked at least this often. */
    static final int MAX_READ = 1 << 20;

    private final Path file;
    private final SeekableByteChannel channel;
    private final long deadlineNanos;
    private long bytesRead;

    DeadlineChannel(Path file, SeekableByteChannel channel, long deadlineNanos) {
        this.file = file;
        this.channel = channel;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (Deadline.passed(deadlineNanos)) {
            throw new DecodeTimeoutException(
                    file, "timed out after reading " + bytesRead + " bytes (the sample's deadline passed)");
        }
        int r;
        if (dst.remaining() <= MAX_READ) {
            r = channel.read(dst);
        } else {
            ByteBuffer part = dst.slice().limit(MAX_READ);
            r = channel.read(part);
            if (r > 0) {
                dst.position(dst.position() + r);
            }
        }
        if (r > 0) {
            bytesRead += r;
        }
        return r;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
