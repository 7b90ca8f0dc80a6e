package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.etab.decode.Deadline;
import org.etab.decode.DecodeTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads through a sample's deadline: bounded slices into the caller's buffer, the channel's own position. */
class DeadlineChannelTest {
    private static final int MAX = DeadlineChannel.MAX_READ;

    @TempDir
    Path dir;

    private Path randomFile(int size) throws Exception {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return Files.write(dir.resolve("v.avi"), bytes);
    }

    private static DeadlineChannel open(Path file, long deadline) throws Exception {
        return new DeadlineChannel(file, FileChannel.open(file), deadline);
    }

    @Test
    void aLargeReadComesInSlicesOfAtMostOneMebibyteThatLandWhereTheBufferStands() throws Exception {
        int size = 2 * MAX + MAX / 2 + 3;
        Path file = randomFile(size);
        ByteBuffer dst = ByteBuffer.allocate(size + 100);
        dst.position(7); // the slices land after what the buffer already holds
        try (DeadlineChannel ch = open(file, Deadline.NONE)) {
            assertThat(ch.read(dst)).isEqualTo(MAX);
            assertThat(dst.position()).isEqualTo(7 + MAX);
            assertThat(ch.position()).isEqualTo(MAX);
            assertThat(ch.read(dst)).isEqualTo(MAX);
            assertThat(ch.read(dst)).isEqualTo(size - 2 * MAX); // the rest: fewer bytes than the buffer has room for
            assertThat(dst.position()).isEqualTo(7 + size);
            assertThat(ch.read(dst)).isEqualTo(-1);
            assertThat(dst.position()).isEqualTo(7 + size); // the end moves nothing
        }
        assertThat(ByteBuffer.wrap(dst.array(), 7, size)).isEqualTo(ByteBuffer.wrap(Files.readAllBytes(file)));
    }

    @Test
    void aReadOfExactlyOneSliceOrLessIsOneReadOfTheCallersBuffer() throws Exception {
        Path file = randomFile(MAX + 10);
        try (DeadlineChannel ch = open(file, Deadline.NONE)) {
            ByteBuffer small = ByteBuffer.allocate(10);
            assertThat(ch.read(small)).isEqualTo(10);
            ByteBuffer slice = ByteBuffer.allocateDirect(MAX);
            assertThat(ch.read(slice)).isEqualTo(MAX);
            assertThat(slice.remaining()).isZero();
            assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void seeksAndSizeAreTheFilesAndTheChannelIsReadOnly() throws Exception {
        Path file = randomFile(1000);
        byte[] bytes = Files.readAllBytes(file);
        DeadlineChannel ch = open(file, Deadline.NONE);
        try (ch) {
            assertThat(ch.size()).isEqualTo(1000);
            assertThat(ch.isOpen()).isTrue();
            SeekableByteChannel same = ch.position(990);
            assertThat(same).isSameAs(ch);
            assertThat(ch.position()).isEqualTo(990);
            ByteBuffer tail = ByteBuffer.allocate(20);
            assertThat(ch.read(tail)).isEqualTo(10);
            assertThat(tail.flip()).isEqualTo(ByteBuffer.wrap(bytes, 990, 10));
            assertThat(ch.position()).isEqualTo(1000);
            assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1))).isInstanceOf(NonWritableChannelException.class);
            assertThatThrownBy(() -> ch.truncate(0)).isInstanceOf(NonWritableChannelException.class);
        }
        assertThat(ch.isOpen()).isFalse(); // closing it closes the file's channel
        assertThat(Files.size(file)).isEqualTo(1000);
    }

    @Test
    void aPassedDeadlineStopsTheNextReadCountingOnlyTheBytesReadBefore() throws Exception {
        Path file = randomFile(100);
        long deadline = System.nanoTime() + 500_000_000L;
        try (DeadlineChannel ch = open(file, deadline)) {
            assertThat(ch.read(ByteBuffer.allocate(60))).isEqualTo(60);
            assertThat(ch.read(ByteBuffer.allocate(60))).isEqualTo(40);
            assertThat(ch.read(ByteBuffer.allocate(60))).isEqualTo(-1); // the end adds nothing to the count
            while (!Deadline.passed(deadline)) {
                Thread.sleep(20);
            }
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(60)))
                    .isInstanceOf(DecodeTimeoutException.class)
                    .hasMessage(file + ": timed out after reading 100 bytes (the sample's deadline passed)");
        }
    }
}
