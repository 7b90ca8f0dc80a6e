package org.etab.source;

/**
 * A sample that was planned and not delivered.
 *
 * @param id     the sample id
 * @param file   the file it came from
 * @param stage  plan, open, decode, transform or target
 * @param reason what went wrong
 */
public record SampleFailure(String id, String file, String stage, String reason) {
    @Override
    public String toString() {
        return id + " (" + stage + "): " + reason;
    }
}
