package org.etab.synth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A phantom dataset writer: immutable options in, a summary of the files out. Subclasses write one dataset's
 * layout and state their threading and determinism.
 *
 * @param <O> what to generate
 * @param <S> what a write produced
 */
public abstract class PhantomWriter<O, S> {
    private final O options;

    /**
     * A writer for the given options.
     *
     * @param options what to generate; immutable, not null
     * @throws NullPointerException if {@code options} is null
     */
    protected PhantomWriter(O options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** {@return what this writer generates} */
    public final O options() {
        return options;
    }

    /**
     * Writes the dataset into {@code out}, creating it if needed.
     *
     * @param out the dataset root to write
     * @return the subclass's summary of what was written
     * @throws IOException when {@code out} is a non-empty directory without the phantom marker (it may be a real
     *                     dataset), or when writing fails; the files of a failed run stay, marked, so a rerun may
     *                     overwrite them
     */
    public final S write(Path out) throws IOException {
        return write(out, done -> {});
    }

    /**
     * As {@link #write(Path)}, calling {@code progress} after each step with the steps done so far; the subclass
     * says what a step is and on which thread it is called.
     *
     * @param out      the dataset root to write
     * @param progress called with the number of steps done so far
     * @return the subclass's summary of what was written
     * @throws IOException as {@link #write(Path)}
     */
    public abstract S write(Path out, IntConsumer progress) throws IOException;
}
