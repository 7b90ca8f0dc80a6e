package org.etab.source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.etab.decode.DatasetException;

/**
 * Positions of the required columns of a CSV file, found by name in its header. Names are compared
 * trimmed and case-insensitively; extra columns are ignored, the first of duplicated names wins.
 */
public final class CsvColumns {
    private final int[] index;
    private final int headerSize;

    private CsvColumns(int[] index, int headerSize) {
        this.index = index;
        this.headerSize = headerSize;
    }

    /**
     * Finds each required column in {@code header}.
     *
     * @param file     the CSV file, for the message
     * @param header   the header line's fields
     * @param required the column names the reader needs, in the order {@link #at} indexes them
     * @return the positions of the required columns
     * @throws DatasetException naming the file and every required column the header lacks
     */
    public static CsvColumns of(Path file, List<String> header, String... required) {
        int[] index = new int[required.length];
        List<String> missing = new ArrayList<>();
        for (int r = 0; r < required.length; r++) {
            index[r] = -1;
            String want = required[r].toLowerCase(Locale.ROOT);
            for (int h = 0; h < header.size(); h++) {
                if (header.get(h).trim().toLowerCase(Locale.ROOT).equals(want)) {
                    index[r] = h;
                    break;
                }
            }
            if (index[r] < 0) {
                missing.add(required[r]);
            }
        }
        if (!missing.isEmpty()) {
            String hint = missing.size() == required.length ? " (is the header line missing?)" : "";
            throw new DatasetException(
                    file,
                    "missing required column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                            + "; header is " + header + hint);
        }
        return new CsvColumns(index, header.size());
    }

    /**
     * Position of a required column.
     *
     * @param i the index of the name in the order given to {@link #of}
     * @return the 0-based field index of that column in each row
     */
    public int at(int i) {
        return index[i];
    }

    /**
     * Number of fields in the header.
     *
     * @return the field count every data row must have exactly
     */
    public int headerSize() {
        return headerSize;
    }
}
