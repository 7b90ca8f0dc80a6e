package org.etab.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 206's {@code Content-Range: bytes START-END/SIZE} ({@code SIZE} may be {@code *}, unknown: -1 here). What a
 * server sends is not trusted: a header that is absent, malformed, or whose numbers do not fit a {@code long} parses
 * as {@link #NONE}, which matches no range asked for.
 */
record ContentRange(long start, long end, long size) {
    /** No usable Content-Range. */
    static final ContentRange NONE = new ContentRange(-1, -1, -1);

    private static final Pattern FORMAT = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

    /** {@return the header's range, or {@link #NONE}} 18 digits at most: every such number fits a {@code long}. */
    static ContentRange parse(String header) {
        Matcher m = header == null ? null : FORMAT.matcher(header);
        if (m == null || !m.matches()) {
            return NONE;
        }
        return new ContentRange(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)),
                m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3)));
    }
}
