package org.etab.datasets.tmed;

import org.etab.source.CsvLabel;

/**
 * TMED-2 {@code diagnosis_label} values and their classes in label scheme {@code as3}, the three-class aortic-stenosis
 * map of the TMED-2 authors' code: no_AS 0, mild_AS and mildtomod_AS 1, moderate_AS and severe_AS 2.
 * {@code Not_Provided} has no class (-1). Other schemes: docs/datasets.md, "TMED-2 label schemes".
 */
public enum AsLabel implements CsvLabel {
    /** {@code no_AS}: no aortic stenosis, class 0. */
    NO_AS("no_AS", 0),
    /** {@code mild_AS}: class 1. */
    MILD_AS("mild_AS", 1),
    /** {@code mildtomod_AS}: mild to moderate, class 1 (grouped with mild). */
    MILDTOMOD_AS("mildtomod_AS", 1),
    /** {@code moderate_AS}: class 2. */
    MODERATE_AS("moderate_AS", 2),
    /** {@code severe_AS}: class 2 (grouped with moderate). */
    SEVERE_AS("severe_AS", 2),
    /** {@code Not_Provided}: the study has no diagnosis; no AS class (-1). */
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

    /** {@return the class of target {@code AS} (0, 1, 2), or -1 for {@code Not_Provided}} */
    public int classIndex() {
        return classIndex;
    }
}
