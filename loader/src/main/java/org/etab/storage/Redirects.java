package org.etab.storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import reactor.netty.http.client.HttpClientInfos;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The store's redirect rules, applied hop by hop through Reactor Netty's {@code followRedirect(predicate,
 * redirectRequestConsumer)}:
 * <ul>
 * <li>only to {@code http}/{@code https} URLs (a {@code file:} or other target is refused, naming it);
 * <li>at most {@link #MAX} hops, and never to a URL already visited (a loop is refused at once, naming the chain);
 * <li>a hop to another origin (scheme, host or port other than the root's) carries none of the user's headers
 *     ({@link HttpStoreOptions#headers}: tokens, API keys), as if they were credentials for the root alone.
 * </ul>
 * A redirect not followed reaches {@link Download}, which fails with {@link #refusal}.
 */
final class Redirects {
    /** The most redirects followed for one request (browsers allow about 20, curl 50; a dataset needs 1 or 2). */
    static final int MAX = 10;

    private Redirects() {}

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Whether to follow the redirect {@code res} answers to {@code req}. */
    static boolean follow(HttpClientRequest req, HttpClientResponse res) {
        if (!isRedirect(res.status().code())) {
            return false;
        }
        URI target = target(res);
        return target != null
                && isHttp(target)
                && req.redirectedFrom().length < MAX
                && !chain(res).contains(target);
    }

    /** Removes the user's headers from a redirected request that leaves the root's origin. */
    static void dropUserHeadersOffOrigin(URI root, Collection<String> userHeaders, HttpClientRequest next) {
        URI to = parse(next.resourceUrl());
        if (to == null || !sameOrigin(root, to)) {
            userHeaders.forEach(next.requestHeaders()::remove);
        }
    }

    /** Why a redirect was not followed, naming the URLs (queries hidden). */
    static String refusal(HttpClientResponse res) {
        int code = res.status().code();
        String location = res.responseHeaders().get("Location");
        if (location == null) {
            return "HTTP " + code + " redirect without a Location header";
        }
        URI target = target(res);
        List<URI> chain = chain(res);
        if (target == null) {
            return "HTTP " + code + " redirect to a malformed Location '" + location + "' from "
                    + name(chain.get(chain.size() - 1));
        }
        if (!isHttp(target)) {
            return "refused HTTP " + code + " redirect to " + name(target) + " from "
                    + name(chain.get(chain.size() - 1)) + ": only http and https URLs are followed";
        }
        List<String> names = new ArrayList<>();
        chain.forEach(u -> names.add(name(u)));
        names.add(name(target));
        String hops = String.join(" -> ", names);
        if (chain.contains(target)) {
            return "redirect loop: " + hops;
        }
        return "too many redirects (more than " + MAX + "): " + hops;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static boolean isHttp(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
    }

    /** The URLs requested so far, the one that answered {@code info} last. */
    private static List<URI> chain(HttpClientInfos info) {
        List<URI> chain = new ArrayList<>();
        for (String u : info.redirectedFrom()) {
            URI parsed = parse(u);
            if (parsed != null) {
                chain.add(parsed);
            }
        }
        URI current = parse(info.resourceUrl());
        if (current != null) {
            chain.add(current);
        }
        return chain;
    }

    /** The Location, resolved against the URL that sent it; null when absent or malformed. */
    private static URI target(HttpClientResponse res) {
        String location = res.responseHeaders().get("Location");
        URI current = parse(res.resourceUrl());
        if (location == null || current == null) {
            return null;
        }
        try {
            return current.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static URI parse(String url) {
        try {
            return url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String name(URI u) {
        if (u.getScheme() != null && u.getRawAuthority() != null) {
            return RemoteException.redact(u);
        }
        // no authority (file:///x, a bare path): no user info, but a query or fragment may carry a token
        String s = u.toString();
        int cut = s.length();
        for (char c : new char[] {'?', '#'}) {
            int i = s.indexOf(c);
            cut = i >= 0 ? Math.min(cut, i) : cut;
        }
        return cut == s.length() ? s : s.substring(0, cut) + "?...";
    }
}
