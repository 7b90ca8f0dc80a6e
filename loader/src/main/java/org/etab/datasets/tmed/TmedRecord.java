package org.etab.datasets.tmed;

import java.nio.file.Path;
import org.etab.source.Split;
import org.etab.source.Target;

/**
 * One labeled TMED-2 still as listed in a fold file. No pixels: the image is opened when it is loaded.
 *
 * @param id             {@code query_key} without {@code .png} (e.g. {@code 4860s1_0}); the sample id
 * @param image          the PNG, {@code <root>/<SourceFolder>/<query_key>}, inside the dataset root
 * @param view           {@code view_label}
 * @param diagnosis      {@code diagnosis_label}, possibly {@link AsLabel#NOT_PROVIDED}
 * @param viewSplit      {@code view_classifier_split}: the split when the target is {@code view}; null when the
 *                       fold file leaves the field empty
 * @param diagnosisSplit {@code diagnosis_classifier_split}: the split when the target is {@code AS}; null when the
 *                       fold file leaves the field empty
 */
public record TmedRecord(
        String id, Path image, TmedView view, AsLabel diagnosis, Split viewSplit, Split diagnosisSplit) {

    /** {@return the class of target {@code view}: PLAX 0, PSAX 1, A4C 2, A2C 3, A4CorA2CorOther 4} */
    public int viewClass() {
        return view.classIndex();
    }

    /** {@return the class of target {@code AS}: 0, 1 or 2, or -1 when the diagnosis is Not_Provided} */
    public int asClass() {
        return diagnosis.classIndex();
    }

    /**
     * The integer label for {@code target}.
     *
     * @param target {@link Target#VIEW} or {@link Target#AS}
     * @return {@link #viewClass()} or {@link #asClass()} (-1 for a Not_Provided diagnosis)
     * @throws IllegalArgumentException for a target TMED-2 does not offer
     */
    public int label(Target target) {
        return switch (target) {
            case VIEW -> viewClass();
            case AS -> asClass();
            default ->
                throw new IllegalArgumentException("target '" + target.etabName()
                        + "' is not available for tmed; available: " + TmedIndex.targetNames());
        };
    }

    /**
     * The split this record belongs to for {@code target}.
     *
     * @param target {@link Target#AS} for {@code diagnosis_classifier_split}; any other target gives
     *               {@code view_classifier_split}
     * @return the split, or null when the fold file leaves that target's split column empty
     */
    public Split split(Target target) {
        return target == Target.AS ? diagnosisSplit : viewSplit;
    }
}
