package org.etab.source;

/**
 * Number fields of the EchoNet CSV files: the validation rules (and their messages) in one place, plus
 * allocation-free fast paths for the plain decimals that make up nearly all of VolumeTracings.csv.
 */
public final class Fields {
    /** Exactly representable powers of ten (10^22 is the largest with an exact double). */
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Fields() {}

    /** A row that cannot be used; the message is the reason. Stackless: thrown per bad row, never escapes. */
    public static final class BadRow extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * A bad row, without a stack trace (cheap enough to throw for every row of a bad file).
         *
         * @param reason what is wrong, naming the column and the value
         */
        public BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * A finite float field.
     *
     * @param raw    the field's text; surrounding blanks ignored
     * @param column the column's name, for the reason
     * @return the value, never NaN or infinite
     * @throws BadRow when the text is not a number or not finite
     */
    public static float finiteFloat(String raw, String column) throws BadRow {
        String text = raw.trim();
        float v;
        try {
            v = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new BadRow(column + " is not a number: '" + text + "'");
        }
        if (!Float.isFinite(v)) {
            throw new BadRow(column + " is not a finite number: '" + text + "'");
        }
        return v;
    }

    /**
     * A finite number field from {@code min} to {@code max}, e.g. a frame rate or a percentage.
     *
     * @param raw    the field's text; surrounding blanks ignored
     * @param column the column's name, for the reason
     * @param min    the smallest value accepted
     * @param max    the largest value accepted
     * @return the value, {@code min <= value <= max}
     * @throws BadRow when the text is not a finite number in that range
     */
    public static double doubleIn(String raw, String column, double min, double max) throws BadRow {
        String text = raw.trim();
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadRow(column + " is not a number: '" + text + "'");
        }
        if (!(v >= min && v <= max)) { // NaN too
            throw new BadRow(column + " must be " + fmt(min) + " to " + fmt(max) + " but was '" + text + "'");
        }
        return v;
    }

    /**
     * {@link #integer(String, String, int)} at most {@code max}, e.g. a frame count or a frame side.
     *
     * @param raw    the field's text; surrounding blanks ignored
     * @param column the column's name, for the reason
     * @param min    the smallest value accepted
     * @param max    the largest value accepted
     * @return the value, {@code min <= value <= max}
     * @throws BadRow when the text is not an integer in that range
     */
    public static int integer(String raw, String column, int min, int max) throws BadRow {
        int v = integer(raw, column, min);
        if (v > max) {
            throw new BadRow(column + " must be at most " + max + " but was '" + raw.trim() + "'");
        }
        return v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * An integer field; "50.0" is accepted too (pandas writes integer columns holding NaNs as floats).
     *
     * @param raw    the field's text; surrounding blanks ignored
     * @param column the column's name, for the reason
     * @param min    the smallest value accepted
     * @return the value, {@code >= min}
     * @throws BadRow when the text is not an integer (a fraction, NaN, out of int range) or is below {@code min}
     */
    public static int integer(String raw, String column, int min) throws BadRow {
        String text = raw.trim();
        long v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            double d;
            try {
                d = Double.parseDouble(text);
            } catch (NumberFormatException e2) {
                throw new BadRow(column + " is not an integer: '" + text + "'");
            }
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) { // NaN fails the first test
                throw new BadRow(column + " is not an integer: '" + text + "'");
            }
            v = (long) d;
        }
        if (v < min) {
            throw new BadRow(column + " must be >= " + min + " but was '" + text + "'");
        }
        return (int) v;
    }

    /**
     * {@code Float.parseFloat} for a plain decimal {@code -?d*[.d*]} of at most 15 significant digits, without
     * making a String; NaN when the text is anything else (the caller then takes the String path, so the
     * result and the error messages are the same either way).
     *
     * <p>Exact: the digits form a long below 2^53 and 10^scale is exact, so one IEEE division gives the
     * correctly rounded double (Clinger's fast path). Narrowing that to float rounds a second time, which can
     * differ from rounding the decimal directly only when the double is exactly halfway between two floats;
     * that case goes to the slow path.
     *
     * @param buf the characters holding the field
     * @param off where the field starts
     * @param len its length, blanks included (a blank makes it not plain)
     * @return the value, or NaN when the caller must take the String path
     */
    public static float plainFloat(char[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = i < end && buf[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int scale = 0;
        boolean digit = false;
        boolean dot = false;
        for (; i < end; i++) {
            char c = buf[i];
            if (c >= '0' && c <= '9') {
                digit = true;
                if (dot) {
                    scale++;
                }
                if (mantissa == 0 && c == '0') {
                    continue; // leading zero: not significant
                }
                if (++significant > 15) {
                    return Float.NaN;
                }
                mantissa = mantissa * 10 + (c - '0');
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return Float.NaN;
            }
        }
        if (!digit || scale >= POW10.length) {
            return Float.NaN;
        }
        double d = mantissa / POW10[scale];
        float f = (float) d;
        if (f != d) {
            float other = Math.nextAfter(f, d);
            if (d == ((double) f + (double) other) * 0.5) {
                return Float.NaN;
            }
        }
        return negative ? -f : f;
    }

    /**
     * A non-negative plain integer of at most 9 digits (so it cannot overflow), without making a String.
     *
     * @param buf the characters holding the field
     * @param off where the field starts
     * @param len its length
     * @return the value, or -1 for anything else (the caller then takes the String path)
     */
    public static int plainNonNegativeInt(char[] buf, int off, int len) {
        if (len < 1 || len > 9) {
            return -1;
        }
        int v = 0;
        for (int i = off, end = off + len; i < end; i++) {
            char c = buf[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
