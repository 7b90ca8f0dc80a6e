package org.etab.storage;

import java.net.URI;

/**
 * A remote object that could not be fetched. The message names the URL (its query string redacted: presigned
 * URLs carry credentials there), the HTTP status when there was one, and the attempts made.
 */
public final class RemoteException extends RuntimeException {
    private final transient URI uri;
    /** The last HTTP status received, or -1. */
    private final int status;
    /** The requests made before giving up. */
    private final int attempts;

    RemoteException(URI uri, int status, int attempts, String reason, Throwable cause) {
        super(redact(uri) + ": " + reason, cause);
        this.uri = uri;
        this.status = status;
        this.attempts = attempts;
    }

    /**
     * {@return the URL requested, query string included (it may carry credentials: log the message instead); null
     * after deserialization}
     */
    public URI uri() {
        return uri;
    }

    /** {@return the last HTTP status received, or -1 when the failure was not an HTTP status (I/O, timeout, ...)} */
    public int status() {
        return status;
    }

    /** {@return the requests made for this object before giving up} */
    public int attempts() {
        return attempts;
    }

    /** scheme://host:port/path: no user info, and "?..." in place of a query string. */
    static String redact(URI uri) {
        String s = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + uri.getRawPath();
        return uri.getRawQuery() == null ? s : s + "?...";
    }
}
