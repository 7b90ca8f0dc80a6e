package org.etab.source;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
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

    /**
     * What is wrong with a row of {@code fields} where the header has {@code headerSize}: null when the count matches,
     * else {@code expected N fields but found M}, and, when a quoted field runs over several lines, that it does: an
     * unterminated quote swallows the rows after it into one field, which the count alone would not say.
     *
     * @param fields     the row's fields as the CSV reader split them
     * @param headerSize the header's field count
     * @return the problem, or null
     */
    public static String fieldCountProblem(List<String> fields, int headerSize) {
        if (fields.size() == headerSize) {
            return null;
        }
        String problem = "expected " + headerSize + " fields but found " + fields.size();
        for (int f = 0; f < fields.size(); f++) {
            // a quote left open at the end of the file also holds the file's last line break
            long lines =
                    fields.get(f).stripTrailing().chars().filter(c -> c == '\n').count();
            if (lines > 0) {
                return problem + " (field " + (f + 1) + " is quoted over " + (lines + 1)
                        + " lines: an unterminated quote takes the rows after it)";
            }
        }
        return problem;
    }

    /**
     * Why a CSV file could not be read, for a message: the exception's message and its causes' (the CSV reader's own
     * message names only the line, its cause says what was wrong there, e.g. a field over its size bound).
     *
     * @param e what reading threw
     * @return the messages from outermost to innermost, joined by {@code ": "}; or, when the reading thread was
     *     interrupted (an interrupted file channel closes itself), that, not a fault of the file
     */
    public static String describe(Exception e) {
        String interrupted = interruptedReading(e);
        if (interrupted != null) {
            return interrupted;
        }
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    /**
     * {@return "the reading thread was interrupted (...)" when {@code e} or a cause says so (an interrupted file
     * channel closes itself, and the CSV reader wraps that as an unreadable record), else null}
     *
     * @param e what reading threw
     */
    public static String interruptedReading(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // a socket's timeout is an InterruptedIOException too, but no interrupt
            if (c instanceof ClosedByInterruptException
                    || c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException)) {
                return "the reading thread was interrupted (" + c.getClass().getSimpleName() + ")";
            }
        }
        return null;
    }
}
