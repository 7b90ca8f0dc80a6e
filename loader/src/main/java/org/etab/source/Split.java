package org.etab.source;

import java.util.Locale;

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
}
