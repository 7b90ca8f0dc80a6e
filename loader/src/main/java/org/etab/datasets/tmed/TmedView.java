package org.etab.datasets.tmed;

import org.etab.source.CsvLabel;

/**
 * The five TMED-2 view labels with their class numbers in label scheme {@code view5} and their ETAB names.
 *
 * <p>Class numbers: PLAX 0, PSAX 1, A4C 2, A2C 3, A4CorA2CorOther 4 (the map of the TMED-2 authors' classifiers,
 * {@code tufts-ml/tmed2-echocardiogram-classifiers}; other schemes: docs/datasets.md, "TMED-2 label schemes"). ETAB
 * names A4C and A2C {@code AP4CH} and {@code AP2CH}; the fifth label has no ETAB name.
 */
public enum TmedView implements CsvLabel {
    /** Parasternal long axis, class 0. */
    PLAX("PLAX", "PLAX"),
    /** Parasternal short axis, class 1. */
    PSAX("PSAX", "PSAX"),
    /** Apical four-chamber, class 2; ETAB's {@code AP4CH}. */
    A4C("A4C", "AP4CH"),
    /** Apical two-chamber, class 3; ETAB's {@code AP2CH}. */
    A2C("A2C", "AP2CH"),
    /** {@code A4CorA2CorOther}: apical four- or two-chamber or another view, class 4; no ETAB name. */
    A4C_OR_A2C_OR_OTHER("A4CorA2CorOther", null);

    private final String label;
    private final String etabName;

    TmedView(String label, String etabName) {
        this.label = label;
        this.etabName = etabName;
    }

    /** The value in the CSVs' {@code view_label} column. */
    @Override
    public String label() {
        return label;
    }

    /** {@return the ETAB view name, or null for {@code A4CorA2CorOther}} */
    public String etabName() {
        return etabName;
    }

    /** {@return the class number in label scheme {@code view5} (0-4), the default of target {@code view}} */
    public int classIndex() {
        return ordinal();
    }
}
