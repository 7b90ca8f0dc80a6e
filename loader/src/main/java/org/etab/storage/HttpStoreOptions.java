package org.etab.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of an {@link HttpStore}, made with {@link #builder()}. Immutable; header values are credentials and never printed.
 * <ul>
 * <li>{@code headers}: sent with every request (e.g. {@code Authorization}); none by default
 * <li>{@code maxConcurrency}: requests in progress at once, and the connection pool's size (32)
 * <li>{@code requestTimeout}: the longest wait to connect, for the headers, or for the next body chunk, so a
 *     slow but moving download is not cut off (30 s)
 * <li>{@code readDeadline}: the longest a blocking {@link HttpStore#read} (the index files) may take in all, retries
 *     included, so that a server trickling bytes slower than any use cannot hold the dataset's opening forever (5 min)
 * <li>{@code maxAttempts}: requests per object before giving up, 1 = no retries (5)
 * <li>{@code backoff}: the wait before the first retry, doubled each time with jitter, capped at 30 s (100 ms)
 * <li>{@code maxObjectBytes}: the largest object accepted; a larger one fails naming its URL (1 GiB)
 * <li>{@code maxBytesInFlight}: bodies held at once, in bytes (256 MiB)
 * <li>{@code cacheDir}, {@code cacheMaxBytes}: the disk cache and its size bound, whole objects evicted least
 *     recently used first (none). The cache keeps to its own subdirectory, {@code cacheDir/etab-cache-v1}, and never
 *     touches other files in {@code cacheDir}; entries are revalidated with the server once per store
 * <li>{@code ioThreads}: the event loop threads that run the requests ({@link #defaultIoThreads()})
 * </ul>
 *
 * <pre>{@code
 * HttpStoreOptions o = HttpStoreOptions.builder().headers(Map.of("Authorization", token))
 *     .cacheDir(dir).cacheMaxBytes(10L << 30).build();
 * }</pre>
 */
public final class HttpStoreOptions {
    private final Map<String, String> headers;
    private final int maxConcurrency;
    /** The longest {@link Builder#requestTimeout}: a day (a connect, headers or chunk slower than that is gone). */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    /** The longest wait between attempts, 30 s: the backoff, doubled per retry, and a server's Retry-After stop there. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Duration requestTimeout;
    private final Duration readDeadline;
    private final int maxAttempts;
    private final Duration backoff;
    private final long maxObjectBytes;
    private final long maxBytesInFlight;
    private final Path cacheDir;
    private final long cacheMaxBytes;
    private final int ioThreads;

    private HttpStoreOptions(Builder b) {
        headers = Map.copyOf(b.headers);
        maxConcurrency = b.maxConcurrency;
        requestTimeout = b.requestTimeout;
        readDeadline = b.readDeadline;
        maxAttempts = b.maxAttempts;
        backoff = b.backoff;
        maxObjectBytes = b.maxObjectBytes;
        maxBytesInFlight = b.maxBytesInFlight;
        cacheDir = b.cacheDir;
        cacheMaxBytes = b.cacheMaxBytes;
        ioThreads = b.ioThreads;
    }

    /** {@return a builder with the defaults above} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these settings, to make a changed copy} */
    public Builder toBuilder() {
        return new Builder()
                .headers(headers)
                .maxConcurrency(maxConcurrency)
                .requestTimeout(requestTimeout)
                .readDeadline(readDeadline)
                .maxAttempts(maxAttempts)
                .backoff(backoff)
                .maxObjectBytes(maxObjectBytes)
                .maxBytesInFlight(maxBytesInFlight)
                .cacheDir(cacheDir)
                .cacheMaxBytes(cacheMaxBytes)
                .ioThreads(ioThreads);
    }

    /** {@return one event loop thread per 4 cores (of {@code availableProcessors()}), from 1 to 4} */
    public static int defaultIoThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 4));
    }

    /** {@return the headers sent with every request, immutable (values are credentials: never log them)} */
    public Map<String, String> headers() {
        return headers;
    }

    /** {@return the most requests in progress at once, also the connection pool's size} */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** {@return the longest wait to connect, for the headers, or for the next body chunk} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@return the longest a blocking {@link HttpStore#read} may take in all, retries included} */
    public Duration readDeadline() {
        return readDeadline;
    }

    /** {@return the requests per object before giving up; 1 means no retries} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the wait before the first retry (doubled each retry, with jitter, capped at 30 s)} */
    public Duration backoff() {
        return backoff;
    }

    /** {@return the largest object accepted, in bytes} */
    public long maxObjectBytes() {
        return maxObjectBytes;
    }

    /** {@return the most bytes of bodies held at once} */
    public long maxBytesInFlight() {
        return maxBytesInFlight;
    }

    /** {@return the disk cache's directory, or null for no cache} */
    public Path cacheDir() {
        return cacheDir;
    }

    /** {@return the disk cache's size bound in bytes (meaningful only with a cache directory)} */
    public long cacheMaxBytes() {
        return cacheMaxBytes;
    }

    /** {@return the event loop threads that run the requests} */
    public int ioThreads() {
        return ioThreads;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpStoreOptions x
                && headers.equals(x.headers)
                && maxConcurrency == x.maxConcurrency
                && requestTimeout.equals(x.requestTimeout)
                && readDeadline.equals(x.readDeadline)
                && maxAttempts == x.maxAttempts
                && backoff.equals(x.backoff)
                && maxObjectBytes == x.maxObjectBytes
                && maxBytesInFlight == x.maxBytesInFlight
                && Objects.equals(cacheDir, x.cacheDir)
                && cacheMaxBytes == x.cacheMaxBytes
                && ioThreads == x.ioThreads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                headers,
                maxConcurrency,
                requestTimeout,
                readDeadline,
                maxAttempts,
                backoff,
                maxObjectBytes,
                maxBytesInFlight,
                cacheDir,
                cacheMaxBytes,
                ioThreads);
    }

    @Override
    public String toString() {
        // header values are credentials: names only
        return "HttpStoreOptions[headers=" + headers.keySet() + ", maxConcurrency=" + maxConcurrency
                + ", requestTimeout="
                + requestTimeout + ", readDeadline=" + readDeadline + ", maxAttempts=" + maxAttempts + ", backoff="
                + backoff + ", maxObjectBytes="
                + maxObjectBytes + ", maxBytesInFlight=" + maxBytesInFlight + ", cacheDir=" + cacheDir
                + ", cacheMaxBytes=" + cacheMaxBytes + ", ioThreads=" + ioThreads + "]";
    }

    /** Builds {@link HttpStoreOptions}; each setter is named after the setting it sets. Not thread-safe. */
    public static final class Builder {
        private Map<String, String> headers = Map.of();
        private int maxConcurrency = 32;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration readDeadline = Duration.ofMinutes(5);
        private int maxAttempts = 5;
        private Duration backoff = Duration.ofMillis(100);
        private long maxObjectBytes = 1L << 30;
        private long maxBytesInFlight = 256L << 20;
        private Path cacheDir;
        private long cacheMaxBytes;
        private int ioThreads = defaultIoThreads();

        private Builder() {}

        /**
         * Headers sent with every request (e.g. {@code Authorization}); none by default.
         *
         * @param headers header names to values, not null; copied by {@link #build()}
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            this.headers = headers;
            return this;
        }

        /**
         * Requests in progress at once, and the connection pool's size (32).
         *
         * @param maxConcurrency the bound, {@code >= 1}
         * @return this builder
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * The longest wait to connect, for the headers, or for the next body chunk (30 s).
         *
         * @param requestTimeout the timeout, {@code > 0}, at most {@link #MAX_TIMEOUT} (a day)
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * The longest a blocking {@link HttpStore#read} (the index files) may take in all: waiting for a connection,
         * every attempt and the backoffs between them (5 min). It bounds a server that keeps a body coming a byte at
         * a time, which {@link #requestTimeout} alone never stops.
         *
         * @param readDeadline the deadline, {@code > 0}
         * @return this builder
         */
        public Builder readDeadline(Duration readDeadline) {
            this.readDeadline = readDeadline;
            return this;
        }

        /**
         * Requests per object before giving up (5).
         *
         * @param maxAttempts the attempts, {@code >= 1}; 1 means no retries
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The wait before the first retry, doubled each retry with jitter, capped at 30 s (100 ms).
         *
         * @param backoff the wait, {@code >= 0}, at most {@link #MAX_BACKOFF} (30 s)
         * @return this builder
         */
        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        /**
         * The largest object accepted; a larger one fails naming its URL (1 GiB).
         *
         * @param maxObjectBytes the size in bytes, in {@code [1, Integer.MAX_VALUE - 8]}
         * @return this builder
         */
        public Builder maxObjectBytes(long maxObjectBytes) {
            this.maxObjectBytes = maxObjectBytes;
            return this;
        }

        /**
         * Bytes of bodies held at once (256 MiB).
         *
         * @param maxBytesInFlight the bound in bytes, {@code >= 1}
         * @return this builder
         */
        public Builder maxBytesInFlight(long maxBytesInFlight) {
            this.maxBytesInFlight = maxBytesInFlight;
            return this;
        }

        /**
         * The disk cache's directory; the cache keeps to its subdirectory {@code etab-cache-v1} (none by default).
         *
         * @param cacheDir the directory, or null for no cache
         * @return this builder
         */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * The disk cache's size bound: whole objects are evicted least recently used first.
         *
         * @param cacheMaxBytes the bound in bytes, {@code >= 1} when a cache directory is set
         * @return this builder
         */
        public Builder cacheMaxBytes(long cacheMaxBytes) {
            this.cacheMaxBytes = cacheMaxBytes;
            return this;
        }

        /**
         * The event loop threads that run the requests ({@link #defaultIoThreads()}).
         *
         * @param ioThreads the thread count, {@code >= 1}
         * @return this builder
         */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * Checks the settings and makes the options.
         *
         * @return new options holding this builder's settings
         * @throws NullPointerException     naming the setting if {@code headers}, {@code requestTimeout},
         *                                  {@code readDeadline} or {@code backoff} is null, or a header's name or
         *                                  value
         * @throws IllegalArgumentException naming the setting, its value and the range accepted; for a header value
         *                                  with a CR, LF or NUL character, naming the header only
         */
        public HttpStoreOptions build() {
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(readDeadline, "readDeadline");
            Objects.requireNonNull(backoff, "backoff");
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency >= 1 required but was " + maxConcurrency);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero() || requestTimeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(
                        "requestTimeout in (0, " + MAX_TIMEOUT + "] required but was " + requestTimeout);
            }
            if (readDeadline.isNegative() || readDeadline.isZero()) {
                throw new IllegalArgumentException("readDeadline > 0 required but was " + readDeadline);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts >= 1 required but was " + maxAttempts);
            }
            if (backoff.isNegative() || backoff.compareTo(MAX_BACKOFF) > 0) {
                throw new IllegalArgumentException("backoff in [0, " + MAX_BACKOFF + "] required but was " + backoff);
            }
            if (maxObjectBytes < 1 || maxObjectBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "maxObjectBytes in [1, " + (Integer.MAX_VALUE - 8) + "] required but was " + maxObjectBytes);
            }
            if (maxBytesInFlight < 1) {
                throw new IllegalArgumentException("maxBytesInFlight >= 1 required but was " + maxBytesInFlight);
            }
            if (cacheDir != null && cacheMaxBytes < 1) {
                throw new IllegalArgumentException(
                        "cacheMaxBytes >= 1 required with a cacheDir but was " + cacheMaxBytes);
            }
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads >= 1 required but was " + ioThreads);
            }
            // Netty checks names but sends values as they are: a line break would put headers of its own on the wire
            headers.forEach((name, value) -> {
                Objects.requireNonNull(name, "headers: a header name is null");
                Objects.requireNonNull(value, () -> "headers: the value of " + name + " is null");
                if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                    throw new IllegalArgumentException("header " + name + ": its value has a CR, LF or NUL character,"
                            + " which would end the header line (the value is not shown: header values may be"
                            + " credentials)");
                }
            });
            return new HttpStoreOptions(this);
        }
    }
}
