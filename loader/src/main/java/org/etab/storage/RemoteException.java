package org.etab.storage;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A remote object that could not be fetched. The message names the URL (without user info, its query string
 * redacted: presigned URLs carry credentials there; see {@link #redact(URI)}), the HTTP status when there was one,
 * and the attempts made.
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

    /**
     * A URL as every message, failure and log line shows it: {@code scheme://host:port/path}, without the user info
     * ({@code user:password@}) and the fragment, and with {@code ?...} in place of a query string (presigned URLs carry
     * their signature there).
     *
     * @param uri a URL
     * @return the URL without its credentials
     */
    public static String redact(URI uri) {
        String authority = uri.getRawAuthority();
        // the raw authority, not getHost(): a host Java cannot parse (an underscore) is shown, not "null"
        String host = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String s = uri.getScheme() + "://" + host + path;
        return uri.getRawQuery() == null ? s : s + "?...";
    }

    /**
     * As {@link #redact(URI)} for text that may not be a valid URI (a flag's value): if it does not parse, everything
     * up to the last {@code @} before the query is dropped from the authority on, which may hide more than the user
     * info but never shows it.
     *
     * @param url text meant as a URL
     * @return the text without user info or query
     */
    public static String redact(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() != null && uri.getRawAuthority() != null) {
                return redact(uri);
            }
        } catch (URISyntaxException e) {
            // redacted as text below
        }
        int end = url.length();
        for (char c : new char[] {'?', '#'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int at = url.lastIndexOf('@', end - 1);
        String s = at >= start ? url.substring(0, start) + url.substring(at + 1, end) : url.substring(0, end);
        return end < url.length() && url.charAt(end) == '?' ? s + "?..." : s;
    }
}
