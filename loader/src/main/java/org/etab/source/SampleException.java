package org.etab.source;

/** A sample that could not be produced: the stage that failed and why (the message names the file). */
public class SampleException extends RuntimeException {
    private final String stage;

    public SampleException(String stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    public SampleException(String stage, String message) {
        this(stage, message, null);
    }

    /** plan, open, decode, transform or target. */
    public String stage() {
        return stage;
    }
}
