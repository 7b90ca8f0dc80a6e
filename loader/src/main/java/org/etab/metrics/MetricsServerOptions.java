package org.etab.metrics;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a {@link MetricsServer} listens and the bounds it keeps. Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * MetricsServerOptions o = MetricsServerOptions.builder().port(9464).maxConnections(16).build();
 * }</pre>
 *
 * <ul>
 * <li>{@code host}: the interface to listen on ({@value MetricsServer#DEFAULT_HOST}, this machine only)
 * <li>{@code port}: 0..65535; 0 picks a free port (0)
 * <li>{@code maxConnections}: connections open at once ({@value #DEFAULT_MAX_CONNECTIONS}); one more is closed as
 *     soon as it is accepted, so the server never holds more sockets than this (plus its listening one), whatever
 *     clients do, and cannot take the file descriptors that decoding needs
 * <li>{@code idleTimeout}: a connection that has sent no request for this long is closed (30 s), and so is one
 *     whose client has not taken a response in full within this long; Prometheus and the
 *     dashboard reconnect when they next ask
 * </ul>
 */
public final class MetricsServerOptions {
    /**
     * Enough for Prometheus, a few dashboards (a browser opens up to 6 connections) and curl, far below any usual
     * limit of open files per process (1,024 and up).
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    /**
     * 30 s: longer than the shipped Prometheus scrape interval (5 s, {@code config/prometheus.yml}) and the
     * dashboard's one-second poll, so their kept-alive connections stay open; a slower client reconnects on its
     * next request.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final int maxConnections;
    private final Duration idleTimeout;

    private MetricsServerOptions(Builder b) {
        host = b.host;
        port = b.port;
        maxConnections = b.maxConnections;
        idleTimeout = b.idleTimeout;
    }

    /**
     * A builder with the defaults above.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings, to make a changed copy.
     *
     * @return a new builder; these options are not changed by it
     */
    public Builder toBuilder() {
        return new Builder()
                .host(host)
                .port(port)
                .maxConnections(maxConnections)
                .idleTimeout(idleTimeout);
    }

    /**
     * The interface to listen on.
     *
     * @return a host name or address, not blank
     */
    public String host() {
        return host;
    }

    /**
     * The port to listen on.
     *
     * @return 0..65535; 0: any free port
     */
    public int port() {
        return port;
    }

    /**
     * The most connections open at once; one more is closed as soon as it is accepted.
     *
     * @return >= 1
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * How long a connection may go without a request, or with a response its client has not taken in full, before
     * it is closed.
     *
     * @return a positive duration
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricsServerOptions x
                && host.equals(x.host)
                && port == x.port
                && maxConnections == x.maxConnections
                && idleTimeout.equals(x.idleTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, maxConnections, idleTimeout);
    }

    @Override
    public String toString() {
        return "MetricsServerOptions[host=" + host + ", port=" + port + ", maxConnections=" + maxConnections
                + ", idleTimeout=" + idleTimeout + "]";
    }

    /** Builds {@link MetricsServerOptions}; each setter is named after the setting it sets. Not thread-safe. */
    public static final class Builder {
        private String host = MetricsServer.DEFAULT_HOST;
        private int port;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

        private Builder() {}

        /**
         * Sets the interface to listen on.
         *
         * @param host a name or address, not null or blank (default {@value MetricsServer#DEFAULT_HOST}, this
         *             machine only); another interface exposes unauthenticated metrics to that network
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the port to listen on.
         *
         * @param port 0..65535; 0 (default) picks a free port, which {@link MetricsServer#port()} tells
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the most connections open at once.
         *
         * @param maxConnections >= 1 (default {@value MetricsServerOptions#DEFAULT_MAX_CONNECTIONS})
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets how long a connection may go without a request, or with a response its client has not taken in
         * full, before it is closed.
         *
         * @param idleTimeout positive, not null (default 30 s)
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Checks every setting and builds.
         *
         * @return new options
         * @throws IllegalArgumentException naming the setting, its value and the range accepted
         * @throws NullPointerException     when {@code host} or {@code idleTimeout} is null
         */
        public MetricsServerOptions build() {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host required but was blank");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port 0..65535 required but was " + port);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections >= 1 required but was " + maxConnections);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout > 0 required but was " + idleTimeout);
            }
            return new MetricsServerOptions(this);
        }
    }
}
