package org.etab.cli;

import java.util.Arrays;

/** The arguments of the CLI tests' command lines. */
final class CommandLines {
    private CommandLines() {}

    /** {@code first}, then {@code more}: a test's shared flags with what one run adds to them. */
    static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
