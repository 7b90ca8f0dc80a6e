package org.etab.storage;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Runs a {@link Download} to its end for an {@link HttpStore}: each attempt within the store's request and byte
 * bounds, a transient failure retried with exponential backoff and jitter up to
 * {@link HttpStoreOptions#maxAttempts}, everything within an overall {@link Deadline} when one is given.
 *
 * <h2>Threading</h2>
 * Thread-safe and stateless beyond the store's shared bounds; the returned {@code Mono}s run on Reactor Netty's event
 * loops (attempts) and Reactor's timer (backoffs, the deadline).
 *
 * <h2>Backpressure</h2>
 * An attempt waits for a request slot, and for a body reservation when the headers announce more than is free,
 * holding neither while it waits for the other (see {@link Download#exchange}).
 *
 * <h2>Errors</h2>
 * {@link RemoteException} from {@link Download#fail}: naming the URL (redacted), why, and the attempts made.
 */
final class Retries {
    // the store's logger: retries are the store's behaviour, and users configure it by that name
    private static final Logger LOG = LoggerFactory.getLogger(HttpStore.class);
    private static final Duration MAX_BACKOFF = HttpStoreOptions.MAX_BACKOFF;

    private final HttpStoreOptions options;
    private final AsyncPermits slots;
    private final AsyncPermits bytes;
    private final BooleanSupplier closed;

    Retries(HttpStoreOptions options, AsyncPermits slots, AsyncPermits bytes, BooleanSupplier closed) {
        this.options = options;
        this.slots = slots;
        this.bytes = bytes;
        this.closed = closed;
    }

    /** A whole read's deadline: {@code limit} from now. */
    static Deadline deadline(Duration limit) {
        return new Deadline(System.nanoTime(), limit);
    }

    /** A whole read's deadline: {@code limit} from {@code startNanos} ({@link System#nanoTime()}). */
    record Deadline(long startNanos, Duration limit) {
        /** The time left, zero once passed. */
        Duration left() {
            long limitNanos;
            try {
                limitNanos = limit.toNanos();
            } catch (ArithmeticException tooLong) {
                limitNanos = Long.MAX_VALUE; // beyond 292 years: no deadline in practice
            }
            long elapsed = System.nanoTime() - startNanos;
            return Duration.ofNanos(Math.max(0, limitNanos - elapsed));
        }
    }

    /**
     * The download's body, retried as the class says; bounded by {@code deadline} when it is not null: past it, the
     * request is cancelled and the fetch fails.
     */
    Mono<ByteBuffer> run(Download d, Deadline deadline) {
        Mono<ByteBuffer> tried = withRetries(d);
        if (deadline == null) {
            return tried;
        }
        // timeout cancels the attempt in progress (its connection and reservations are released) or the backoff
        return Mono.defer(() -> tried.timeout(deadline.left(), Mono.error(() -> d.fail(pastDeadline(d), null))));
    }

    private String pastDeadline(Download d) {
        long total = d.expectedBytes();
        return "not received within the read deadline of " + words(options.readDeadline())
                + " (HttpStoreOptions.readDeadline): " + d.receivedBytes() + " of "
                + (total >= 0 ? total + " bytes" : "an unstated number of bytes") + " received in " + d.attempts()
                + (d.attempts() == 1 ? " attempt" : " attempts") + "; the server sends too slowly or not at all";
    }

    /** A duration for a message: {@code 300 s}, {@code 250 ms}. */
    private static String words(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private Mono<ByteBuffer> withRetries(Download d) {
        URI url = d.url();
        return attempt(d)
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> {
                    Throwable failure = signal.failure();
                    if (closed.getAsBoolean()) {
                        return Mono.error(d.fail("store closed", failure));
                    }
                    if (!TransientFailure.isTransient(failure)) {
                        return Mono.error(
                                failure instanceof RemoteException
                                        ? failure
                                        : d.fail("failed: " + reason(failure), failure));
                    }
                    if (d.attempts() >= options.maxAttempts()) {
                        return Mono.error(d.fail(
                                "failed after " + d.attempts() + " attempts; last: " + reason(failure), failure));
                    }
                    Duration wait = backoff(d.attempts(), TransientFailure.retryAfter(failure));
                    LOG.debug(
                            "{}: attempt {} failed ({}); retrying in {} ms",
                            RemoteException.redact(url),
                            d.attempts(),
                            failure.toString(),
                            wait.toMillis());
                    return Mono.delay(wait);
                })));
    }

    /**
     * One attempt. No body reservation free when the headers came: the request was aborted without counting as an
     * attempt; wait for the reservation holding no connection, then ask again (again when the answer then needs a
     * larger one: a body without a length after one with a length, or a new version of the object; each wait follows
     * a reservation given back, which only those two do, each at most once before a counted attempt).
     */
    private Mono<ByteBuffer> attempt(Download d) {
        return Mono.defer(() -> d.exchange(slots))
                .onErrorResume(
                        NeedBytes.class,
                        nb -> bytes.acquire(nb.amount).flatMap(p -> {
                            d.hold(p);
                            return attempt(d);
                        }));
    }

    /**
     * A failure in words for a user's message: its own message without Netty's native-call prefix, "timed out" for
     * a timeout, else the message of an exception suppressed in it; the exception itself stays the cause.
     */
    static String reason(Throwable t) {
        String message = t.getMessage();
        if (t instanceof io.netty.handler.timeout.TimeoutException
                || t instanceof java.util.concurrent.TimeoutException) {
            return message == null || message.isBlank() ? "timed out" : "timed out: " + message;
        }
        if (message == null || message.isBlank()) {
            // Netty's TLS handler reports a handshake the server cut short as a bare ClosedChannelException, the
            // handshake's failure ("Connection closed while SSL/TLS handshake was in progress") suppressed in it
            for (Throwable s : t.getSuppressed()) {
                if (s.getMessage() != null && !s.getMessage().isBlank()) {
                    return s.getMessage();
                }
            }
            return t.getClass().getSimpleName();
        }
        // Netty's native transport: "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:9"
        return message.replaceFirst("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
    }

    /** backoff * 2^(attempt-1), times a random factor in [0.5, 1.5) so that many nodes do not retry in step. */
    Duration backoff(int attempt, Duration retryAfter) {
        long base = options.backoff().toMillis();
        long exp = base << Math.min(attempt - 1, 20);
        long capped = Math.min(exp < 0 ? Long.MAX_VALUE : exp, Math.max(base, MAX_BACKOFF.toMillis()));
        long jittered = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble()));
        if (retryAfter != null) {
            // compared as durations: a server's Retry-After may be too large for toMillis()
            Duration asked = retryAfter.compareTo(MAX_BACKOFF) < 0 ? retryAfter : MAX_BACKOFF;
            jittered = Math.max(jittered, asked.toMillis());
        }
        return Duration.ofMillis(jittered);
    }
}
