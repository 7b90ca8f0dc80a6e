package org.etab.bench.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on loopback that delays every chunk by a fixed time in each direction, like a network link with
 * that one-way latency (2 x delay per round trip). Chunks are delayed, not serialized: a pipelined stream keeps
 * its bandwidth. For benchmarks of remote datasets (this machine cannot shape loopback with tc netem).
 *
 * <pre>java -cp ... org.etab.bench.net.LatencyProxy LISTEN_PORT TARGET_PORT ONE_WAY_MILLIS</pre>
 */
public final class LatencyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long delayNanos;
    private volatile boolean closed;

    public LatencyProxy(int listenPort, int targetPort, double oneWayMillis) throws IOException {
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 256);
        this.targetPort = targetPort;
        this.delayNanos = (long) (oneWayMillis * 1e6);
        Thread accept = new Thread(this::acceptLoop, "latency-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    /** Reader thread queues chunks with their due time; writer thread sends each when due. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> line = new DelayQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    line.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException ignored) {
                // the peer closed: pass the end on after the delay
            }
            line.add(new Chunk(null, System.nanoTime() + delayNanos));
        }, "latency-proxy-read");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = line.take();
                    if (c.data == null) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.data);
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // connection gone
            }
        }, "latency-proxy-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private record Chunk(byte[] data, long due) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(due, ((Chunk) o).due);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LatencyProxy LISTEN_PORT TARGET_PORT ONE_WAY_MILLIS");
            System.exit(2);
        }
        try (LatencyProxy p = new LatencyProxy(Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                Double.parseDouble(args[2]))) {
            System.err.printf("latency proxy: 127.0.0.1:%d -> 127.0.0.1:%s, %s ms each way%n", p.port(), args[1], args[2]);
            Thread.currentThread().join();
        }
    }
}
