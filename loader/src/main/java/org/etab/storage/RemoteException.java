package org.etab.storage;

import java.net.URI;

/**
 * A remote object that could not be fetched. The message names the URL (its query string redacted: presigned
 * URLs carry credentials there), the HTTP status when there was one, and the attempts made.
 */
public final class RemoteException extends RuntimeException {
    private final transient URI uri;
    private final int status;
    private final int attempts;

    RemoteException(URI uri, int status, int attempts, String reason, Throwable cause) {
        super(redact(uri) + ": " + reason, cause);
        this.uri = uri;
        this.status = status;
        this.attempts = attempts;
    }

    /** The URL requested, query string included. */
    public URI uri() {
        return uri;
    }

    /** The last HTTP status received, or -1 when the failure was not an HTTP status (I/O, timeout, ...). */
    public int status() {
        return status;
    }

    /** The requests made for this object before giving up. */
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
