package org.etab.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 server on loopback that answers every GET with 200 and a {@code Content-Length} it never reaches, then
 * sends the body one byte per {@code gap}: each byte comes well within any per-chunk timeout, so only an overall
 * deadline ends the read. It records the request targets and notices when a client hangs up.
 */
public final class TricklingServer implements AutoCloseable {
    private final ServerSocket server;
    private final Duration gap;
    private final long announced;
    private final List<String> targets = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch hungUp = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "trickling-server");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param announced the {@code Content-Length} sent, far more bytes than will come
     * @param gap       the pause before each byte of the body
     */
    public TricklingServer(long announced, Duration gap) throws IOException {
        this.announced = announced;
        this.gap = gap;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The request targets received (path and query), in order. */
    public List<String> targets() {
        synchronized (targets) {
            return List.copyOf(targets);
        }
    }

    /** Waits until a client closed a connection while its body was still trickling; true if one did in time. */
    public boolean awaitHangUp(Duration timeout) throws InterruptedException {
        return hungUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            targets.add(requestLine.split(" ")[1]);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: " + announced + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (long sent = 0; sent < announced; sent++) {
                Thread.sleep(gap.toMillis());
                out.write('x');
                out.flush(); // fails (reset, broken pipe) once the client has closed the connection
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                hungUp.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request's head up to its blank line, or null when the connection closed first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
