package org.etab.datasets.tmed;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.etab.source.CsvLabel;
import org.etab.source.Split;

/**
 * How {@link TmedReader} reads one field of a TMED-2 CSV row: ids, labels and splits compared trimmed and in any
 * case, and the image path that a row's SourceFolder and query_key name, refused when it could leave the root. A
 * field that cannot be used throws {@link BadRow} with the reason, which costs that row alone.
 */
final class TmedFields {
    private TmedFields() {}

    /**
     * The image of a fold row, or a {@link BadRow} when the names could reach outside the root. Checked on
     * the text first (independent of the platform's path rules), then on the normalized path; nothing is
     * opened.
     *
     * @param root absolute and normalized
     */
    static Path imagePath(Path root, String sourceFolder, String queryKey) throws BadRow {
        String key = queryKey.trim();
        // public TMED-2 loaders strip '/' from both ends of SourceFolder, so "/view_and_diagnosis_labeled_set/labeled"
        // names a folder under the data root, not the file system's root
        String given = sourceFolder.trim();
        String folder = strip(given, '/');
        if (key.isEmpty()) {
            throw new BadRow("query_key is empty");
        }
        if (key.indexOf('/') >= 0 || key.indexOf('\\') >= 0) {
            throw new BadRow("query_key '" + key + "' rejected: contains a path separator");
        }
        if (key.contains("..")) {
            throw new BadRow("query_key '" + key + "' rejected: contains '..'");
        }
        if (folder.startsWith("\\") || folder.matches("^[A-Za-z]:.*")) {
            throw new BadRow("SourceFolder '" + given + "' rejected: absolute path");
        }
        if (folder.indexOf('\\') >= 0) {
            throw new BadRow("SourceFolder '" + given + "' rejected: contains a backslash");
        }
        if (folder.contains("..")) {
            throw new BadRow("SourceFolder '" + given + "' rejected: contains '..'");
        }
        if (key.indexOf('\0') >= 0 || folder.indexOf('\0') >= 0) {
            throw new BadRow("query_key or SourceFolder rejected: contains a NUL character");
        }
        String file = key.toLowerCase(Locale.ROOT).endsWith(".png") ? key : key + ".png";
        try {
            Path image = (folder.isEmpty() ? root : root.resolve(folder))
                    .resolve(file)
                    .normalize();
            if (!image.startsWith(root) || image.equals(root)) {
                throw new BadRow(
                        "SourceFolder '" + given + "' and query_key '" + key + "' rejected: resolve outside " + root);
            }
            return image;
        } catch (InvalidPathException e) {
            throw new BadRow("SourceFolder '" + given + "' and query_key '" + key + "' rejected: not a valid path ("
                    + e.getReason() + ")");
        }
    }

    /** A row that cannot be used; the message is the reason. Stackless: thrown per bad row, never escapes. */
    static final class BadRow extends Exception {
        static final long serialVersionUID = 1L;

        BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    /** query_key without {@code .png} (any case). */
    static String id(String queryKey) {
        String k = queryKey.trim();
        return k.toLowerCase(Locale.ROOT).endsWith(".png") ? k.substring(0, k.length() - 4) : k;
    }

    static TmedView view(String text) throws BadRow {
        TmedView v = CsvLabel.parse(TmedView.class, text);
        if (v == null) {
            throw new BadRow("view_label '" + text.trim() + "' is not one of "
                    + Arrays.stream(TmedView.values()).map(TmedView::label).collect(Collectors.joining(", ")));
        }
        return v;
    }

    static AsLabel diagnosis(String text) throws BadRow {
        AsLabel a = CsvLabel.parse(AsLabel.class, text);
        if (a == null) {
            throw new BadRow("diagnosis_label '" + text.trim() + "' is not one of "
                    + Arrays.stream(AsLabel.values()).map(AsLabel::label).collect(Collectors.joining(", ")));
        }
        return a;
    }

    /** The split a rejected row names, or null when it names none. */
    static Split splitOrNull(String text) {
        try {
            return Split.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Split split(String text, String column) throws BadRow {
        try {
            return Split.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRow(column + " must be train, val or test (any case) but was '" + text.trim() + "'");
        }
    }

    /** {@code text} without {@code c} at either end. */
    static String strip(String text, char c) {
        int from = 0, to = text.length();
        while (from < to && text.charAt(from) == c) {
            from++;
        }
        while (to > from && text.charAt(to - 1) == c) {
            to--;
        }
        return text.substring(from, to);
    }

    /** {@return why {@code text} is not a split for {@code column}, or null when it is one or is empty} */
    static BadRow badSplit(String text, String column) {
        try {
            splitOrEmpty(text, column);
            return null;
        } catch (BadRow bad) {
            return bad;
        }
    }

    /** The split, or null when the field is empty (or {@code nan}, as pandas may write an empty cell). */
    static Split splitOrEmpty(String text, String column) throws BadRow {
        return isBlank(text) ? null : split(text, column);
    }

    static boolean isBlank(String text) {
        String t = text.trim();
        return t.isEmpty() || t.equalsIgnoreCase("nan");
    }
}
