package org.etab.storage;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * One {@link HttpStore}'s connection pool and event loop threads, made for it and ended with it. {@link #close()}
 * waits (bounded) until the pool's connections are closed and the loops' threads have ended, so that a process
 * opening a store per experiment (a sweep, k folds) never holds the threads and descriptors of stores it closed.
 *
 * <p>Threading: {@link #close()} is idempotent only through its caller ({@link HttpStore} closes once); called on a
 * thread that must not block (an event loop, Reactor's {@code parallel}), it starts the same shutdown without waiting.
 */
final class StoreConnections implements AutoCloseable {
    /**
     * How long the loops keep running after their last task: a connect that raced the close completes in it and is
     * closed, where with no quiet period it would complete on a loop already gone and stay established for good.
     */
    static final Duration QUIET = Duration.ofMillis(100);
    /** The longest wait for the pool and for the loops: a server that never answers a close does not hold ours. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(StoreConnections.class);

    private final ConnectionProvider provider;
    private final LoopResources loops;

    StoreConnections(HttpStoreOptions options) {
        // our own pool, as large as the concurrency bound: the store's request slots keep its pending queue near empty
        provider = ConnectionProvider.builder("etab-http-store")
                .maxConnections(options.maxConcurrency())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(options.requestTimeout())
                .maxIdleTime(Duration.ofSeconds(20)) // below common server keep-alive timeouts (S3 ~20 s, nginx 75 s)
                .build();
        // our own event loops, fewer than Reactor Netty's default (one per core, at least 4): one thread moves
        // gigabytes per second, and on a small machine every extra loop thread is another wake-up per response
        // competing with the decoders
        loops = LoopResources.create("etab-http", options.ioThreads(), true);
    }

    /** {@return a client on this pool and these loops, to be configured further} */
    HttpClient client() {
        return HttpClient.create(provider).runOn(loops);
    }

    /** Closes the pool's connections, then ends the loops; waits for both, at most {@link #CLOSE_TIMEOUT} each. */
    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            provider.dispose();
            loops.disposeLater(QUIET, CLOSE_TIMEOUT).subscribe();
            return;
        }
        try {
            provider.disposeLater().block(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debug("http: the connection pool did not close within {}", CLOSE_TIMEOUT, e);
        }
        try {
            loops.disposeLater(QUIET, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT.plus(QUIET));
        } catch (RuntimeException e) {
            LOG.debug("http: the event loops did not end within {}", CLOSE_TIMEOUT, e);
        }
    }
}
