package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.etab.decode.VideoDecoderErrorsTest.ascii;
import static org.etab.decode.VideoDecoderErrorsTest.chunkOffset;
import static org.etab.decode.VideoDecoderErrorsTest.littleEndianInt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RIFF chunk reader on the bytes of real MJPEG AVIs: bounds of headers and byte runs, the 64 KiB window a
 * channel is read through, and the walk that checks what lies between an index's frames.
 */
class RiffChunksTest {

    private static final int WINDOW = 64 << 10;

    @TempDir
    static Path dir;

    static Path small; // 64x48, 10 frames
    static byte[] smallBytes;
    static Path large; // larger than two windows
    static byte[] largeBytes;

    final RiffChunks chunks = new RiffChunks();

    @BeforeAll
    static void writeVideos() throws Exception {
        VideoDecoder.setLogLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
        small = TestVideos.mjpegAvi(dir.resolve("small.avi"), 64, 48, 10);
        smallBytes = Files.readAllBytes(small);
        large = TestVideos.mjpegAvi(dir.resolve("large.avi"), 320, 240, 150);
        largeBytes = Files.readAllBytes(large);
        assertThat(largeBytes.length).isGreaterThan(2 * WINDOW + 16);
    }

    @Test
    void aHeaderIsReadOnlyWhenItLiesWhollyInsideTheBytes() throws IOException {
        int n = smallBytes.length;
        chunks.over(ByteBuffer.wrap(smallBytes));
        assertThat(chunks.header(0)).isTrue();
        assertThat(chunks.is("RIFF")).isTrue();
        assertThat(chunks.header(n - 8)).isTrue(); // the last 8 bytes
        assertThat(chunks.size()).isEqualTo(littleEndianInt(smallBytes, n - 4) & 0xffffffffL);
        assertThat(chunks.header(n - 7)).isFalse(); // one byte past the end
        assertThat(chunks.header(-1)).isFalse();
    }

    @Test
    void aChannelIsReadThroughAWindowThatIsRefilledOnlyWhenAHeaderLeavesIt() throws IOException {
        try (CountingChannel ch = new CountingChannel(FileChannel.open(large))) {
            chunks.over(ch, ch.size());
            assertThat(chunks.header(0)).isTrue();
            int reads = ch.reads;
            assertThat(reads).isPositive();
            // the last header that fits the window [0, 64 KiB) comes from it, as does the first again
            assertThat(chunks.header(WINDOW - 8)).isTrue();
            assertThat(chunks.size()).isEqualTo(sizeAt(largeBytes, WINDOW - 8));
            assertThat(chunks.header(0)).isTrue();
            assertThat(ch.reads).isEqualTo(reads);
            // one straddling the window's end is read anew, and is the file's bytes there, not the window's stale end
            assertThat(chunks.header(WINDOW - 4)).isTrue();
            assertThat(chunks.size()).isEqualTo(sizeAt(largeBytes, WINDOW - 4));
            assertThat(ch.reads).isGreaterThan(reads);
            // the window now starts there: a header at its very start is not read again
            reads = ch.reads;
            assertThat(chunks.header(WINDOW - 4)).isTrue();
            assertThat(ch.reads).isEqualTo(reads);
        }
    }

    @Test
    void theLastHeaderOfAChannelIsReadIntoAnEightByteWindow() throws IOException {
        int n = smallBytes.length;
        try (FileChannel ch = FileChannel.open(small)) {
            chunks.over(ch, n);
            assertThat(chunks.header(n - 8)).isTrue();
            assertThat(chunks.size()).isEqualTo(sizeAt(smallBytes, n - 8));
        }
    }

    @Test
    void aChannelShorterThanTheLengthGivenGivesNoHeaderOrBytesPastItsEnd() throws IOException {
        // the file shrank after its length was taken: what lies past its end is not read as zeros
        int n = smallBytes.length;
        try (FileChannel ch = FileChannel.open(small)) {
            chunks.over(ch, n + 100);
            assertThat(chunks.header(n + 50)).isFalse();
            assertThat(chunks.bytes(n - 4, new byte[8], 8)).isFalse();
            byte[] last = new byte[4];
            assertThat(chunks.bytes(n - 4, last, 4)).isTrue();
            assertThat(last).isEqualTo(Arrays.copyOfRange(smallBytes, n - 4, n));
        }
    }

    @Test
    void bytesAreReadOnlyWhenTheyLieWhollyInsideTheBytesAndTheArray() throws IOException {
        int n = smallBytes.length;
        chunks.over(ByteBuffer.wrap(smallBytes));
        byte[] dst = new byte[4];
        assertThat(chunks.bytes(0, dst, 4)).isTrue(); // the whole array, from the first byte
        assertThat(dst).isEqualTo(Arrays.copyOf(smallBytes, 4));
        assertThat(chunks.bytes(n - 4, dst, 4)).isTrue(); // the last bytes
        assertThat(dst).isEqualTo(Arrays.copyOfRange(smallBytes, n - 4, n));
        assertThat(chunks.bytes(n, dst, 0)).isTrue(); // nothing, at the end
        assertThat(chunks.bytes(n - 3, dst, 4)).isFalse();
        assertThat(chunks.bytes(-1, dst, 4)).isFalse();
        assertThat(chunks.bytes(0, dst, 5)).isFalse();
        assertThat(chunks.bytes(0, dst, -1)).isFalse();
    }

    @Test
    void bytesFromAChannelThatReadsInShortPiecesAreAllRead() throws IOException {
        // a channel may return fewer bytes than asked (a network file system): reading goes on until all are there
        try (ShortReadChannel ch = new ShortReadChannel(FileChannel.open(large), 1000)) {
            chunks.over(ch, ch.size());
            byte[] dst = new byte[2 * WINDOW];
            int at = largeBytes.length - dst.length;
            assertThat(chunks.bytes(at, dst, dst.length)).isTrue();
            assertThat(dst).isEqualTo(Arrays.copyOfRange(largeBytes, at, largeBytes.length));
            assertThat(chunks.header(12)).isTrue();
            assertThat(chunks.is("LIST")).isTrue();
        }
    }

    @Test
    void onlyCompressedAndUncompressedFramesOfTheStreamAreVideoChunks() throws IOException {
        int frame = chunkOffset(smallBytes, 0);
        for (String tag : new String[] {"00dc", "00db", "00wb", "00pc", "00dd", "01dc", "10dc", "0xdc"}) {
            byte[] b = smallBytes.clone();
            System.arraycopy(ascii(tag), 0, b, frame, 4);
            chunks.over(ByteBuffer.wrap(b));
            assertThat(chunks.header(frame)).isTrue();
            assertThat(chunks.isVideoChunk("00")).as(tag).isEqualTo(tag.equals("00dc") || tag.equals("00db"));
        }
    }

    @Test
    void indexEntriesMatchOnlyFramesWithNothingOfTheStreamBetweenThem() throws IOException {
        int c0 = chunkOffset(smallBytes, 0), c1 = chunkOffset(smallBytes, 1), c2 = chunkOffset(smallBytes, 2);
        int s0 = littleEndianInt(smallBytes, c0 + 4), s1 = littleEndianInt(smallBytes, c1 + 4);
        int s2 = littleEndianInt(smallBytes, c2 + 4);
        chunks.over(ByteBuffer.wrap(smallBytes));
        assertThat(chunks.entriesMatch(new long[] {c0 + 8, c1 + 8, c2 + 8}, new int[] {s0, s1, s2}, "00"))
                .isTrue();
        // frame 1 between frames 0 and 2 is not listed
        assertThat(chunks.entriesMatch(new long[] {c0 + 8, c2 + 8}, new int[] {s0, s2}, "00"))
                .isFalse();
        // entries in reverse order, the earlier frame's chunk at offset 0 of the bytes read
        chunks.over(ByteBuffer.wrap(smallBytes, c0, smallBytes.length - c0).slice());
        assertThat(chunks.entriesMatch(new long[] {c1 - c0 + 8, 8}, new int[] {s1, s0}, "00"))
                .isFalse();
        assertThat(chunks.entriesMatch(new long[] {8, c1 - c0 + 8}, new int[] {s0, s1}, "00"))
                .isTrue();
    }

    @Test
    void onlyWholeChunksOfOtherKindsAreWalkedOver() throws IOException {
        int c0 = chunkOffset(smallBytes, 0), c1 = chunkOffset(smallBytes, 1);
        byte[] b = smallBytes.clone();
        // frame 1's payload rewritten as an empty JUNK chunk then one of 3 bytes and its pad byte
        putChunkHeader(b, c1, "JUNK", 0);
        putChunkHeader(b, c1 + 8, "JUNK", 3);
        chunks.over(ByteBuffer.wrap(b));
        assertThat(chunks.onlyOtherChunks(c1, c1 + 8, "00")).isTrue(); // an empty chunk fills the range
        assertThat(chunks.onlyOtherChunks(c1, c1 + 8 + 12, "00")).isTrue(); // the odd one with its pad
        assertThat(chunks.onlyOtherChunks(c1, c1 + 8 + 11, "00")).isFalse(); // its pad byte past the range
        assertThat(chunks.onlyOtherChunks(c1 + 8, c1 + 8 + 10, "00")).isFalse(); // overshoots
        assertThat(chunks.onlyOtherChunks(c1, c1 + 4, "00")).isFalse(); // a header cut by the range's end
        assertThat(chunks.onlyOtherChunks(c1, c1, "00")).isTrue(); // nothing
        int s0 = littleEndianInt(b, c0 + 4);
        assertThat(chunks.onlyOtherChunks(c0, c0 + 8 + s0 + (s0 & 1), "00")).isFalse(); // a frame of the stream
        putChunkHeader(b, c1, "LIST", 0);
        assertThat(chunks.onlyOtherChunks(c1, c1 + 8, "00")).isFalse(); // a list the demuxer descends into
    }

    private static long sizeAt(byte[] b, int at) {
        return littleEndianInt(b, at + 4) & 0xffffffffL;
    }

    static void putChunkHeader(byte[] b, int at, String fourcc, int size) {
        System.arraycopy(ascii(fourcc), 0, b, at, 4);
        b[at + 4] = (byte) size;
        b[at + 5] = (byte) (size >> 8);
        b[at + 6] = (byte) (size >> 16);
        b[at + 7] = (byte) (size >> 24);
    }

    /** A file channel that counts its reads. */
    private static class CountingChannel extends ShortReadChannel {
        CountingChannel(FileChannel ch) {
            super(ch, Integer.MAX_VALUE);
        }
    }

    /** A file channel that reads at most {@code most} bytes a call, and counts its reads. */
    private static class ShortReadChannel implements SeekableByteChannel {
        final FileChannel ch;
        final int most;
        int reads;

        ShortReadChannel(FileChannel ch, int most) {
            this.ch = ch;
            this.most = most;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            reads++;
            if (dst.remaining() <= most) {
                return ch.read(dst);
            }
            ByteBuffer part = dst.slice().limit(most);
            int n = ch.read(part);
            if (n > 0) dst.position(dst.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return ch.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            ch.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return ch.isOpen();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
