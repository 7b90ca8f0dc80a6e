package org.etab.source;

import java.util.Objects;

/** A sample that could not be produced: the stage that failed and why (the message names the file). */
public class SampleException extends RuntimeException {
    private final Stage stage;

    public SampleException(Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    public SampleException(Stage stage, String message) {
        this(stage, message, null);
    }

    /** Where it failed. */
    public Stage stage() {
        return stage;
    }
}
