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
    private final Duration requestTimeout;
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
        maxAttempts = b.maxAttempts;
        backoff = b.backoff;
        maxObjectBytes = b.maxObjectBytes;
        maxBytesInFlight = b.maxBytesInFlight;
        cacheDir = b.cacheDir;
        cacheMaxBytes = b.cacheMaxBytes;
        ioThreads = b.ioThreads;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder()
                .headers(headers)
                .maxConcurrency(maxConcurrency)
                .requestTimeout(requestTimeout)
                .maxAttempts(maxAttempts)
                .backoff(backoff)
                .maxObjectBytes(maxObjectBytes)
                .maxBytesInFlight(maxBytesInFlight)
                .cacheDir(cacheDir)
                .cacheMaxBytes(cacheMaxBytes)
                .ioThreads(ioThreads);
    }

    /** One event loop thread per 4 cores, from 1 to 4. */
    public static int defaultIoThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 4));
    }

    public Map<String, String> headers() {
        return headers;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration backoff() {
        return backoff;
    }

    public long maxObjectBytes() {
        return maxObjectBytes;
    }

    public long maxBytesInFlight() {
        return maxBytesInFlight;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public long cacheMaxBytes() {
        return cacheMaxBytes;
    }

    public int ioThreads() {
        return ioThreads;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpStoreOptions x
                && headers.equals(x.headers)
                && maxConcurrency == x.maxConcurrency
                && requestTimeout.equals(x.requestTimeout)
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
                + requestTimeout + ", maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", maxObjectBytes="
                + maxObjectBytes + ", maxBytesInFlight=" + maxBytesInFlight + ", cacheDir=" + cacheDir
                + ", cacheMaxBytes=" + cacheMaxBytes + ", ioThreads=" + ioThreads + "]";
    }

    /** Builds {@link HttpStoreOptions}; each setter is named after the setting it sets. Not thread-safe. */
    public static final class Builder {
        private Map<String, String> headers = Map.of();
        private int maxConcurrency = 32;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 5;
        private Duration backoff = Duration.ofMillis(100);
        private long maxObjectBytes = 1L << 30;
        private long maxBytesInFlight = 256L << 20;
        private Path cacheDir;
        private long cacheMaxBytes;
        private int ioThreads = defaultIoThreads();

        private Builder() {}

        public Builder headers(Map<String, String> headers) {
            this.headers = headers;
            return this;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder maxObjectBytes(long maxObjectBytes) {
            this.maxObjectBytes = maxObjectBytes;
            return this;
        }

        public Builder maxBytesInFlight(long maxBytesInFlight) {
            this.maxBytesInFlight = maxBytesInFlight;
            return this;
        }

        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder cacheMaxBytes(long cacheMaxBytes) {
            this.cacheMaxBytes = cacheMaxBytes;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting, its value and the range accepted */
        public HttpStoreOptions build() {
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(backoff, "backoff");
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency >= 1 required but was " + maxConcurrency);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout > 0 required but was " + requestTimeout);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts >= 1 required but was " + maxAttempts);
            }
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("backoff >= 0 required but was " + backoff);
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
            return new HttpStoreOptions(this);
        }
    }
}
