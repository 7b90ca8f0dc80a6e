package org.etab.storage;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A dataset root on an HTTP(S) server, a CDN or an object store (S3 and compatible stores: public or presigned
 * objects, plain GET with Range). Objects are fetched whole into one heap {@link ByteBuffer}, which grows as the body
 * arrives (from its {@code Content-Length} or 1 MiB, whichever is less, doubling up to the length announced): a
 * length alone, which costs a server nothing to claim, takes no heap. A buffer the JVM cannot allocate fails that
 * download with a {@link RemoteException} naming the URL and the size.
 *
 * <p><b>Threading:</b> thread-safe; one instance serves every caller. {@link #get} never blocks: responses are
 * read on Reactor Netty's event loops and the result is delivered there (or on a {@code boundedElastic} thread
 * when the disk cache is involved). {@link #read} blocks the calling thread and must not be called on a
 * non-blocking (event loop or {@code parallel}) thread.
 *
 * <p><b>Backpressure:</b> two named bounds. At most {@link HttpStoreOptions#maxConcurrency} requests are in progress (and
 * the connection pool holds at most that many connections); at most {@link HttpStoreOptions#maxBytesInFlight} bytes of
 * bodies are held, a reservation per object sized by its {@code Content-Length} (objects sent without one reserve
 * {@code min(maxObjectBytes, maxBytesInFlight)}). A {@code get} beyond either bound waits in a FIFO queue without
 * holding a connection or a body; nothing is buffered beyond the one destination buffer per object. An object
 * larger than {@code maxBytesInFlight} (but within {@code maxObjectBytes}) is fetched alone.
 *
 * <p><b>Ownership:</b> the emitted buffer is a fresh heap buffer (position 0, limit = the object's size) that
 * belongs to the subscriber; the store keeps no reference to it, and its byte reservation ends when it is emitted
 * (or on error or cancel). Cancelling a {@code get} aborts its request and returns its reservations.
 *
 * <p><b>Errors:</b> {@link RemoteException}, naming the URL (query redacted), the status and the attempts.
 * Transient failures (connection refused/reset, a body cut short, 5xx, 408, 429, timeouts) are retried up to
 * {@link HttpStoreOptions#maxAttempts} times with exponential backoff and jitter; a retry after a body was cut short asks
 * only for the missing bytes ({@code Range: bytes=N-}, with {@code If-Range}), and starts over from byte 0 when the
 * 206 names another version of the object (its ETag or Last-Modified changed), so no object is made of two versions.
 * An answer that is not HTTP at all (bytes a previous response left on a reused connection) is retried on a new
 * connection. A range can be asked for of one version only ({@link #getRange(String, long, long, String)}:
 * {@code If-Range} from the first request). Requests ask for {@code Accept-Encoding: identity}; a body sent with another {@code Content-Encoding}
 * fails at once, naming it. Other 4xx fail at once. A blocking {@link #read} fails once
 * {@link HttpStoreOptions#readDeadline} has passed, however the server keeps the body coming; {@link #get} and
 * {@link #getRange} have no overall deadline (their callers bound the wait: a sample's deadline).
 *
 * <p><b>Redirects:</b> followed hop by hop to http(s) URLs only, at most {@value Redirects#MAX} hops, never in a loop;
 * a hop to another origin (scheme, host or port) carries none of {@link HttpStoreOptions#headers}. A redirect that is
 * not followed fails the request, naming the target or the chain of URLs.
 *
 * <p><b>Cache:</b> with {@link HttpStoreOptions#cacheDir} set, objects are kept on disk (LRU, {@link
 * HttpStoreOptions#cacheMaxBytes} in all, in a subdirectory the cache owns) with the {@code ETag} and
 * {@code Last-Modified} the server sent. The first time a store reads an entry it revalidates it with a conditional
 * GET ({@code If-None-Match}, {@code If-Modified-Since}): 304 serves the entry from disk, 200 replaces it; from then
 * on the store serves that entry from disk without a request (objects are assumed not to change during a run, unless
 * a caller that saw another version asks for a revalidation: {@link #getWithVersion}). An
 * entry stored without validators is fetched again on its first read. A body that cannot be stored (larger than the
 * bound, a disk full) deletes the entry it would have replaced and is fetched again on its next read. The cache is
 * keyed by the URL without its query string, so re-signed URLs still hit.
 */
public final class HttpStore implements AutoCloseable {

    private final URI root;
    private final String rootPath;
    private final HttpStoreOptions options;
    private final StoreConnections connections;
    private final HttpClient client;
    private final AsyncPermits slots;
    private final AsyncPermits bytes;
    private final Retries retries;
    private final DiskCache cache;
    /** Whole objects through the cache; null without one. */
    private final CachedFetches cached;

    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpStore(URI root, HttpStoreOptions options, DiskCache cache) {
        this.root = root;
        String path = root.getRawPath() == null ? "" : root.getRawPath();
        this.rootPath = path.replaceAll("/+$", "");
        this.options = options;
        this.cache = cache;
        this.slots = new AsyncPermits(options.maxConcurrency());
        this.bytes = new AsyncPermits(options.maxBytesInFlight());
        this.retries = new Retries(options, slots, bytes, closed::get);
        this.connections = new StoreConnections(options);
        long connectMillis = Math.min(options.requestTimeout().toMillis(), Integer.MAX_VALUE);
        this.client = connections
                .client()
                // hop by hop: http(s) only, no loops, at most Redirects.MAX, no user headers off the root's origin
                .followRedirect(
                        Redirects::follow,
                        (previous, next) -> Redirects.dropUserHeadersOffOrigin(
                                root, options.headers().keySet(), next))
                .disableRetry(true) // our retries count every attempt and resume with Range
                // https:// URIs get Reactor Netty's default TLS configuration: the JDK trust store
                .responseTimeout(options.requestTimeout()) // the longest wait for headers or for the next body chunk
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectMillis))
                .headers(h -> {
                    // objects are kept and decoded byte for byte: no gzip or other coding (Download refuses one)
                    h.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
                    options.headers().forEach(h::set);
                });
        this.cached = cache == null
                ? null
                : new CachedFetches(
                        cache,
                        bytes,
                        retries,
                        (url, ifChanged) -> new Download(url, options, client, bytes).ifChanged(ifChanged));
    }

    /**
     * Opens a store on {@code root}, an {@code http} or {@code https} URL (a query string, e.g. a token, is sent
     * with every request). User info in the URL ({@code https://user:password@host/...}, percent-encoded) is sent as
     * HTTP Basic authentication, as curl sends it: an {@code Authorization} header, which like the options' headers
     * never leaves the root's origin on a redirect; the URLs requested and named in messages carry no user info.
     * The caller owns the store and closes it.
     *
     * @param root    the dataset root, an {@code http} or {@code https} URL with a host and no fragment
     * @param options the store's settings
     * @return a new store, with its own connection pool and event loop threads
     * @throws NullPointerException     if {@code root} or {@code options} is null
     * @throws IllegalArgumentException naming the (redacted) URL if it is not http(s), names no host or has a
     *                                  fragment, or has user info while the options also set {@code Authorization}
     * @throws UncheckedIOException     naming the directory if the options' cache directory cannot be opened
     */
    public static HttpStore open(URI root, HttpStoreOptions options) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(options, "options");
        String scheme = root.getScheme() == null ? "" : root.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("root must be an http(s) URL but was " + RemoteException.redact(root));
        }
        if (root.getHost() == null) {
            throw new IllegalArgumentException("root must name a host but was " + RemoteException.redact(root));
        }
        if (root.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "root must not have a fragment but was " + RemoteException.redact(root) + "#...");
        }
        if (root.getRawUserInfo() != null && root.getRawUserInfo().isEmpty()) {
            root = StoreUrls.withoutUserInfo(root); // "http://@host/": no credentials to send
        }
        if (root.getRawUserInfo() != null) {
            if (options.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"))) {
                throw new IllegalArgumentException("root " + RemoteException.redact(root)
                        + " has user info and the headers have an Authorization: give the credentials once");
            }
            Map<String, String> headers = new LinkedHashMap<>(options.headers());
            headers.put("Authorization", StoreUrls.basic(root.getRawUserInfo()));
            options = options.toBuilder().headers(headers).build();
            root = StoreUrls.withoutUserInfo(root);
        }
        DiskCache cache = null;
        if (options.cacheDir() != null) {
            try {
                cache = new DiskCache(options.cacheDir(), options.cacheMaxBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot open the cache directory " + options.cacheDir() + ": " + e.getMessage(), e);
            }
        }
        return new HttpStore(root, options, cache);
    }

    /**
     * The URL of {@code relativePath}: the root, "/", then each '/'-separated segment percent-encoded (UTF-8,
     * everything but RFC 3986 unreserved characters), then the root's query string unchanged.
     *
     * @param relativePath a '/'-separated path under the root, not encoded (e.g. {@code Videos/a b.avi})
     * @return the object's absolute URL, its query (often a signature) included: name it in messages with
     *     {@link #displayUrl}
     * @throws NullPointerException     if {@code relativePath} is null
     * @throws IllegalArgumentException for an empty path, a leading '/', an empty, "." or ".." segment
     */
    public URI uri(String relativePath) {
        Objects.requireNonNull(relativePath, "relativePath");
        if (relativePath.isEmpty() || relativePath.startsWith("/")) {
            throw new IllegalArgumentException(
                    "relativePath must be non-empty and relative but was '" + relativePath + "'");
        }
        StringBuilder s = new StringBuilder(root.getScheme())
                .append("://")
                .append(root.getRawAuthority())
                .append(rootPath);
        for (String segment : relativePath.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "relativePath segments must be non-empty and not '.' or '..' but was '" + relativePath + "'");
            }
            s.append('/');
            StoreUrls.encodeSegment(segment, s);
        }
        if (root.getRawQuery() != null) {
            s.append('?').append(root.getRawQuery());
        }
        return URI.create(s.toString());
    }

    /**
     * The URL of {@code relativePath} as messages show it ({@link RemoteException#redact(URI)}): no user info, the
     * query as {@code ?...}. Use it wherever an object is named for a person: a failure, a report, a log.
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @return the object's URL without credentials
     * @throws IllegalArgumentException for a malformed path (see {@link #uri})
     */
    public String displayUrl(String relativePath) {
        return RemoteException.redact(uri(relativePath));
    }

    /**
     * The whole object at {@code relativePath}: from the cache when it holds it, else fetched with retries (see the
     * class contract). Nothing happens until subscription; each subscription fetches anew (or reads the cache).
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @return a cold {@code Mono} of the whole object in a fresh heap buffer the subscriber owns; it fails with
     *     {@link RemoteException} when the object cannot be fetched, and with {@link IllegalStateException} once the
     *     store is closed
     * @throws IllegalArgumentException at once for a malformed path (see {@link #uri})
     */
    public Mono<ByteBuffer> get(String relativePath) {
        return get(relativePath, null, false, options.maxObjectBytes()).map(r -> r.bytes());
    }

    /**
     * As {@link #get(String)}, with the version of the object the bytes are ({@link ByteRange#version()}), for a
     * caller that keeps what it learns from them (a video's frame layout) and later asks for ranges of that version
     * only ({@link #getRange(String, long, long, String)}). With {@code revalidate} a cached copy this store already
     * trusts is revalidated with the server first (the caller saw the server serve another version).
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @param revalidate   ask the server whether a trusted cached copy is still its version (no effect without a cache)
     * @return a cold {@code Mono} of the whole object as a range from offset 0, failing as {@link #get(String)} does
     * @throws IllegalArgumentException at once for a malformed path (see {@link #uri})
     */
    public Mono<ByteRange> getWithVersion(String relativePath, boolean revalidate) {
        return get(relativePath, null, revalidate, options.maxObjectBytes());
    }

    /**
     * As {@link #getWithVersion}; a non-null {@code deadline} fails the fetch once it has passed, and an object above
     * {@code maxBytes} fails it (on its Content-Length, before its body is read).
     */
    private Mono<ByteRange> get(String relativePath, Retries.Deadline deadline, boolean revalidate, long maxBytes) {
        URI url = uri(relativePath);
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new IllegalStateException("store closed: " + RemoteException.redact(root)));
            }
            Mono<DiskCache.Cached> got =
                    cache == null ? fetch(url, deadline, maxBytes) : cached.get(url, deadline, revalidate, maxBytes);
            return got.map(c -> new ByteRange(
                    0, c.body(), c.body().remaining(), c.validators().ifRange()));
        });
    }

    /**
     * The {@code length} bytes at {@code offset} of the object at {@code relativePath}, fetched with a Range request
     * (bounded, retried and resumed like {@link #get}). Never read from or written to the cache, which holds whole
     * objects. A server that ignores Range sends the whole object; the range is then cut out of it.
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @param offset       the range's first byte in the object, {@code >= 0}
     * @param length       the range's bytes, {@code >= 1}; {@code offset + length <= maxObjectBytes}
     * @return a cold {@code Mono} of the range in a heap buffer the subscriber owns (from position 0; a slice of the
     *     whole object when the server ignored Range), with the object's size when the server stated it; it fails
     *     with {@link RemoteException} when the range cannot be fetched, and with {@link IllegalStateException} once
     *     the store is closed
     * @throws IllegalArgumentException at once for a malformed path or range
     */
    public Mono<ByteRange> getRange(String relativePath, long offset, long length) {
        return getRange(relativePath, offset, length, null);
    }

    /**
     * As {@link #getRange(String, long, long)}, for bytes of one version of the object only: {@code version} (a
     * {@link ByteRange#version()} from an earlier read; null: any version) goes out as {@code If-Range} on every
     * request, so a server whose object has been replaced since answers with the whole new object, and so does this
     * call: the range then {@link ByteRange#isWholeObject() is the whole object} with its new version. A server that
     * ignores {@code If-Range} may still send the range of another version: compare {@link ByteRange#version()}
     * with {@code version} before using the bytes as that version's. Without validators from the server
     * ({@code version} null) nothing tells the versions apart but the object's size.
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @param offset       the range's first byte in the object, {@code >= 0}
     * @param length       the range's bytes, {@code >= 1}; {@code offset + length <= maxObjectBytes}
     * @param version      the version the bytes must be of, or null
     * @return as {@link #getRange(String, long, long)}, or the whole new object when it is no longer {@code version}
     * @throws IllegalArgumentException at once for a malformed path or range
     */
    public Mono<ByteRange> getRange(String relativePath, long offset, long length, String version) {
        URI url = uri(relativePath);
        if (offset < 0 || length < 1 || offset > options.maxObjectBytes() - length) { // no overflow: offset + length
            throw new IllegalArgumentException("bad range: " + length + " bytes at " + offset + " of " + relativePath);
        }
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new IllegalStateException("store closed: " + RemoteException.redact(root)));
            }
            Download d = new Download(url, options, client, bytes, offset, length).onlyFrom(version);
            return retries.run(d, null)
                    .doOnNext(buf -> d.releaseBytes()) // received: no longer in flight, before anyone is told
                    .map(buf -> new ByteRange(
                            d.deliveredOffset(),
                            buf,
                            d.objectSize(),
                            d.validators().ifRange()))
                    .doFinally(s -> d.releaseBytes());
        });
    }

    /**
     * Bytes {@code [offset, offset + bytes.remaining())} of an object whose size was {@code objectSize} (-1: not
     * stated) when they were fetched.
     *
     * @param offset     the first byte's offset in the object
     * @param bytes      the bytes, from position 0; owned by the receiver
     * @param objectSize the whole object's size in bytes, or -1 when the server did not state it
     * @param version    the version of the object the bytes are of, as {@code If-Range} names it: the strong
     *                   {@code ETag}, else the {@code Last-Modified} date, of the response (or the cache entry); null
     *                   when there was neither (a weak ETag cannot be used with If-Range)
     */
    public record ByteRange(long offset, ByteBuffer bytes, long objectSize, String version) {
        /** True when the bytes are the whole object. */
        public boolean isWholeObject() {
            return offset == 0 && bytes.remaining() == objectSize;
        }
    }

    /**
     * {@link #get} and wait (for index files and other small reads on a blocking thread), at most
     * {@link HttpStoreOptions#readDeadline} in all: waiting for a connection, every attempt and the backoffs. Blocks
     * the calling thread until the object arrives, the fetch fails or the deadline passes; never call it on an event
     * loop or {@code parallel} thread.
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @return the whole object in a fresh heap buffer the caller owns
     * @throws IllegalArgumentException for a malformed path (see {@link #uri})
     * @throws RemoteException          when the object cannot be fetched, or not within the deadline (naming the URL,
     *                                  the deadline and the bytes received)
     * @throws IllegalStateException    when the store is closed, or when called on a non-blocking thread
     */
    public ByteBuffer read(String relativePath) {
        return read(relativePath, options.maxObjectBytes());
    }

    /**
     * As {@link #read(String)}, for an object of at most {@code maxBytes} (a file whose kind has a smaller bound than
     * {@link HttpStoreOptions#maxObjectBytes}, such as a dataset's index): a larger one is refused on its
     * Content-Length before its body is read, or once more than that has come.
     *
     * @param relativePath a '/'-separated path under the root (see {@link #uri})
     * @param maxBytes     the largest object accepted, {@code >= 1}
     * @return the whole object in a fresh heap buffer the caller owns
     * @throws IllegalArgumentException for a malformed path, or {@code maxBytes < 1}
     * @throws RemoteException          as {@link #read(String)}, and when the object is larger than {@code maxBytes}
     * @throws IllegalStateException    as {@link #read(String)}
     */
    public ByteBuffer read(String relativePath, long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes >= 1 required but was " + maxBytes);
        }
        // the per-request timeout only bounds the gap between chunks: a server trickling a byte at a time would
        // hold the read (and the dataset's opening) for as long as it likes
        return get(relativePath, Retries.deadline(options.readDeadline()), false, maxBytes)
                .map(ByteRange::bytes)
                .block();
    }

    /**
     * Closes the connection pool and ends the store's event loop threads (idempotent), waiting for both, a few
     * seconds at most (on a thread that must not block, without waiting), so that what a closed store held is gone
     * when this returns. Requests in progress fail; later {@code get}s fail with IllegalStateException. The cache
     * directory is left as it is for the next store.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connections.close();
        }
    }

    /** The bytes reserved for bodies right now (diagnostics). */
    long bytesInFlight() {
        return bytes.inUse();
    }

    /** Downloads waiting for a body reservation, holding no connection (diagnostics, tests). */
    int downloadsWaitingForBytes() {
        return bytes.waiting();
    }

    /** The most bytes ever reserved for bodies at once (diagnostics, tests). */
    long peakBytesInFlight() {
        return bytes.peakInUse();
    }

    long peakRequestsInFlight() {
        return slots.peakInUse();
    }

    /** Requests in progress right now (diagnostics). */
    long requestsInFlight() {
        return slots.inUse();
    }

    DiskCache cache() {
        return cache;
    }

    /** The cache key of the object at {@code relativePath} (tests). */
    String cacheKey(String relativePath) {
        return CachedFetches.key(uri(relativePath));
    }

    /** Downloads with retries. */
    private Mono<DiskCache.Cached> fetch(URI url, Retries.Deadline deadline, long maxBytes) {
        return Mono.defer(() -> {
            Download d = new Download(url, options, client, bytes).atMost(maxBytes);
            return retries.run(d, deadline)
                    // received: no longer in flight, before anyone is told (so a caller that has the bytes sees the
                    // reservation gone); doFinally for errors and cancels
                    .doOnNext(buf -> d.releaseBytes())
                    .map(buf -> new DiskCache.Cached(buf, d.validators()))
                    .doFinally(s -> d.releaseBytes());
        });
    }
}
