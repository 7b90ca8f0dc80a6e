package org.etab.decode;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;

/**
 * A file's bytes as a slow channel may hand them out (a network or FUSE file system): the first read gives
 * nothing, every later one a single byte, and {@link #size()} may report the size the file had when it was opened
 * (more than it holds now, when it was cut meanwhile). A blocking channel may do all of this under its contract.
 */
final class TrickleChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private final long size;
    private int position;
    private boolean firstRead = true;
    private boolean open = true;

    TrickleChannel(byte[] bytes, long size) {
        this.bytes = bytes;
        this.size = size;
    }

    /** Opens each file as a trickle of its bytes; {@code extraSize} is added to the size it reports. */
    static FileOpener opener(long extraSize) {
        return file -> {
            byte[] bytes = Files.readAllBytes(file);
            return new TrickleChannel(bytes, bytes.length + extraSize);
        };
    }

    @Override
    public int read(ByteBuffer dst) {
        if (position >= bytes.length) {
            return -1;
        }
        if (firstRead || !dst.hasRemaining()) {
            firstRead = false;
            return 0;
        }
        dst.put(bytes[position++]);
        return 1;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = (int) Math.min(newPosition, bytes.length);
        return this;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
