package org.etab.storage;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Whole objects through the disk cache, the policy of {@link HttpStore}'s class comment: an entry this store fetched
 * or revalidated is served from disk; any other entry is revalidated first (a conditional GET with its ETag and
 * Last-Modified; 304: served from disk, 200: the new body replaces it); a miss is fetched and stored. A body the cache
 * cannot store is served all the same, and its key is not trusted (the next read asks the server again).
 *
 * <p>Threading: thread-safe; disk reads and writes run on Reactor's bounded-elastic threads. Backpressure: a cached
 * body read into memory takes its bytes from the same reservation as a downloaded one.
 */
final class CachedFetches {
    private final DiskCache cache;
    private final AsyncPermits bytes;
    private final Retries retries;
    /** A new download of a URL, conditional when validators are given (empty on 304). */
    private final BiFunction<URI, Validators, Download> downloads;
    /** Cache keys fetched or revalidated by this store: served from disk without asking the server again. */
    private final Set<String> trusted = ConcurrentHashMap.newKeySet();

    CachedFetches(
            DiskCache cache, AsyncPermits bytes, Retries retries, BiFunction<URI, Validators, Download> downloads) {
        this.cache = cache;
        this.bytes = bytes;
        this.retries = retries;
        this.downloads = downloads;
    }

    /** The cache key of the object at {@code url}: the URL without its query string (signatures and tokens change). */
    static String key(URI url) {
        return DiskCache.key(url.getScheme().toLowerCase(Locale.ROOT) + "://"
                + url.getHost().toLowerCase(Locale.ROOT) + ":" + url.getPort() + url.getRawPath());
    }

    /**
     * The object at {@code url} through the cache, with the validators of the version it is (the entry's, or the
     * response's); a non-null {@code deadline} fails a fetch once it has passed. With {@code revalidate} an entry
     * this store trusts is revalidated all the same (the caller saw the server serve another version). An object
     * above {@code maxBytes} fails; an entry above it is not read (the server is asked, and refused on its size).
     */
    Mono<DiskCache.Cached> get(URI url, Retries.Deadline deadline, boolean revalidate, long maxBytes) {
        String key = key(url);
        if (revalidate) {
            trusted.remove(key);
        }
        if (trusted.contains(key)) {
            return fromCache(key, null, maxBytes).switchIfEmpty(fetchAndKeep(url, key, null, deadline, maxBytes));
        }
        return Mono.fromCallable(() -> Optional.ofNullable(cache.validators(key)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(v -> v.isEmpty() || v.get().isNone()
                        ? fetchAndKeep(url, key, null, deadline, maxBytes)
                        : fetchAndKeep(url, key, v.get(), deadline, maxBytes) // empty: 304, still the server's
                                .switchIfEmpty(fromCache(key, v.get(), maxBytes))
                                .switchIfEmpty(fetchAndKeep(url, key, null, deadline, maxBytes)));
    }

    /** A fetch ({@code ifChanged} non-null: conditional, empty on 304) whose body is kept in the cache. */
    private Mono<DiskCache.Cached> fetchAndKeep(
            URI url, String key, Validators ifChanged, Retries.Deadline deadline, long maxBytes) {
        return Mono.defer(() -> {
            Download d = downloads.apply(url, ifChanged).atMost(maxBytes);
            return retries.run(d, deadline)
                    .flatMap(buf -> Mono.fromCallable(() -> {
                                // not stored (too large, disk full): any older entry is gone or stays untrusted
                                if (cache.put(key, buf, d.validators())) {
                                    trusted.add(key);
                                }
                                return new DiskCache.Cached(buf, d.validators());
                            })
                            .subscribeOn(Schedulers.boundedElastic()))
                    .doFinally(s -> d.releaseBytes());
        });
    }

    /**
     * The cached body, empty on a miss, when its validators are not {@code expected} (null: any), or when it is
     * larger than {@code maxBytes}.
     */
    private Mono<DiskCache.Cached> fromCache(String key, Validators expected, long maxBytes) {
        return Mono.defer(() -> {
            long size = cache.size(key);
            if (size < 0 || size > maxBytes) {
                return Mono.empty();
            }
            // a cached body held in memory counts against the same bound as a downloaded one
            return Mono.usingWhen(
                    bytes.acquire(Math.max(1, size)),
                    p -> Mono.fromCallable(() -> {
                                DiskCache.Cached c = cache.read(key);
                                if (c == null || (expected != null && !expected.equals(c.validators()))) {
                                    return null; // gone, corrupt, or replaced since it was revalidated
                                }
                                trusted.add(key);
                                return c;
                            })
                            .subscribeOn(Schedulers.boundedElastic()),
                    p -> Mono.fromRunnable(p::release));
        });
    }
}
