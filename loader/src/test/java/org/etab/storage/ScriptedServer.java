package org.etab.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 server on loopback whose every answer is written by the test, byte for byte, so that it can break the
 * protocol in ways a real server (nginx) will not: bytes past the {@code Content-Length}, a body delimited by closing
 * the connection, a {@code Content-Encoding} nobody asked for, an object replaced between two requests. It records
 * every request.
 */
public final class ScriptedServer implements AutoCloseable {
    /** A request as the client sent it, with its number in arrival order (from 1). */
    public record Request(int n, String target, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Writes the answer to one request; returns true to keep the connection open for the next one. */
    @FunctionalInterface
    public interface Handler {
        boolean answer(Request request, OutputStream out) throws IOException, InterruptedException;
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final ServerSocket server;
    private final Handler handler;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-server");
        t.setDaemon(true);
        return t;
    });

    public ScriptedServer(Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The requests received so far, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * A server of the files under {@code dir} as they are at each request (a file replaced between two requests is
     * served new), without validators (no ETag, no Last-Modified): {@code missing} (e.g. "404 Not Found") for anything
     * else; with {@code ranges}, a {@code Range: bytes=a-b} or {@code bytes=a-} is answered with 206.
     */
    public static ScriptedServer serving(Path dir, String missing, boolean ranges) throws IOException {
        return new ScriptedServer((req, out) -> {
            Path file = dir.resolve(req.target().substring(1)).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                out.write(head(missing, "Content-Length: 0"));
                return true;
            }
            byte[] body = Files.readAllBytes(file);
            Matcher range = RANGE.matcher(String.valueOf(req.header("Range")));
            if (!ranges || !range.matches()) {
                out.write(head("200 OK", "Content-Length: " + body.length));
                out.write(body);
                return true;
            }
            int first = Integer.parseInt(range.group(1));
            int last = range.group(2).isEmpty()
                    ? body.length - 1
                    : Math.min(body.length - 1, Integer.parseInt(range.group(2)));
            out.write(head(
                    "206 Partial Content",
                    "Content-Range: bytes " + first + "-" + last + "/" + body.length,
                    "Content-Length: " + (last - first + 1)));
            out.write(body, first, last - first + 1);
            return true;
        });
    }

    /** The head of a response: the status line, the headers given as "Name: value", and the blank line. */
    public static byte[] head(String status, String... headers) {
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
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
            OutputStream out = client.getOutputStream();
            while (true) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h : head.subList(1, head.size())) {
                    int c = h.indexOf(':');
                    headers.put(
                            h.substring(0, c).trim().toLowerCase(Locale.ROOT),
                            h.substring(c + 1).trim());
                }
                Request request;
                synchronized (requests) {
                    request = new Request(requests.size() + 1, head.get(0).split(" ")[1], headers);
                    requests.add(request);
                }
                boolean keep = handler.answer(request, out);
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away, or the test is over
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
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
