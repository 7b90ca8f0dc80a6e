package org.etab.datasets.tmed;

import org.etab.source.CsvLabel;

/**
 * TMED-2 {@code diagnosis_label} values and the official three-class aortic-stenosis map: no_AS 0,
 * mild_AS and mildtomod_AS 1, moderate_AS and severe_AS 2. {@code Not_Provided} has no class (-1).
 */
public enum AsLabel implements CsvLabel {
    NO_AS("no_AS", 0),
    MILD_AS("mild_AS", 1),
    MILDTOMOD_AS("mildtomod_AS", 1),
    MODERATE_AS("moderate_AS", 2),
    SEVERE_AS("severe_AS", 2),
    NOT_PROVIDED("Not_Provided", -1);

    private final String label;
    private final int classIndex;

    AsLabel(String label, int classIndex) {
        this.label = label;
        this.classIndex = classIndex;
    }

    /** The value in the CSVs' {@code diagnosis_label} column. */
    @Override
    public String label() {
        return label;
    }

    /** The class of target {@code AS} (0, 1, 2), or -1 for {@code Not_Provided}. */
    public int classIndex() {
        return classIndex;
    }
}
