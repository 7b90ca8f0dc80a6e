package org.etab.source;

import java.util.Objects;
import java.util.Optional;

/** A sample that could not be produced: the stage that failed and why (the message names the file). */
public class SampleException extends RuntimeException {
    /** Where the sample failed (part of the serialized form, so documented). */
    private final Stage stage;
    /** The failure that stopped a run under the fail error policy; null for other failed samples. */
    private final SampleFailure failure;

    /**
     * A failed sample with the exception behind it.
     *
     * @param stage   where it failed, not null
     * @param message the reason, naming the file
     * @param cause   the underlying exception, or null
     * @throws NullPointerException when {@code stage} is null
     */
    public SampleException(Stage stage, String message, Throwable cause) {
        this(stage, message, cause, null);
    }

    private SampleException(Stage stage, String message, Throwable cause, SampleFailure failure) {
        super(message, cause);
        this.stage = Objects.requireNonNull(stage, "stage");
        this.failure = failure;
    }

    /**
     * The stop of a run under the fail error policy: {@link SampleFailure#stopMessage()} as the message, the failure
     * kept, so that a catcher knows which sample stopped the run even where two failures read alike (two clips of
     * one video).
     *
     * @param failure the failure that stops the run, not null
     * @throws NullPointerException when {@code failure} is null
     */
    public SampleException(SampleFailure failure) {
        this(failure.stage(), failure.stopMessage(), null, failure);
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

    /**
     * The failure that stopped the run, for a stop made by {@link #SampleException(SampleFailure)}.
     *
     * @return the failure (its id, file, stage, reason, epoch and place in the sequence); empty for other failed samples
     */
    public Optional<SampleFailure> failure() {
        return Optional.ofNullable(failure);
    }
}
