package org.etab.sampling;

import java.util.Locale;

/** Where clips start in a video. */
public enum ClipStart {
    /** One clip per video from a seeded random start (training). */
    RANDOM,
    /** One clip per video from frame 0 (deterministic evaluation). */
    FIRST,
    /**
     * Every non-overlapping clip of the video, back to back from frame 0 (full-coverage evaluation). Note
     * that echonet-dynamic's {@code clips="all"} takes every start frame (overlapping clips); this mode
     * covers each frame once instead.
     */
    ALL;

    /**
     * Parses a clip start as users write it, case-insensitively and ignoring surrounding blanks.
     *
     * @param text {@code random}, {@code first} or {@code all}
     * @return the clip start it names
     * @throws IllegalArgumentException naming the text if it is none of the three
     */
    public static ClipStart parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("clip start must be random, first or all but was '" + text + "'");
        }
    }
}
