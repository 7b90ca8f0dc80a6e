package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.List;
import org.etab.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * A body that outgrows the heap: {@link BodyBuffer} turns the {@link OutOfMemoryError} of its growth into the
 * caller's failure naming the size (Reactor treats an OutOfMemoryError as fatal and would leave the download
 * hanging), and the process goes on. Run in a JVM of its own with a 64 MiB heap, so that a real allocation fails
 * without starving the test JVM.
 */
class BodyBufferHeapTest {
    private static final int CHUNK = 16 << 20;

    @Test
    void aBodyThatOutgrowsTheHeapFailsNamingTheSizeAndTheProcessGoesOn() throws Exception {
        List<String> out = runIsolated();
        assertThat(out)
                .anySatisfy(
                        l -> assertThat(l)
                                .matches(
                                        "grow: IllegalStateException: cannot allocate a \\d+-byte buffer for the body \\(.*\\)"));
        assertThat(out).contains("after: 100 bytes received");
    }

    /** The probe: a 1 GiB body arriving in 16 MiB chunks into a 64 MiB heap, then a small body on the same buffer. */
    public static void main(String[] args) {
        BodyBuffer body = new BodyBuffer(IllegalStateException::new);
        ByteBuf chunk = Unpooled.directBuffer(CHUNK).writerIndex(CHUNK); // off the heap: only the body grows there
        try {
            body.resumeAt(0, 1L << 30);
            for (int i = 0; i < 64; i++) {
                body.append(chunk.duplicate(), 1L << 30);
            }
            System.out.println("grow: accepted " + body.capacity() + " bytes");
        } catch (RuntimeException e) {
            System.out.println("grow: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            chunk.release();
        }
        body.restart(false);
        body.resumeAt(0, 100);
        body.append(Unpooled.wrappedBuffer(new byte[100]), 100);
        System.out.println("after: " + body.take().remaining() + " bytes received");
    }

    private static List<String> runIsolated() throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"), BodyBufferHeapTest.class);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.lines();
    }
}
