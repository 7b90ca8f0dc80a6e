package org.etab.storage;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real nginx (Debian's /usr/sbin/nginx) in a child process: {@code daemon off}, loopback on a free port, every
 * path (config, pid, logs, temp dirs) under a test directory, so no privileges are needed. It serves {@link #root()}
 * with Range support, ETag/Last-Modified and conditional GETs (nginx's defaults for static files), and logs one
 * line per request: {@code $request_uri $status "$http_range" $body_bytes_sent "$http_x_api_key" $host
 * "$http_authorization"}. It also listens on {@value #OTHER_HOST}, another host as far as a client can tell, and
 * answers some paths under {@code /data/} with redirects (see the config below).
 */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");
    /** A second loopback address nginx listens on: another origin than 127.0.0.1 for the client. */
    public static final String OTHER_HOST = "127.0.0.2";

    private final Path dir;
    private final int port;
    private final Process process;

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Skips the calling tests (a JUnit assumption) when nginx is not installed, saying how to install it. */
    public static void assumeInstalled() {
        assumeThat(available())
                .as("nginx not installed at " + BINARY + " (apt-get install nginx): skipped")
                .isTrue();
    }

    public Nginx(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Files.createDirectories(root());
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        this.port = freePort();
        boolean rootUser = "root".equals(System.getProperty("user.name"));
        String conf = String.join(
                "\n",
                "daemon off;",
                // as root the workers would drop to 'nobody', who cannot read the test's private temp dirs
                rootUser ? "user root root;" : "",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("logs/error.log") + " info;",
                "events { worker_connections 512; }",
                "http {",
                "  log_format etab '$request_uri $status \"$http_range\" $body_bytes_sent \"$http_x_api_key\" $host"
                        + " \"$http_authorization\"';",
                "  access_log " + access() + " etab;",
                "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
                "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
                "  default_type application/octet-stream;",
                "  keepalive_requests 10000;",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    listen " + OTHER_HOST + ":" + port + ";",
                "    root " + root() + ";",
                "    absolute_redirect off;",
                "    location = /data/moved.bin { return 301 /data/small.bin; }",
                // another origin: same server, another address
                "    location = /data/elsewhere.bin { return 302 http://" + OTHER_HOST + ":" + port
                        + "/data/small.bin; }",
                "    location = /data/to-file.bin { return 302 file:///etc/passwd; }",
                "    location = /data/to-file-signed.bin { return 302 file:///etc/passwd?sig=SECRET; }",
                "    location = /data/loop-a.bin { return 302 /data/loop-b.bin; }",
                "    location = /data/loop-b.bin { return 307 /data/loop-a.bin; }",
                // an endless chain of distinct URLs: hop.bin -> hop-.bin -> hop--.bin -> ...
                "    location ~ ^/data/(hop-*)\\.bin$ { return 302 /data/$1-.bin; }",
                "  }",
                "}",
                "");
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        this.process = new ProcessBuilder(
                        BINARY.toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        confFile.toString(),
                        "-e",
                        dir.resolve("logs/startup.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String logs = logs(); // before close() deletes them
                    close();
                    throw new IOException("nginx did not start: " + logs);
                }
                Thread.sleep(50);
            }
        }
    }

    public Path root() {
        return dir.resolve("html");
    }

    public int port() {
        return port;
    }

    public Path access() {
        return dir.resolve("logs/access.log");
    }

    /** The access log's lines for {@code path} (the request target without its query string). */
    List<String> lines(String path) throws IOException {
        if (!Files.exists(access())) {
            return List.of();
        }
        return Files.readAllLines(access(), StandardCharsets.UTF_8).stream()
                .filter(l -> l.split("[ ?]", 2)[0].equals(path))
                .toList();
    }

    /** Waits (up to 10 s: nginx writes a line when a request ends) until the lines for path satisfy the check. */
    List<String> awaitLines(String path, Predicate<List<String>> done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> lines = lines(path);
        while (!done.test(lines) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = lines(path);
        }
        return lines;
    }

    String logs() {
        StringBuilder s = new StringBuilder();
        for (String f : List.of("logs/startup.log", "logs/stdout.log", "logs/error.log")) {
            try {
                s.append(f)
                        .append(": ")
                        .append(Files.readString(dir.resolve(f)))
                        .append('\n');
            } catch (IOException e) {
                s.append(f).append(": (none)\n");
            }
        }
        return s.toString();
    }

    /** Stops nginx, then deletes its directory (served files, logs, temp dirs: ~100 MB per class under /tmp). */
    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete nginx's test directory " + dir, e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
