package org.etab.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ChannelBindException;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.resources.LoopResources;

/**
 * A small HTTP server that exposes a {@link PrometheusMeterRegistry} (the registry a {@code Pipeline} puts its
 * {@code etab.*} meters in) while training code runs:
 *
 * <ul>
 * <li>{@code GET /metrics}: the Prometheus text format (what {@code config/prometheus.yml} scrapes); meter names
 * {@code etab.samples} become {@code etab_samples_total} and so on.</li>
 * <li>{@code GET /api/stats}: the current numbers as one JSON object (rates over the last seconds, gauges,
 * percentiles, errors by stage), summed over every pipeline in the registry; what the dashboard page polls.</li>
 * <li>{@code GET /api/history}: a JSON array of such objects, one a second over the last two minutes, taken by the
 * server while it runs (a dashboard opened mid-run starts from it).</li>
 * <li>{@code GET /}: the live dashboard, one self-contained HTML page (inline script, SVG charts, no external
 * resources) that polls {@code /api/stats} every second.</li>
 * <li>{@code GET /health}: {@code 200} and {@code {"status":"UP"}}.</li>
 * </ul>
 *
 * <p>Each answers {@code HEAD} too (the same status and headers, {@code content-length} included, no body); other
 * paths and methods get {@code 404}.
 *
 * <p>The library never starts a server on its own: training code (or the {@code etab} command line with
 * {@code --metrics-port}) calls {@link #start} and closes the returned server when done:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 9464);
 *      Pipeline pipeline = new Pipeline(source, options, registry, HostAllocator.NATIVE)) {
 *     System.err.println("dashboard: " + server.url());
 *     // train
 * }
 * }</pre>
 *
 * <p>Threading: requests are served on one daemon event-loop thread of this server's own (named
 * {@code etab-metrics-*}), which also takes the history point once a second; a scrape reads the meters there,
 * concurrently with the pipeline updating them (Micrometer meters are thread-safe). {@link #start} and {@link #close} block the calling thread until the
 * socket is bound or released. All methods are thread-safe.
 *
 * <p>Bounds ({@link MetricsServerOptions}): at most {@code maxConnections} connections are open at once (64 by
 * default); one more is closed as soon as it is accepted, so clients, however many, never hold more of the process's
 * file descriptors than that, and decoding keeps the rest. A connection with no request for {@code idleTimeout} (30 s
 * by default) is closed, and so is one whose client has not taken a response in full within as long. While idle clients fill the cap, newcomers (Prometheus, the dashboard) are turned away
 * until the idle ones time out.
 *
 * <p>Ownership: the caller owns the registry; the server only reads it and never closes it. The server owns its
 * socket and its event-loop thread; {@link #close()} (idempotent) releases both, after which the port is free.
 *
 * <p>Security: nothing is authenticated. The default host, {@value #DEFAULT_HOST}, keeps the server on the
 * machine; bind another interface only on a network you trust.
 */
public final class MetricsServer implements AutoCloseable {
    /** The loopback address the command line binds unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";
    static final String JSON = "application/json";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final String PAGE = readPage();

    private final DisposableServer server;
    private final LoopResources loops;
    private final ChannelGroup connections;
    private final AtomicInteger open;
    private final ScheduledFuture<?> ticks;
    private final String host;
    private final ScrapeTickets scrapes;
    private final Object lock = new Object();
    private boolean closed;

    private MetricsServer(
            DisposableServer server,
            LoopResources loops,
            ChannelGroup connections,
            AtomicInteger open,
            ScheduledFuture<?> ticks,
            String host,
            ScrapeTickets scrapes) {
        this.server = server;
        this.loops = loops;
        this.connections = connections;
        this.open = open;
        this.ticks = ticks;
        this.host = host;
        this.scrapes = scrapes;
    }

    /**
     * {@link #start(PrometheusMeterRegistry, String, int)} on {@value #DEFAULT_HOST} (this machine only).
     *
     * @param registry the registry to serve, not null; the caller keeps owning it
     * @param port     0..65535; 0 picks a free port ({@link #port()} tells which)
     * @return the running server; the caller closes it
     * @throws IllegalArgumentException when the port is out of range or in use; the message names
     *                                  {@code host:port} and why
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, int port) {
        return start(registry, DEFAULT_HOST, port);
    }

    /**
     * Binds {@code host:port} and serves the registry until {@link #close()}, with the default bounds
     * ({@link MetricsServerOptions}).
     *
     * @param registry the registry to serve, not null; the caller keeps owning it
     * @param host     the interface to listen on: {@value #DEFAULT_HOST} (this machine only), or a name or address
     * @param port     0..65535; 0 picks a free port ({@link #port()} tells which)
     * @return the running server; the caller closes it
     * @throws IllegalArgumentException when the port is out of range, or {@code host:port} cannot be bound (in
     *     use, an unknown host, or not an address of this machine); the message names {@code host:port} and why
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, String host, int port) {
        Objects.requireNonNull(host, "host");
        return start(
                registry, MetricsServerOptions.builder().host(host).port(port).build());
    }

    /**
     * Binds {@code options.host():options.port()} and serves the registry until {@link #close()}, holding at most
     * {@code options.maxConnections()} connections and closing those idle for {@code options.idleTimeout()}.
     *
     * @param registry the registry to serve, not null; the caller keeps owning it
     * @param options  where to listen and the bounds to keep, not null
     * @return the running server; the caller closes it
     * @throws IllegalArgumentException when {@code host:port} cannot be bound (in use, an unknown host, or not an
     *     address of this machine); the message names {@code host:port} and why
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, MetricsServerOptions options) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        String host = options.host();
        int port = options.port();
        DashboardStats stats = new DashboardStats(registry);
        LoopResources loops = LoopResources.create("etab-metrics", 1, true);
        // every accepted connection, so that close() can close the idle keep-alive ones too
        ChannelGroup connections = new DefaultChannelGroup("etab-metrics", ImmediateEventExecutor.INSTANCE);
        AtomicInteger open = new AtomicInteger();
        ScrapeTickets scrapes = new ScrapeTickets();
        try {
            DisposableServer server = HttpServer.create()
                    .runOn(loops)
                    .channelGroup(connections)
                    .doOnChannelInit((observer, channel, remote) -> {
                        admit(channel, open, options.maxConnections());
                        // idleTimeout covers the wait for a request, not a response its client stopped reading (a
                        // stopped process, a peer gone): that one is closed when a write stalls as long
                        channel.pipeline()
                                .addFirst(new WriteTimeoutHandler(
                                        options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                    })
                    .idleTimeout(options.idleTimeout())
                    .host(host)
                    .port(port)
                    .route(routes -> {
                        // counted as the body is made: a scrape counts when it has read the registry, and its
                        // client has the answer only after that (close() lets a response in progress finish)
                        routes.get(
                                        "/metrics",
                                        (req, res) -> send(res, PROMETHEUS_TEXT, () -> {
                                            long ticket = scrapes.take();
                                            String text = registry.scrape();
                                            scrapes.done(ticket);
                                            return text;
                                        }))
                                .head("/metrics", (req, res) -> send(res, PROMETHEUS_TEXT, registry::scrape));
                        serve(routes, "/api/stats", JSON, stats::json);
                        serve(routes, "/api/history", JSON, stats::historyJson);
                        serve(routes, "/health", JSON, () -> "{\"status\":\"UP\"}");
                        serve(routes, "/", HTML, () -> PAGE);
                        // Reactor Netty's own 404 has no content-length on HEAD (GET's is 0)
                        routes.route(
                                req -> true,
                                (req, res) -> res.status(HttpResponseStatus.NOT_FOUND)
                                        .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                                        .send());
                    })
                    .bindNow(STOP_TIMEOUT);
            ScheduledFuture<?> ticks =
                    server.channel().eventLoop().scheduleAtFixedRate(() -> tick(stats), 1, 1, TimeUnit.SECONDS);
            return new MetricsServer(server, loops, connections, open, ticks, host, scrapes);
        } catch (RuntimeException e) {
            loops.disposeLater(Duration.ZERO, STOP_TIMEOUT).block();
            if (isBindFailure(e)) {
                String reason = bindReason(e);
                String hint = bindHint(reason);
                throw new IllegalArgumentException(
                        "cannot serve metrics on " + bracketed(host) + ":" + port + ": " + reason + " (" + hint + ")",
                        e);
            }
            throw e;
        }
    }

    /**
     * Counts an accepted connection while it is open, and closes it at once when it would be one too many: the
     * server then holds at most {@code max} sockets however many clients connect (runs on the event loop).
     */
    private static void admit(Channel channel, AtomicInteger open, int max) {
        int now = open.incrementAndGet();
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        if (now > max) {
            LOG.debug("metrics: {} connections open, the most allowed is {}: closing {}", now, max, channel);
            channel.close();
        }
    }

    /** Connections open now (tests, diagnostics). */
    int openConnections() {
        return open.get();
    }

    private static void tick(DashboardStats stats) {
        try {
            stats.tick();
        } catch (RuntimeException e) {
            // a failing read must not cancel the schedule: the next second tries again
            LOG.debug("metrics history point failed", e);
        }
    }

    /**
     * Answers GET and HEAD on {@code path} (HEAD: the same status and headers, no body; RFC 9110 asks every
     * general-purpose server for it, and uptime checks and {@code curl -I} use it).
     */
    private static void serve(
            HttpServerRoutes routes, String path, String contentType, java.util.function.Supplier<String> body) {
        routes.get(path, (req, res) -> send(res, contentType, body))
                .head(path, (req, res) -> send(res, contentType, body));
    }

    /**
     * Sends the body with its {@code content-length}, computed here from its bytes: a body streamed from a
     * publisher goes out chunked, and on HEAD, which sends no body, it would then have no length at all, unlike
     * GET's. An explicit length is kept on HEAD (Reactor Netty then sends the headers only).
     */
    private static Mono<Void> send(
            HttpServerResponse res, String contentType, java.util.function.Supplier<String> body) {
        return Mono.fromSupplier(() -> body.get().getBytes(StandardCharsets.UTF_8))
                .flatMap(bytes -> res.header(HttpHeaderNames.CONTENT_TYPE, contentType)
                        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
                        .sendByteArray(Mono.just(bytes))
                        .then());
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChannelBindException
                    || t instanceof BindException
                    || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** What to do about a bind failure, from its reason ({@link #bindReason}). */
    static String bindHint(String reason) {
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        if (r.contains("in use")) {
            return "choose another port, or 0 for any free one";
        }
        if (r.contains("permission denied") || r.contains("access denied")) {
            // EACCES: a port below 1024 (net.ipv4.ip_unprivileged_port_start) for a user without the privilege
            return "ports below 1024 need privileges: choose one from 1024 up, or 0 for any free one";
        }
        return "the host must be a name or address of this machine, e.g. " + DEFAULT_HOST;
    }

    /** The innermost message: "Address already in use", "Cannot assign requested address", ... */
    private static String bindReason(Throwable e) {
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t.getMessage() != null && !(t instanceof ChannelBindException)) {
                reason = t.getMessage();
            }
        }
        if (reason == null) {
            return "bind failed";
        }
        // Netty's native transport prefixes the call: "bind(..) failed with error(-98): Address already in use"
        return reason.replaceFirst("^bind\\(.*\\) failed[^:]*:\\s*", "");
    }

    /**
     * The port the server listens on.
     *
     * @return the port; the one chosen when started with port 0
     */
    public int port() {
        return server.port();
    }

    /**
     * The host it was started with.
     *
     * @return the host as given (a name or an address)
     */
    public String host() {
        return host;
    }

    /**
     * The dashboard's address, as a browser on this machine opens it.
     *
     * @return {@code http://host:port/}, an IPv6 address in brackets; {@code localhost} for a server bound to every
     *     interface ({@code 0.0.0.0}, {@code ::}), whose wildcard address some browsers refuse to open
     */
    public String url() {
        String h = switch (host) {
            case "0.0.0.0", "::", "[::]" -> "localhost";
            default -> bracketed(host);
        };
        return "http://" + h + ":" + port() + "/";
    }

    /** An IPv6 address in brackets, so that {@code host:port} reads as one ({@code [::1]:9464}, not {@code ::1:9464}). */
    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Waits until a {@code GET /metrics} that began reading the registry after this call has read it, or
     * {@code timeout} has passed: a process about to end (and to close this server, which lets that response finish)
     * lets Prometheus read its last numbers, which a scrape before the end would miss (so a scrape already reading at
     * the call does not count).
     *
     * @param timeout the longest wait
     * @return true when such a scrape read the registry, false when the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitScrape(Duration timeout) throws InterruptedException {
        long before = scrapeTicket(); // a scrape reading now may have read before the call: not that one
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!scrapedAfter(before)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
        }
        return true;
    }

    /** The newest scrape ticket taken: a scrape that begins reading after this read holds a later one. */
    long scrapeTicket() {
        return scrapes.newest();
    }

    /** Whether a scrape that took its ticket after {@code ticket} has read the registry. */
    boolean scrapedAfter(long ticket) {
        return scrapes.doneAfter(ticket);
    }

    /**
     * Stops listening, closes open connections and the event-loop thread, waiting up to a few seconds;
     * afterwards the port is free. A response in progress gets those seconds to finish; a client that does not
     * read it is then disconnected (never an exception here). Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        ticks.cancel(false);
        try {
            // lets responses in progress finish (a run's last scrape), at most STOP_TIMEOUT
            server.disposeNow(STOP_TIMEOUT);
        } catch (IllegalStateException e) {
            // a client that stopped reading its response (a hung browser tab) keeps it in progress: not the run's
            // failure; the listening socket is already closed and its connection is closed below
            LOG.debug("metrics: responses still in progress after {}, closing their connections", STOP_TIMEOUT, e);
        } finally {
            // disposeNow waits for requests in progress; a client's idle keep-alive connection would stay open
            connections.close().awaitUninterruptibly(STOP_TIMEOUT.toMillis());
            loops.disposeLater(Duration.ZERO, STOP_TIMEOUT).block();
        }
    }

    private static String readPage() {
        try (InputStream in = MetricsServer.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html missing next to " + MetricsServer.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
