package org.etab.cli;

/**
 * Text from data (sample ids, file names, reasons that quote them) made safe for the terminal: a dataset's FileName
 * may hold escape sequences and newlines, which printed raw could clear the screen, retitle the window or fake a
 * line such as {@code RESULT}. The {@code --report} CSV and the manifest keep the text as it is (they are data, and
 * FastCSV quotes it).
 */
final class Terminal {
    private Terminal() {}

    /**
     * Most characters of one text printed: a reason may quote a whole CSV field or header, megabytes of it, which
     * would make the one clear line unreadable (and flood the terminal); the rest is counted, not shown.
     */
    static final int MAX_CHARS = 8192;

    /**
     * The text with each control character (C0, newline, CR and ESC among them; DEL; C1) and each invisible format
     * character (the bidirectional overrides that make a name read backwards, zero-width ones) written as a Java
     * escape (ESC as <code>&#92;u001b</code>); everything else as it is, up to {@link #MAX_CHARS} characters of the
     * text, then {@code ... (N more characters)}.
     *
     * @param text any text, or null
     * @return the text safe to print; "null" for null
     */
    static String safe(Object text) {
        String s = String.valueOf(text);
        int end = s.length();
        if (end > MAX_CHARS) { // never split a surrogate pair
            end = Character.isHighSurrogate(s.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        }
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                if (out == null) {
                    out = new StringBuilder(end + 64).append(s, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        if (end == s.length()) {
            return out == null ? s : out.toString();
        }
        if (out == null) {
            out = new StringBuilder(end + 64).append(s, 0, end);
        }
        int more = s.length() - end;
        return out.append(" ... (")
                .append(more)
                .append(more == 1 ? " more character)" : " more characters)")
                .toString();
    }
}
