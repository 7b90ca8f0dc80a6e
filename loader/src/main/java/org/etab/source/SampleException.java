package org.etab.source;

import java.util.Objects;

/** A sample that could not be produced: the stage that failed and why (the message names the file). */
public class SampleException extends RuntimeException {
    /** Where the sample failed (part of the serialized form, so documented). */
    private final Stage stage;

    /**
     * A failed sample with the exception behind it.
     *
     * @param stage   where it failed, not null
     * @param message the reason, naming the file
     * @param cause   the underlying exception, or null
     * @throws NullPointerException when {@code stage} is null
     */
    public SampleException(Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    /**
     * A failed sample.
     *
     * @param stage   where it failed, not null
     * @param message the reason, naming the file
     * @throws NullPointerException when {@code stage} is null
     */
    public SampleException(Stage stage, String message) {
        this(stage, message, null);
    }

    /**
     * Where it failed.
     *
     * @return the stage, never null
     */
    public Stage stage() {
        return stage;
    }
}
