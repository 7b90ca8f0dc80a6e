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
     * The text with each control character (C0, newline, CR and ESC among them; DEL; C1) and each invisible format
     * character (the bidirectional overrides that make a name read backwards, zero-width ones) written as a Java
     * escape (ESC as <code>&#92;u001b</code>); everything else as it is.
     *
     * @param text any text, or null
     * @return the text safe to print; "null" for null
     */
    static String safe(Object text) {
        String s = String.valueOf(text);
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
