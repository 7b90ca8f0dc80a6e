package org.etab.bench.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay against a real echo server on loopback: bytes intact and in order, delayed, the end passed on. */
@Timeout(60)
class LatencyProxyTest {
    private ServerSocket upstream;
    private Thread server;

    @BeforeEach
    void startEchoServer() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = new Thread(
                () -> {
                    while (!upstream.isClosed()) {
                        try {
                            Socket s = upstream.accept();
                            Thread t = new Thread(() -> echoUntilEnd(s), "echo");
                            t.setDaemon(true);
                            t.start();
                        } catch (IOException e) {
                            return; // closed
                        }
                    }
                },
                "echo-accept");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        upstream.close();
    }

    /** Echoes everything; on "BYE" (a 3-byte message) closes the connection from the server's side. */
    private static void echoUntilEnd(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (n == 3 && buf[0] == 'B' && buf[1] == 'Y' && buf[2] == 'E') {
                    return;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    @Test
    void relaysMegabytesIntactAndInOrder() throws Exception {
        byte[] sent = new byte[8 << 20];
        new Random(7).nextBytes(sent);
        try (LatencyProxy proxy = new LatencyProxy(0, upstream.getLocalPort(), 1.0);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < sent.length; off += 100_000) {
                        out.write(sent, off, Math.min(100_000, sent.length - off)); // many chunks, many timers
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            byte[] got = new byte[sent.length];
            new DataInputStream(s.getInputStream()).readFully(got);
            writer.join();
            assertThat(got).isEqualTo(sent);
        }
    }

    @Test
    void aRoundTripTakesAtLeastTwiceTheOneWayDelay() throws Exception {
        try (LatencyProxy proxy = new LatencyProxy(0, upstream.getLocalPort(), 40.0);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setTcpNoDelay(true);
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                s.getOutputStream().write(new byte[] {1, 2, 3, 4, 5});
                byte[] back = new DataInputStream(s.getInputStream()).readNBytes(5);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(back).containsExactly(1, 2, 3, 4, 5);
                assertThat(millis).as("round trip %d", i).isGreaterThanOrEqualTo(80);
            }
        }
    }

    @Test
    void theServersCloseReachesTheClientAfterTheDataBeforeIt() throws Exception {
        try (LatencyProxy proxy = new LatencyProxy(0, upstream.getLocalPort(), 5.0);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write("hello".getBytes());
            byte[] back = new DataInputStream(s.getInputStream()).readNBytes(5);
            assertThat(new String(back)).isEqualTo("hello");
            out.write("BYE".getBytes());
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
