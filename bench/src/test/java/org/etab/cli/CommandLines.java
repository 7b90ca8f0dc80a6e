package org.etab.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arguments of the CLI tests' command lines, written on one line as a user types them rather than one word a
 * line: {@code etab(line("bench --root %s --split all --quiet", root))}.
 */
final class CommandLines {
    private CommandLines() {}

    /**
     * {@code template} split at its spaces, each word {@code %s} replaced by the next of {@code values} whole: a value
     * is one argument even with a space in it (a path). A template and values that do not pair up are a mistake in
     * the test, refused rather than run as some other command line.
     */
    static String[] line(String template, Object... values) {
        List<String> args = new ArrayList<>();
        int next = 0;
        for (String word : template.split(" ", -1)) {
            if (word.isEmpty() || (word.contains("%s") && !word.equals("%s"))) {
                throw new IllegalArgumentException("not a word or a whole %s: '" + word + "' in '" + template + "'");
            }
            if (word.equals("%s")) {
                if (next == values.length) {
                    throw new IllegalArgumentException("more %s than the " + values.length + " values: " + template);
                }
                // toString() as the one-word-a-line lists called it: a null is the test's mistake, not "null"
                args.add(values[next++].toString());
            } else {
                args.add(word);
            }
        }
        if (next != values.length) {
            throw new IllegalArgumentException(values.length + " values for " + next + " %s: " + template);
        }
        return args.toArray(String[]::new);
    }

    /** {@code first}, then {@code more}: a test's shared flags with what one run adds to them. */
    static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
