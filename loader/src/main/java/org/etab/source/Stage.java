package org.etab.source;

import java.util.Locale;

/**
 * Where a sample failed, or (for {@link #INDEX}) where a row of the selection was rejected. Its {@link #toString()} is the lowercase name written to reports, metrics tags and
 * messages ({@code decode}, {@code timeout}, ...).
 */
public enum Stage {
    /** Never planned: the index could not use the row (a bad field, an unsafe name, missing tracings). */
    INDEX,
    /**
     * Known before any I/O: the record cannot give this sample (too short without padding, no ground truth; for
     * {@code etab export}, an id too long for a file name).
     */
    PLAN,
    /** The bytes could not be fetched from remote storage. */
    FETCH,
    /** The file could not be opened, read or decoded (missing, corrupt, truncated, wrong format). */
    DECODE,
    /** The label could not be made (e.g. a tracing that cannot be rasterized). */
    TARGET,
    /** The sample took longer than the pipeline's sample timeout. */
    TIMEOUT,
    /** A bug: an unexpected exception while producing the sample (its class and message are the reason). */
    INTERNAL;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
