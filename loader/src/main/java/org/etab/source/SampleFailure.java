package org.etab.source;

/**
 * A sample that was planned and not delivered.
 *
 * @param id     the sample id
 * @param file   the file it came from
 * @param stage  where it failed
 * @param reason what went wrong
 */
public record SampleFailure(String id, String file, Stage stage, String reason) {
    @Override
    public String toString() {
        return id + " (" + stage + "): " + reason;
    }
}
