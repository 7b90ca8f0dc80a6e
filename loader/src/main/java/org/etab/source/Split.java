package org.etab.source;

import java.util.Locale;
import java.util.Objects;

/** A dataset split. EchoNet's FileList spells them TRAIN/VAL/TEST; any case is accepted. */
public enum Split {
    /** The training split. */
    TRAIN,
    /** The validation split. */
    VAL,
    /** The test split. */
    TEST;

    /**
     * Parses a split name case-insensitively, surrounding blanks ignored.
     *
     * @param text the name, not null
     * @return the split
     * @throws IllegalArgumentException naming the value when it is not train, val or test
     */
    public static Split parse(String text) {
        switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "TRAIN":
                return TRAIN;
            case "VAL":
                return VAL;
            case "TEST":
                return TEST;
            default:
                throw new IllegalArgumentException("split must be train, val or test but was '" + text + "'");
        }
    }

    /**
     * Parses a selection of rows: a split, or {@code all}; case-insensitive, surrounding blanks ignored.
     *
     * @param text the name, not null
     * @return the split, or null for {@code all}
     * @throws IllegalArgumentException naming the value when it is not train, val, test or all
     */
    public static Split selection(String text) {
        Objects.requireNonNull(text, "split");
        if (text.trim().equalsIgnoreCase("all")) {
            return null;
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "split must be one of train, val, test, all (any case) but was '" + text + "'");
        }
    }
}
