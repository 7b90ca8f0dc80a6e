package org.etab.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 relay on loopback in front of nginx that injects faults per request, following a script per path:
 * cut the body after N bytes, delay the response, answer 503 itself, drop the connection before the headers, or
 * strip Range (a server that ignores it). It counts requests in progress and open client connections (with their
 * maxima) and records every request it receives.
 *
 * <p>A request counts as in progress from when its head has been read until just before the last byte of its
 * response is written, so the count never exceeds what the client had in progress.
 */
public final class FaultProxy implements AutoCloseable {
    /** What to do with one request. */
    public record Fault(String kind, long value) {
        public static final Fault PASS = new Fault("pass", 0);

        public static Fault cutAfter(long bodyBytes) {
            return new Fault("cut", bodyBytes);
        }

        public static Fault delay(long millis) {
            return new Fault("delay", millis);
        }

        public static Fault status(int code) {
            return new Fault("status", code);
        }

        static Fault dropBeforeHeaders() {
            return new Fault("drop", 0);
        }

        static Fault stripRange() {
            return new Fault("strip-range", 0);
        }
    }

    /** A request as the client sent it. */
    public record Request(String target, Map<String, String> headers) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final int upstreamPort;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Deque<Fault>> script = new ConcurrentHashMap<>();
    private final Map<String, Fault> always = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile AtomicInteger active = new AtomicInteger(); // replaced by countOnly: old requests keep theirs
    private final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private volatile String countPrefix = "";
    private final AtomicInteger maxOpen = new AtomicInteger();

    public FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next requests for path get these faults, one each, in order; later ones pass. */
    public void script(String path, Fault... faults) {
        script.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(faults));
    }

    /** Every request for path gets this fault (after any scripted ones). */
    public void always(String path, Fault fault) {
        always.put(path, fault);
    }

    public List<Request> requests(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    int maxActive() {
        return maxActive.get();
    }

    int maxOpenConnections() {
        return maxOpen.get();
    }

    /**
     * Counts from now on only requests whose path starts with {@code prefix} (requests of earlier tests that their
     * client abandoned can stay in progress here until the relay notices), and open connections from zero.
     */
    void countOnly(String prefix) {
        countPrefix = prefix;
        active = new AtomicInteger();
        maxActive.set(0);
        maxOpen.set(open.get());
    }

    private Fault next(String path) {
        Deque<Fault> q = script.get(path);
        synchronized (this) {
            Fault f = q == null ? null : q.poll();
            if (f != null) {
                return f;
            }
        }
        return always.getOrDefault(path, Fault.PASS);
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
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        Socket upstream = null;
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] line = head.get(0).split(" ");
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h : head.subList(1, head.size())) {
                    int c = h.indexOf(':');
                    headers.put(
                            h.substring(0, c).trim().toLowerCase(Locale.ROOT),
                            h.substring(c + 1).trim());
                }
                Request request = new Request(line[1], headers);
                requests.add(request);
                AtomicInteger counter = active;
                boolean[] counted = {request.path().startsWith(countPrefix)};
                if (counted[0]) {
                    maxActive.accumulateAndGet(counter.incrementAndGet(), Math::max);
                }
                try {
                    Fault fault = next(request.path());
                    switch (fault.kind()) {
                        case "drop":
                            return;
                        case "status": {
                            end(counted, counter);
                            out.write(("HTTP/1.1 " + fault.value() + " Injected\r\nContent-Length: 0\r\n"
                                            + "Connection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            return;
                        }
                        case "delay":
                            Thread.sleep(fault.value());
                            break;
                        default:
                            break;
                    }
                    if (upstream == null) {
                        upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                    }
                    StringBuilder forward = new StringBuilder(head.get(0)).append("\r\n");
                    for (String h : head.subList(1, head.size())) {
                        String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                        if (fault.kind().equals("strip-range") && (name.equals("range") || name.equals("if-range"))) {
                            continue;
                        }
                        forward.append(h).append("\r\n");
                    }
                    forward.append("\r\n");
                    upstream.getOutputStream().write(forward.toString().getBytes(StandardCharsets.ISO_8859_1));
                    upstream.getOutputStream().flush();
                    InputStream up = upstream.getInputStream();
                    List<String> responseHead = readHead(up);
                    if (responseHead == null) {
                        return;
                    }
                    long length = 0;
                    StringBuilder back = new StringBuilder();
                    for (String h : responseHead) {
                        back.append(h).append("\r\n");
                        if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Long.parseLong(h.substring(15).trim());
                        }
                    }
                    back.append("\r\n");
                    long limit = fault.kind().equals("cut") ? Math.min(fault.value(), length) : length;
                    if (limit == 0 && !fault.kind().equals("cut")) {
                        end(counted, counter);
                    }
                    out.write(back.toString().getBytes(StandardCharsets.ISO_8859_1));
                    byte[] buf = new byte[64 * 1024];
                    long sent = 0;
                    while (sent < limit) {
                        int n = up.read(buf, 0, (int) Math.min(buf.length, limit - sent));
                        if (n < 0) {
                            return;
                        }
                        if (sent + n == limit && !fault.kind().equals("cut")) {
                            end(counted, counter); // before the last write: the client cannot finish before this
                        }
                        out.write(buf, 0, n);
                        sent += n;
                    }
                    out.flush();
                    if (fault.kind().equals("cut")) {
                        return; // mid-body close (the upstream connection is dropped with it)
                    }
                } finally {
                    end(counted, counter);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away, or the test is over
        } finally {
            open.decrementAndGet();
            if (upstream != null) {
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private static void end(boolean[] counted, AtomicInteger counter) {
        if (counted[0]) {
            counted[0] = false;
            counter.decrementAndGet();
        }
    }

    /** Lines of a message head up to the blank line, or null at a clean end of stream. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new IOException("end of stream inside a message head");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1
                    : (c == '\r' ? 1 : 0);
        }
        String text = b.toString(StandardCharsets.ISO_8859_1);
        return List.of(text.substring(0, text.length() - 4).split("\r\n"));
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
