package org.etab.storage;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.ByteBuffer;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * One object's download, or one byte range's, across its attempts: the destination ({@link BodyBuffer}, grown as the body
 * arrives, never sized by a {@code Content-Length} alone), the bytes received so
 * far (a retry asks for the rest with {@code Range}), the size and ETag learned from the first response, the body
 * reservation. A server that answers a range request with the whole object (200) is read whole and the range cut
 * out of it, unless the range was asked for {@link #onlyFrom one version} and the 200 is another's: then the whole
 * new object is delivered. A resume never mixes two versions of an object: it carries {@code If-Range} (the strong ETag, else the
 * Last-Modified date), and a 206 whose ETag or Last-Modified differs from what the earlier response said (a server
 * or cache that ignores {@code If-Range}) sends the download back to byte 0. A body with a {@code Content-Encoding}
 * (gzip, ...) is refused: the store asks for {@code identity} and keeps objects byte for byte.
 *
 * <p><b>Threading:</b> attempts run one after another (never two at once), each on an event loop; Reactor's
 * operators order the hand-offs between them.
 *
 * <p><b>Ownership:</b> holds at most one body reservation, from the first response that says how large the body is
 * until {@link #releaseBytes()} (idempotent) when the {@code get} ends on any path.
 */
final class Download {
    private final URI url;
    private final HttpStoreOptions options;
    private final HttpClient client;
    private final long first; // the range's first byte in the object (0 for the whole object)
    private final long want; // the range's length, or -1 for the whole object

    private final BodyReservation reservation;
    private final BodyBuffer buf = new BodyBuffer(reason -> fail(reason, null));
    // volatile: written on the event loop, read for a message by a deadline's timer (HttpStore.read)
    private volatile long received;
    private volatile long total = -1; // bytes expected in buf: -1 until a response states them
    private long objectSize = -1; // the whole object's size, once a response states it
    private boolean wholeForRange; // a range was asked for and the whole object is coming
    private String version; // the version a range must be of (If-Range from the first request), or null
    private boolean wholeInstead; // that version was replaced: the whole new object is delivered, not the range
    private Validators ifChanged; // a cache entry's validators: ask for the object only if it changed (304 if not)
    private Validators validators = Validators.NONE; // what the response that began the bytes in buf said of them
    private boolean rangeUsable = true;
    private long maxBytes; // the largest object accepted: maxObjectBytes, or less for this read (atMost)
    private int attempts;
    private int lastStatus = -1;
    private boolean startedOver; // the current attempt asks from byte 0 again: no strong validator named the bytes
    // the current attempt: its request has gone out / its response's head has arrived (see request())
    private volatile boolean sent;
    private volatile boolean answered;

    Download(URI url, HttpStoreOptions options, HttpClient client, AsyncPermits bytes) {
        this(url, options, client, bytes, 0, -1);
    }

    /** The {@code length} bytes at {@code first} of the object ({@code length} -1: the whole object). */
    Download(URI url, HttpStoreOptions options, HttpClient client, AsyncPermits bytes, long first, long length) {
        if (first < 0 || length < -1 || length == 0 || (length == -1 && first != 0)) {
            throw new IllegalArgumentException("bad range: " + length + " bytes at " + first);
        }
        this.url = url;
        this.options = options;
        this.client = client;
        this.reservation = new BodyReservation(bytes);
        this.first = first;
        this.want = length;
        this.maxBytes = options.maxObjectBytes();
    }

    /**
     * Accepts an object of at most {@code max} bytes (below {@code maxObjectBytes}: a file whose kind has a smaller
     * bound, e.g. an index), refused on its {@code Content-Length} before its body is read, or once more comes.
     */
    Download atMost(long max) {
        this.maxBytes = Math.min(max, options.maxObjectBytes());
        return this;
    }

    /**
     * Makes the first request conditional on {@code cached} (a cache entry's validators): if the server answers 304
     * Not Modified, the download completes empty.
     */
    Download ifChanged(Validators cached) {
        ifChanged = cached == null || cached.isNone() ? null : cached;
        return this;
    }

    /**
     * Asks for the range only from {@code version} of the object (a {@link Validators#ifRange()}; null: any): every
     * request carries it as {@code If-Range}, and when a 200 says the object is another version now, the whole new
     * object is delivered instead of the range ({@link #deliveredOffset()} 0), so that the caller never reads a
     * range of one version as if it were another's. A 206 of another version (a server that ignores
     * {@code If-Range}) is delivered as it came: the caller compares {@link #validators()} with what it asked for.
     */
    Download onlyFrom(String version) {
        this.version = version;
        return this;
    }

    /** Where the delivered bytes begin in the object: the range's first byte, or 0 for the whole new version. */
    long deliveredOffset() {
        return wholeInstead ? 0 : first;
    }

    /**
     * The ETag and Last-Modified of the object as received (NONE until a response began the bytes, a 200 or a range's
     * first 206, or when the server sent none).
     */
    Validators validators() {
        return validators;
    }

    /** The whole object's size as the last response stated it, or -1. */
    long objectSize() {
        return objectSize;
    }

    URI url() {
        return url;
    }

    int attempts() {
        return attempts;
    }

    /** The body bytes received so far, across attempts (for messages). */
    long receivedBytes() {
        return received;
    }

    /** The body bytes the current attempt expects in all, or -1 when no response has stated them (for messages). */
    long expectedBytes() {
        return total;
    }

    /** Takes over a reservation granted while no request was in progress. */
    void hold(AsyncPermits.Permit p) {
        reservation.hold(p);
    }

    void releaseBytes() {
        reservation.release();
    }

    RemoteException fail(String reason, Throwable cause) {
        return new RemoteException(url, lastStatus, attempts, reason, cause);
    }

    /** One request, holding a connection slot from before it is sent until its body has been read or abandoned. */
    Mono<ByteBuffer> exchange(AsyncPermits slots) {
        return Mono.usingWhen(
                slots.acquire(1), slot -> Mono.defer(this::request), slot -> Mono.fromRunnable(slot::release));
    }

    private Mono<ByteBuffer> request() {
        attempts++;
        startedOver = received > 0 && validators.ifRange() == null;
        if (startedOver) {
            // nothing names the version these bytes are of (no strong ETag, no date), so no 206 could be shown to
            // continue it (RFC 9110 combines partial responses under one strong validator only): start over
            received = 0;
        }
        boolean ranged = want > 0 && rangeUsable;
        boolean resume = (received > 0 || ranged) && rangeUsable;
        String range = "bytes=" + (first + received) + "-" + (ranged ? String.valueOf(first + want - 1) : "");
        Validators conditional = resume ? null : ifChanged;
        // the object changed since: the server sends it whole (If-Range takes a strong ETag or a date)
        String ifRange = received == 0 ? (ranged ? version : null) : validators.ifRange();
        sent = false;
        answered = false;
        HttpClient c = client.doAfterRequest((req, conn) -> sent = true);
        if (resume) {
            c = c.headers(h -> {
                h.set(HttpHeaderNames.RANGE, range);
                if (ifRange != null) {
                    h.set(HttpHeaderNames.IF_RANGE, ifRange);
                }
            });
        } else if (conditional != null) {
            c = c.headers(h -> {
                if (conditional.etag() != null) {
                    h.set(HttpHeaderNames.IF_NONE_MATCH, conditional.etag());
                }
                if (conditional.lastModified() != null) {
                    h.set(HttpHeaderNames.IF_MODIFIED_SINCE, conditional.lastModified());
                }
            });
        }
        return c.get()
                .uri(url)
                .responseConnection((res, conn) -> {
                    answered = true;
                    return receive(res, conn, resume, conditional != null);
                })
                .singleOrEmpty()
                .onErrorMap(
                        this::malformed, t -> new TransientFailure("the answer is not HTTP (" + excerpt(t) + ")", t));
    }

    /**
     * A request sent whose answer could not be parsed (Netty's decoder: "invalid version format", a bad status line):
     * often bytes a previous response left on a reused connection (more than its Content-Length), so worth a retry,
     * which gets a new connection.
     */
    private boolean malformed(Throwable t) {
        return sent && !answered && (t instanceof IllegalArgumentException || t instanceof DecoderException);
    }

    /** A failure's message for ours, cut short: a decoder's message quotes what the server sent. */
    private static String excerpt(Throwable t) {
        String m = String.valueOf(t.getMessage()).replaceAll("\\p{Cntrl}", " ");
        return m.length() <= 80 ? m : m.substring(0, 80) + "...";
    }

    private Mono<ByteBuffer> receive(HttpClientResponse res, Connection conn, boolean resume, boolean conditional) {
        int code = res.status().code();
        lastStatus = code;
        HttpHeaders headers = res.responseHeaders();
        long length = parseLong(headers.get(HttpHeaderNames.CONTENT_LENGTH));
        String coding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        // an empty value names no coding: the bytes are the object's own
        if ((code == 200 || code == 206)
                && coding != null
                && !coding.isBlank()
                && !coding.trim().equalsIgnoreCase("identity")) {
            conn.dispose();
            return Mono.error(fail(
                    "the server sent the body with Content-Encoding '" + coding
                            + "', not the object's own bytes (identity was asked for)",
                    null));
        }
        if (code == 304 && conditional) {
            return conn.inbound().receive().then(Mono.empty()); // not modified: empty, the caller keeps its copy
        }
        if (code == 200) {
            return receiveWhole(conn, headers, length);
        }
        if (code == 206 && resume) {
            return receivePart(conn, headers, length);
        }
        conn.dispose(); // an error body is not worth keeping the connection for
        if (Redirects.isRedirect(code)) {
            // not followed by the client (see Redirects): a loop, too many hops, or a target we refuse
            return Mono.error(fail(Redirects.refusal(res), null));
        }
        if (code == 416 && want > 0 && received == 0) {
            return Mono.error(fail(
                    "HTTP 416: bytes " + first + "-" + (first + want - 1) + " are not in the object ("
                            + headers.get(HttpHeaderNames.CONTENT_RANGE) + ")",
                    null));
        }
        if (code == 416 && resume) {
            rangeUsable = false;
            return Mono.error(new TransientFailure("HTTP 416 for bytes=" + (first + received) + "-"));
        }
        if (code == 408 || code == 429 || code >= 500) {
            return Mono.error(new TransientFailure(
                    "HTTP " + code + " " + res.status().reasonPhrase(),
                    TransientFailure.retryAfter(headers.get(HttpHeaderNames.RETRY_AFTER))));
        }
        return Mono.error(fail("HTTP " + code + " " + res.status().reasonPhrase(), null));
    }

    /** A 200: the whole object, a first response or from a server that ignored {@code Range}. */
    private Mono<ByteBuffer> receiveWhole(Connection conn, HttpHeaders headers, long length) {
        ifChanged = null; // it changed (or the server ignores conditions): resumes must not ask again
        String tag = headers.get(HttpHeaderNames.ETAG);
        String modified = headers.get(HttpHeaderNames.LAST_MODIFIED);
        if ((received > 0 || startedOver) && validators.changeTo(tag, modified) != null) {
            // If-Range did its job, or a weak ETag changed since a cut: the whole new version, whatever its size
            forgetVersion();
        }
        if (objectSize >= 0 && length >= 0 && length != objectSize) {
            // another size is another version, even where no validator says so; a 200 starts from byte 0, so
            // nothing of the old one is kept: sized afresh, the new version is delivered whole
            forgetVersion();
        }
        // a first response, or a server that ignored Range: (re)start from byte 0
        received = 0;
        if (want > 0 && !wholeForRange) {
            // the reservation, if any, was made for a 206 of the range, not for the whole object (same size)
            reservation.forget();
        }
        wholeForRange = want > 0;
        if (wholeForRange) {
            rangeUsable = false; // it ignores Range: resuming this body must start over too
        }
        buf.restart(!wholeForRange || buf.capacity() >= length);
        objectSize = length;
        validators = new Validators(tag, modified);
        return body(conn, length >= 0 ? length : wholeForRange ? -1 : total);
    }

    /** A 206 to a range or resume request: checked to be the bytes asked for, of the version begun. */
    private Mono<ByteBuffer> receivePart(Connection conn, HttpHeaders headers, long length) {
        String range = headers.get(HttpHeaderNames.CONTENT_RANGE);
        ContentRange got = ContentRange.parse(range);
        long start = got.start();
        long end = got.end();
        long size = got.size();
        String tag = headers.get(HttpHeaderNames.ETAG);
        String modified = headers.get(HttpHeaderNames.LAST_MODIFIED);
        String changed = received > 0 ? validators.resumeChange(tag, modified) : null;
        if (changed != null) {
            // a server (or cache) that ignored If-Range: these bytes are another version's; start over
            conn.dispose();
            received = 0;
            forgetVersion();
            return Mono.error(new TransientFailure("the object changed since its first bytes came (" + changed + ")"));
        }
        long lastWanted = want > 0 ? first + want - 1 : size - 1;
        boolean ok = start == first + received
                && end >= start
                && (size < 0 || end == lastWanted)
                && (want < 0 || end == lastWanted)
                && (objectSize < 0 || size < 0 || size == objectSize || received == 0) // a restart: any version
                && (length < 0 || length == end - start + 1);
        if (!ok) {
            // not the bytes we asked for: drop Range and fetch the whole object on the next attempt
            rangeUsable = false;
            conn.dispose();
            return Mono.error(new TransientFailure("206 with Content-Range '" + range + "', expected bytes "
                    + (first + received) + "-" + (lastWanted < 0 ? "" : String.valueOf(lastWanted))
                    + (objectSize < 0 ? "" : "/" + objectSize)));
        }
        if (received == 0) { // these bytes begin the download: what identifies them guards its resumes
            validators = new Validators(tag, modified);
        }
        if (size >= 0) {
            objectSize = size;
        }
        wholeForRange = false;
        return body(conn, want > 0 ? want : size >= 0 ? size : total);
    }

    /**
     * Forgets what the earlier responses said of a version the server has replaced: its validators, its size and the
     * reservation made for that size, so that the new version is sized afresh (it may be larger). Each call follows a
     * response with {@code received > 0}, and the next request asks from byte 0, so a server that keeps changing the
     * object cannot make the waits for memory that follow go on without counting attempts.
     */
    private void forgetVersion() {
        validators = Validators.NONE;
        objectSize = -1;
        total = -1;
        reservation.forget();
    }

    /** Reads the body into the buffer at {@link #received}; {@code size} is the body's full size (all attempts) or -1. */
    private Mono<ByteBuffer> body(Connection conn, long size) {
        if (size > maxBytes) {
            conn.dispose();
            return Mono.error(fail(
                    maxBytes < options.maxObjectBytes()
                            ? "the object is " + size + " bytes, more than the " + maxBytes
                                    + " a file of its kind may have"
                            : "the object is " + size + " bytes, above maxObjectBytes " + maxBytes,
                    null));
        }
        // without a size, reserve conservatively and accept no more than that
        long limit = size >= 0 ? size : Math.min(maxBytes, options.maxBytesInFlight());
        switch (reservation.reserve(limit, size >= 0)) {
            case NONE_FREE -> {
                attempts--; // aborted for memory, not failed: the caller waits for the reservation and asks again
                conn.dispose();
                return Mono.error(new NeedBytes(Math.max(1, limit)));
            }
            case TOO_SMALL -> {
                conn.dispose();
                return Mono.error(fail(
                        "the object's size changed between attempts (" + limit + " bytes now, " + reservation.reserved()
                                + " reserved)",
                        null));
            }
            case HELD -> {}
        }
        total = size;
        buf.resumeAt(received, limit);
        long max = limit;
        return conn.inbound().receive().doOnNext(chunk -> append(chunk, max)).then(Mono.fromCallable(this::finish));
    }

    // runs on the event loop for each chunk; Reactor Netty releases the chunk after onNext returns
    private void append(ByteBuf chunk, long max) {
        int n = chunk.readableBytes();
        if (received + n > max) {
            throw fail(
                    total >= 0
                            ? "the server sent more than the " + total + " bytes announced"
                            : "the object exceeds " + max + " bytes (no Content-Length: limited to the smaller of the "
                                    + "bound for its kind or maxObjectBytes, and maxBytesInFlight)",
                    null);
        }
        buf.append(chunk, max);
        received += n;
    }

    private ByteBuffer finish() {
        if (total >= 0 && received < total) {
            throw new TransientFailure("body ended after " + received + " of " + total + " bytes");
        }
        ByteBuffer out = buf.take(); // handed over: the subscriber owns it
        if (wholeForRange) {
            objectSize = received;
            if (version != null && !version.equals(validators.ifRange())) {
                wholeInstead = true; // If-Range: the object changed, and here it is whole
                return out;
            }
            if (first + want > received) {
                throw fail(
                        "bytes " + first + "-" + (first + want - 1) + " are not in the " + received + "-byte object",
                        null);
            }
            return out.slice((int) first, (int) want);
        }
        return out;
    }

    private static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
