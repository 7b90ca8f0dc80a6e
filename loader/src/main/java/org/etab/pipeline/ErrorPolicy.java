package org.etab.pipeline;

import java.util.Locale;

/**
 * What a failed sample does to the run. Either way it is counted and reported. An {@link Error} thrown while making
 * a sample (an assertion, memory) is counted and reported too, then ends the run as itself under either policy.
 */
public enum ErrorPolicy {
    /** Report it and go on; its batch holds one sample fewer. */
    SKIP,
    /** Stop the run with an error naming the sample, the file and the reason. */
    FAIL;

    /**
     * Parses a policy as the command line and config spell it.
     *
     * @param text {@code skip} or {@code fail}, any case, surrounding blanks ignored; not null
     * @return the policy
     * @throws IllegalArgumentException naming the text and the accepted values
     */
    public static ErrorPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("error policy must be skip or fail but was '" + text + "'");
        }
    }
}
