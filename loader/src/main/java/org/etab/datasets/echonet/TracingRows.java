package org.etab.datasets.echonet;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordWrapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.etab.source.Fields;

/**
 * A FastCSV callback handler for VolumeTracings.csv that parses each data row in place, straight from
 * FastCSV's character buffer: no String per field, no array per row (the real file has ~430,000 rows).
 * The handler is also the cursor: every record it yields is this same object, describing the row just read.
 *
 * <p>The first record is the header (its fields are kept as Strings); after reading it the caller hands
 * the column positions to {@link #startData}. Data rows then expose the line, the field count, the file name
 * (materialized only when it differs from the previous row's), the four coordinates and the frame, or the
 * reason the first bad field could not be parsed.
 *
 * <p>Threading: confined to the thread iterating its CsvReader; single use.
 */
final class TracingRows extends AbstractBaseCsvCallbackHandler<TracingRows> {
    private static final int NAME = 0, X1 = 1, Y1 = 2, X2 = 3, Y2 = 4, FRAME = 5, OTHER = -1;
    private static final String[] COLUMN = {"FileName", "X1", "Y1", "X2", "Y2", "Frame"};

    private final List<String> header = new ArrayList<>();
    private int[] roleOf; // field index -> role, null while reading the header

    private char[] name = new char[64];
    private int nameLength = -1;
    private boolean nameChanged;
    private boolean nameLengthSeen;
    private String nameText;

    final float[] xy = new float[4]; // X1, Y1, X2, Y2
    int frame;
    /** Why the row cannot be used (first bad field), or null. */
    String error;

    /** The header's fields; only meaningful for the first record. */
    List<String> header() {
        return header;
    }

    /** Switches to data rows; {@code positions[i]} is the field index of the i-th of FileName, X1, Y1, X2, Y2, Frame. */
    void startData(int headerSize, int... positions) {
        roleOf = new int[headerSize];
        Arrays.fill(roleOf, OTHER);
        for (int role = 0; role < positions.length; role++) {
            roleOf[positions[role]] = role;
        }
    }

    long line() {
        return getStartingLineNumber();
    }

    int fields() {
        return getFieldCount();
    }

    /** True when this row's FileName differs from the previous row's (or the previous row had none). */
    boolean nameChanged() {
        return nameChanged;
    }

    /** This row's FileName, untrimmed; a new String only when it changed. Null when the row has no such field. */
    String name() {
        if (nameText == null && nameLength >= 0) {
            nameText = new String(name, 0, nameLength);
        }
        return nameText;
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
        if (roleOf == null) {
            header.clear();
        }
        error = null;
        nameChanged = true; // until this row's name field says otherwise
        nameLengthSeen = false;
    }

    @Override
    protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
        if (roleOf == null) {
            header.add(new String(buf, offset, len));
            return;
        }
        int role = fieldIdx < roleOf.length ? roleOf[fieldIdx] : OTHER;
        if (role == NAME) {
            nameLengthSeen = true;
            if (len == nameLength && Arrays.equals(name, 0, len, buf, offset, offset + len)) {
                nameChanged = false;
            } else {
                if (name.length < len) {
                    name = new char[Math.max(len, name.length * 2)];
                }
                System.arraycopy(buf, offset, name, 0, len);
                nameLength = len;
                nameText = null;
            }
        } else if (role != OTHER && error == null) {
            try {
                if (role == FRAME) {
                    int v = Fields.plainNonNegativeInt(buf, offset, len);
                    frame = v >= 0 ? v : Fields.integer(new String(buf, offset, len), COLUMN[FRAME], 0);
                } else {
                    float v = Fields.plainFloat(buf, offset, len);
                    v = v == v ? v : Fields.finiteFloat(new String(buf, offset, len), COLUMN[role]);
                    xy[role - 1] = roundsAsWritten(v, buf, offset, len);
                }
            } catch (Fields.BadRow bad) {
                error = bad.getMessage();
            }
        }
    }

    /**
     * {@code v}, the float32 of a coordinate's text, moved by one ulp toward the text's float64 value when float32
     * made it a tie: the mask rounds coordinates half to even, and the reference rounds the float64 (
     * {@code 46.50000001} is 47 there, but its float32 is exactly 46.5, which rounds to 46). Ties are rare, so
     * the text is parsed again only for them.
     */
    static float roundsAsWritten(float v, char[] buf, int offset, int len) {
        if (v - (float) Math.floor(v) != 0.5f) {
            return v;
        }
        double exact;
        try {
            exact = Double.parseDouble(new String(buf, offset, len).trim());
        } catch (NumberFormatException e) {
            return v; // parsed by a laxer rule; keep its value
        }
        return exact > v ? Math.nextUp(v) : exact < v ? Math.nextDown(v) : v;
    }

    @Override
    protected RecordWrapper<TracingRows> buildRecord() {
        if (roleOf != null && !nameLengthSeen) {
            // A row too short to have a FileName: the next row must not be taken for the same file.
            nameLength = -1;
            nameText = null;
        }
        return wrapRecord(this);
    }
}
