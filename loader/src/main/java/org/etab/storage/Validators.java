package org.etab.storage;

/**
 * What a server said identifies one version of an object ({@code ETag}, {@code Last-Modified}; either may be
 * null), kept with a cache entry so that the entry can be revalidated with a conditional GET
 * ({@code If-None-Match}, {@code If-Modified-Since}).
 */
record Validators(String etag, String lastModified) {
    static final Validators NONE = new Validators(null, null);

    /** True when there is nothing to revalidate with: a conditional request is impossible. */
    boolean isNone() {
        return etag == null && lastModified == null;
    }

    /**
     * What an {@code If-Range} header can name this version by: the strong ETag, else the Last-Modified date; null
     * when there is neither (a weak ETag cannot be used with {@code If-Range}).
     */
    String ifRange() {
        return etag != null && !etag.startsWith("W/") ? etag : lastModified;
    }

    /**
     * How a 206 answering a resume keyed on these validators fails to show it continues this version, or null: any
     * validator it sends must match, and a strong ETag the resume named must be there (RFC 9110 has a 206 carry the
     * ETag a 200 would: one without it, or with only a date, may be any version's bytes).
     */
    String resumeChange(String tag, String modified) {
        String changed = changeTo(tag, modified);
        if (changed == null && etag != null && !etag.startsWith("W/") && tag == null) {
            return "ETag " + etag + ", now none";
        }
        return changed;
    }

    /** How a response's ETag or Last-Modified differs from these (compared when both are sent), or null. */
    String changeTo(String tag, String modified) {
        if (etag != null && tag != null && !etag.equals(tag)) {
            return "ETag " + etag + ", now " + tag;
        }
        if (lastModified != null && modified != null && !lastModified.equals(modified)) {
            return "Last-Modified " + lastModified + ", now " + modified;
        }
        return null;
    }
}
