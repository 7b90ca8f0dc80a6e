package org.etab.source;

import java.util.Locale;

/** An enum constant that an index CSV names by a text label (TMED-2's {@code view_label}, {@code diagnosis_label}). */
public interface CsvLabel {

    /**
     * The constant's value in its CSV column.
     *
     * @return the text, compared case-insensitively by {@link #parse}
     */
    String label();

    /**
     * The constant of {@code type} whose label is {@code text}, trimmed and in any case, or null when none is: the
     * reader decides whether an unknown value is a problem.
     *
     * @param <E>  the enum type
     * @param type the enum class
     * @param text the CSV value, not null
     * @return the matching constant, or null
     */
    static <E extends Enum<E> & CsvLabel> E parse(Class<E> type, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.label().toLowerCase(Locale.ROOT).equals(t)) {
                return e;
            }
        }
        return null;
    }
}
