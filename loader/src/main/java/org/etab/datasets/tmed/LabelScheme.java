package org.etab.datasets.tmed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.etab.source.Target;

/**
 * The integer codes of TMED-2's two classification targets. Public TMED-2 code numbers the same labels in several
 * ways; each way is one scheme here, named by its target and class count. The first scheme of a target is its
 * default (the TMED-2 release's own maps). Where each is used: docs/datasets.md, "TMED-2 label schemes".
 *
 * <p>A label a scheme has no class for (Not_Provided; for {@link #VIEW2} every view but PLAX and PSAX) codes -1.
 */
enum LabelScheme {
    /** PLAX 0, PSAX 1, A4C 2, A2C 3, A4CorA2CorOther 4: the TMED-2 release's map (the default). */
    VIEW5("view5", Target.VIEW, new int[] {0, 1, 2, 3, 4}, null),
    /** PLAX 0, PSAX 1, A2C 2, A4C 3, A4CorA2CorOther 4. */
    VIEW5_A2C_FIRST("view5-a2c-first", Target.VIEW, new int[] {0, 1, 3, 2, 4}, null),
    /** PLAX 0, PSAX 1, any apical or other view 2. */
    VIEW3("view3", Target.VIEW, new int[] {0, 1, 2, 2, 2}, null),
    /** PLAX 0, PSAX 1 (ETAB's TMED view task); other views have no class. */
    VIEW2("view2", Target.VIEW, new int[] {0, 1, -1, -1, -1}, null),
    /** no_AS 0, mild_AS and mildtomod_AS 1, moderate_AS and severe_AS 2: the TMED-2 release's map (the default). */
    AS3("as3", Target.AS, null, new int[] {0, 1, 1, 2, 2}),
    /** no_AS 0, any AS 1. */
    AS2("as2", Target.AS, null, new int[] {0, 1, 1, 1, 1}),
    /** no_AS 0, mild_AS 1, mildtomod_AS 2, moderate_AS 3, severe_AS 4. */
    AS5("as5", Target.AS, null, new int[] {0, 1, 2, 3, 4});

    private final String schemeName;
    private final Target target;
    /** Class of each {@link TmedView}, by ordinal. */
    private final int[] views;
    /** Class of each {@link AsLabel} but Not_Provided, by ordinal. */
    private final int[] diagnoses;

    LabelScheme(String schemeName, Target target, int[] views, int[] diagnoses) {
        this.schemeName = schemeName;
        this.target = target;
        this.views = views;
        this.diagnoses = diagnoses;
    }

    /** The name users give ({@code --label-scheme}, {@code labelScheme(...)}) and the manifest records. */
    String schemeName() {
        return schemeName;
    }

    /** The class of {@code record} under this scheme, or -1 when its label has none. */
    int classOf(TmedRecord record) {
        if (target == Target.VIEW) {
            return views[record.view().ordinal()];
        }
        return record.diagnosis() == AsLabel.NOT_PROVIDED
                ? -1
                : diagnoses[record.diagnosis().ordinal()];
    }

    /** True when {@code view} has a class (view schemes only). */
    boolean hasClass(TmedView view) {
        return views[view.ordinal()] >= 0;
    }

    /** The names of {@code target}'s schemes, the default first; empty for a target TMED-2 does not offer. */
    static List<String> names(Target target) {
        return Arrays.stream(values())
                .filter(s -> s.target == target)
                .map(LabelScheme::schemeName)
                .toList();
    }

    /**
     * The scheme called {@code name} (any case) for {@code target}, or {@code target}'s default when null.
     *
     * @throws IllegalArgumentException naming the value and the schemes of the target
     */
    static LabelScheme of(Target target, String name) {
        List<LabelScheme> mine =
                Arrays.stream(values()).filter(s -> s.target == target).toList();
        if (mine.isEmpty()) {
            throw new IllegalArgumentException("target '" + target.etabName() + "' has no label schemes in tmed");
        }
        if (name == null) {
            return mine.get(0);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (LabelScheme s : mine) {
            if (s.schemeName.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("label scheme '" + name + "' is not available for tmed target '"
                + target.etabName() + "'; available: "
                + mine.stream().map(LabelScheme::schemeName).collect(Collectors.joining(", "))
                + " (the first is the default)");
    }
}
