package org.etab.datasets.camus;

/**
 * The two public releases of CAMUS, told apart by their layout (see {@link CamusReader}).
 */
public enum CamusRelease {
    /**
     * The original (2019) MetaImage release: {@code training/} (annotated) and {@code testing/} (no
     * {@code _gt} files); full sequences {@code _sequence.mhd} without ground truth; {@code LVef} in the cfgs.
     */
    MHD,
    /**
     * The 2023 NIfTI release: {@code database_nifti/} with every patient annotated, half sequences (ED to ES,
     * every frame segmented), {@code EF} and {@code FrameRate} in the cfgs, and the official split lists in
     * {@code database_split/subgroup_{training,validation,testing}.txt}.
     */
    NIFTI
}
