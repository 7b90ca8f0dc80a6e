package org.etab.storage;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import reactor.netty.channel.AbortedException;

/**
 * A download failure worth retrying after a backoff (a 5xx/408/429 status, a short body, an unusable range, an answer
 * that is not HTTP), and {@link #isTransient} for any failure: what {@link Retries} asks before trying again.
 */
final class TransientFailure extends RuntimeException {
    /** The server's {@code Retry-After}, or null. */
    final transient Duration retryAfter;

    TransientFailure(String message) {
        this(message, (Duration) null);
    }

    TransientFailure(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    TransientFailure(String message, Throwable cause) {
        super(message, cause, false, false);
        this.retryAfter = null;
    }

    /** {@return true when {@code t} is worth retrying after a backoff} */
    static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof UnknownHostException || c instanceof RemoteException) {
                return false; // certificates, names and HTTP answers do not fix themselves
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TransientFailure
                    || c instanceof IOException
                    || c instanceof AbortedException
                    || c instanceof io.netty.handler.timeout.TimeoutException
                    || c instanceof java.util.concurrent.TimeoutException) {
                return true; // refused, reset, premature close, read/connect/pool timeouts, 5xx/429, cut bodies
            }
        }
        return false;
    }

    /** {@return the wait a {@code Retry-After} header asks for in seconds, or null (absent, or the rare date form)} */
    static Duration retryAfter(String header) {
        if (header != null) {
            try {
                long seconds = Long.parseLong(header.trim());
                return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** {@return the wait the server asked for with {@code Retry-After}, or null} */
    static Duration retryAfter(Throwable t) {
        return t instanceof TransientFailure f ? f.retryAfter : null;
    }
}
