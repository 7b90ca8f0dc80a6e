package org.etab.source;

/**
 * A row or file the index could not use, with the reason; reported, never silently dropped.
 *
 * @param id     the sample id (or FileName) the problem concerns, or "" when it concerns a whole file
 * @param file   the file in which it was found
 * @param reason what is wrong, in words a user can act on
 */
public record IndexProblem(String id, String file, String reason) {
    @Override
    public String toString() {
        return (id.isEmpty() ? "" : id + ": ") + file + ": " + reason;
    }
}
