package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BodyBufferTest {
    private final BodyBuffer body = new BodyBuffer(IllegalStateException::new);

    @Test
    void startsSmallWhateverTheAnnouncedSizeAndGrowsAsBytesArrive() {
        long announced = 1L << 30; // a Content-Length of 1 GiB costs the server nothing
        body.resumeAt(0, announced);
        assertThat(body.capacity()).isEqualTo(BodyBuffer.FIRST_BUFFER);

        byte[] chunk = bytes(BodyBuffer.FIRST_BUFFER / 2 + 3, 7);
        for (int i = 0; i < 3; i++) {
            body.append(chunk(chunk), announced);
        }
        assertThat(body.capacity()).isEqualTo(2 * BodyBuffer.FIRST_BUFFER); // doubled once, not sized to 1 GiB
        ByteBuffer out = body.take();
        assertThat(out.remaining()).isEqualTo(3 * chunk.length);
        for (int i = 0; i < out.remaining(); i++) {
            assertThat(out.get(i)).isEqualTo(chunk[i % chunk.length]);
        }
        assertThat(body.capacity()).isZero(); // handed over
    }

    @Test
    void growsNoFurtherThanTheLimitTheCallerChecked() {
        body.resumeAt(0, 100);
        assertThat(body.capacity()).isEqualTo(100);
        body.append(chunk(bytes(60, 1)), 100);
        body.append(chunk(bytes(40, 2)), 100);
        assertThat(body.capacity()).isEqualTo(100);
        assertThat(body.take().remaining()).isEqualTo(100);
    }

    @Test
    void aResumeWritesAfterTheBytesKeptAndARestartFromZeroOverwritesThem() {
        body.resumeAt(0, 10);
        body.append(chunk(new byte[] {1, 2, 3, 4}), 10);
        body.resumeAt(2, 10); // the retry asked for bytes 2- : what came after byte 1 is replaced
        body.append(chunk(new byte[] {9, 9}), 10);
        assertThat(array(body.take())).containsExactly(1, 2, 9, 9);

        body.resumeAt(0, 10);
        body.append(chunk(new byte[] {1, 2, 3}), 10);
        body.restart(true);
        assertThat(body.capacity()).isEqualTo(10); // kept, cleared
        body.resumeAt(0, 10);
        body.append(chunk(new byte[] {5}), 10);
        assertThat(array(body.take())).containsExactly(5);

        body.resumeAt(0, 10);
        body.restart(false);
        assertThat(body.capacity()).isZero();
    }

    @Test
    void aChunkThatExactlyFillsTheBufferDoesNotGrowIt() {
        body.resumeAt(0, 4);
        body.append(chunk(new byte[] {1, 2, 3, 4}), 8);
        assertThat(body.capacity()).isEqualTo(4);
        assertThat(array(body.take())).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aChunkLargerThanTwiceTheBufferGrowsItToHoldTheChunk() {
        body.resumeAt(0, 1); // a Content-Length of 1, then a body of 11 bytes within the caller's bound of 100
        body.append(chunk(new byte[] {7}), 100);
        byte[] large = bytes(10, 3);
        body.append(chunk(large), 100);
        assertThat(body.capacity()).isEqualTo(11);
        byte[] all = array(body.take());
        assertThat(all).hasSize(11).startsWith(7).endsWith(large);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static ByteBuf chunk(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static byte[] array(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
