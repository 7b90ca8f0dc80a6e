package org.etab.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * A {@link DatasetPhantom} from a dataset's unit, knobs and writer, that refuses unknown knobs before anything is
 * written. Subclasses may override {@link #steps} and {@link #stepUnit} when a step is not a unit.
 */
public class CheckedPhantom implements DatasetPhantom {
    private final String dataset;
    private final String unit;
    private final Set<String> knobs;
    private final Writer writer;

    /** Writes a phantom once the knobs are known to be among {@link #knobs()}; arguments as {@link #write}. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes {@code count} units into {@code out}.
         *
         * @param out      the dataset directory: new, empty, or an earlier phantom
         * @param count    how many units ({@link DatasetPhantom#unit()})
         * @param seed     the same seed gives the same bytes
         * @param knobs    values for some of the known knobs (already checked); the rest keep their defaults
         * @param progress called after each step with the steps done so far, one call at a time
         * @return what was written
         * @throws IllegalArgumentException naming a bad count or knob value and what is accepted
         * @throws IOException              when {@code out} cannot be written or holds something else
         */
        Written write(Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress)
                throws IOException;
    }

    /**
     * @param dataset the dataset's registry name, for messages
     * @param unit    what the count counts
     * @param knobs   the settings {@link #write} accepts beyond count and seed (copied)
     * @param writer  writes the phantom, called only with known knobs
     * @throws NullPointerException when {@code dataset}, {@code unit}, {@code knobs} or {@code writer} is null
     */
    public CheckedPhantom(String dataset, String unit, Set<String> knobs, Writer writer) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.knobs = Set.copyOf(knobs);
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public final String unit() {
        return unit;
    }

    @Override
    public final Set<String> knobs() {
        return knobs;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Refuses unknown knobs before anything is written, then calls the writer.
     */
    @Override
    public final Written write(Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress)
            throws IOException {
        DatasetPhantom.checkKnobs(dataset, knobs, this.knobs);
        return writer.write(out, count, seed, knobs, progress);
    }
}
