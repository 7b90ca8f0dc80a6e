package org.etab.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The scrapes of {@code /metrics} that have read the registry: each takes a ticket before it reads and hands it back
 * after, so that {@link MetricsServer#awaitScrape} waits for a scrape that began reading after its call, not for one
 * in progress at the call, whose numbers may be older than the call (a run's last moments).
 *
 * <p>Threading: thread-safe.
 */
final class ScrapeTickets {
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong newestDone = new AtomicLong();

    /** A scrape is about to read the registry; returns its ticket. */
    long take() {
        return issued.incrementAndGet();
    }

    /** The scrape holding {@code ticket} has read the registry. */
    void done(long ticket) {
        newestDone.accumulateAndGet(ticket, Math::max);
    }

    /** The newest ticket taken so far: scrapes that began reading up to now hold it or an older one. */
    long newest() {
        return issued.get();
    }

    /** Whether a scrape that took its ticket after {@code ticket} has read the registry. */
    boolean doneAfter(long ticket) {
        return newestDone.get() > ticket;
    }
}
