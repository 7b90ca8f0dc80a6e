package org.etab.pipeline;

/**
 * The one bound on work in flight, {@code batchesAhead = threads + prefetch} (FFCV's {@code batches_ahead}): one
 * batch in assembly per decode thread plus {@code prefetch} assembled ahead. Of the three numbers, those set
 * explicitly are kept and the rest derived: any two give the third; {@code batchesAhead} alone gives
 * {@code threads = min(cores, batchesAhead)} and the rest as prefetch; without it, threads default to the cores and
 * prefetch to 2 (threads at most {@link PipelineOptions#MAX_IN_FLIGHT} - 2). Explicit values that contradict each other are refused, naming them.
 *
 * <p>It keeps what was set explicitly so that a changed copy of the options derives the same way again.
 *
 * @param threads       decode threads
 * @param prefetch      batches assembled ahead beyond one per thread
 * @param askedThreads  threads as set explicitly, or null when derived
 * @param askedPrefetch prefetch as set explicitly, or null when derived
 * @param askedAhead    {@code batchesAhead} as set explicitly, or null when derived
 */
record InFlightBound(int threads, int prefetch, Integer askedThreads, Integer askedPrefetch, Integer askedAhead) {
    private static final int DEFAULT_PREFETCH = 2;

    /**
     * Derives the numbers not set from those set. The caller has checked each set value against its own range
     * ({@code threads >= 1}, {@code prefetch >= 0}, {@code batchesAhead >= 1}, each at most
     * {@link PipelineOptions#MAX_IN_FLIGHT}), so no sum here overflows.
     *
     * @param threads      decode threads as set, or null
     * @param prefetch     batches ahead beyond one per thread as set, or null
     * @param batchesAhead the bound as set, or null
     * @param cores        the processors available, the default number of threads
     * @return the numbers set and those derived
     * @throws IllegalArgumentException when the values set contradict each other, or their sum is above
     *                                  {@link PipelineOptions#MAX_IN_FLIGHT}
     */
    static InFlightBound derive(Integer threads, Integer prefetch, Integer batchesAhead, int cores) {
        int t;
        int p;
        if (batchesAhead == null) {
            p = prefetch != null ? prefetch : DEFAULT_PREFETCH;
            // the cores, within the bound with the default prefetch: a machine of more cores still builds by default
            t = threads != null ? threads : Math.min(cores, PipelineOptions.MAX_IN_FLIGHT - DEFAULT_PREFETCH);
        } else if (threads != null && prefetch != null) {
            if (threads + prefetch != batchesAhead) {
                throw new IllegalArgumentException("batchesAhead = threads + prefetch required but was batchesAhead "
                        + batchesAhead + ", threads " + threads + ", prefetch " + prefetch
                        + " (set two of the three; the third follows)");
            }
            t = threads;
            p = prefetch;
        } else if (threads != null) {
            if (threads > batchesAhead) {
                throw new IllegalArgumentException("threads <= batchesAhead required but was threads " + threads
                        + ", batchesAhead " + batchesAhead + " (a thread without a batch to assemble idles)");
            }
            t = threads;
            p = batchesAhead - threads;
        } else if (prefetch != null) {
            if (prefetch >= batchesAhead) {
                throw new IllegalArgumentException("prefetch < batchesAhead required but was prefetch " + prefetch
                        + ", batchesAhead " + batchesAhead + " (at least one decode thread)");
            }
            t = batchesAhead - prefetch;
            p = prefetch;
        } else {
            t = Math.min(cores, batchesAhead);
            p = batchesAhead - t;
        }
        if (t + p > PipelineOptions.MAX_IN_FLIGHT) {
            throw new IllegalArgumentException(
                    "threads + prefetch <= " + PipelineOptions.MAX_IN_FLIGHT + " required but was " + (t + p));
        }
        return new InFlightBound(t, p, threads, prefetch, batchesAhead);
    }

    int batchesAhead() {
        return threads + prefetch;
    }

    /** Tasks of a sample stream (one sample each) in flight: enough to keep every thread busy. */
    int sampleTasks() {
        return threads * 2 + prefetch;
    }
}
