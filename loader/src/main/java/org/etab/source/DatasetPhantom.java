package org.etab.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Writes a phantom copy of a dataset: synthetic content in exactly the real layout, the same bytes for the same
 * seed, so that the dataset's reader and source can be run without the (licensed) real data.
 */
public interface DatasetPhantom {
    /**
     * The most units one phantom may have: ten times EchoNet-Dynamic's 10,030 videos. A count beyond it is far more
     * likely a typo than a wish, and would fill a disk for hours before failing.
     */
    int MAX_COUNT = 100_000;

    /**
     * What the count counts.
     *
     * @return {@code videos} (EchoNet-Dynamic) or {@code patients}
     */
    String unit();

    /**
     * About how many progress steps writing {@code count} units reports, for a progress bar. The default: one per
     * unit.
     *
     * @param count units to write
     * @return the steps, an estimate when it varies
     */
    default long steps(int count) {
        return count;
    }

    /**
     * What a progress step is. The default: the {@link #unit()}.
     *
     * @return {@code videos}, {@code patients} or {@code images}
     */
    default String stepUnit() {
        return unit();
    }

    /**
     * The dataset-specific settings {@link #write} accepts beyond count and seed (CAMUS: {@code release}). The
     * default: none.
     *
     * @return the knob names, immutable
     */
    default Set<String> knobs() {
        return Set.of();
    }

    /**
     * Writes {@code count} units into {@code out} (new, empty, or an earlier phantom). Runs on the calling thread.
     *
     * @param out      the dataset directory
     * @param count    how many units ({@link #unit()}) to write, 1..{@value #MAX_COUNT}
     * @param seed     the same seed gives the same bytes
     * @param knobs    values for some of {@link #knobs()}; the rest keep their defaults
     * @param progress called after each step with the steps done so far, one call at a time
     * @return where and how much was written
     * @throws IllegalArgumentException naming a bad count or knob and what is accepted
     * @throws IOException              when {@code out} cannot be written or holds something else
     */
    Written write(Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress) throws IOException;

    /**
     * For implementations: refuses knobs outside {@code known}.
     *
     * @param dataset the dataset's registry name, for the message
     * @param knobs   the knobs given
     * @param known   the knobs the phantom accepts
     * @throws IllegalArgumentException naming the knob and the known ones
     */
    static void checkKnobs(String dataset, Map<String, String> knobs, Set<String> known) {
        for (String k : knobs.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("the " + dataset + " phantom has no setting '" + k + "'; "
                        + (known.isEmpty() ? "it takes none" : "available: " + String.join(", ", known)));
            }
        }
    }

    /**
     * What {@link #write} produced.
     *
     * @param root    the dataset directory
     * @param bytes   bytes of all files written
     * @param summary one line for people: what was written ("12 videos, 1650 frames, 4.1 MB")
     */
    record Written(Path root, long bytes, String summary) {}
}
