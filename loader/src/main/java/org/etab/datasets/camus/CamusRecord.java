package org.etab.datasets.camus;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalDouble;
import org.etab.source.Split;

/**
 * One CAMUS acquisition: one patient in one apical view, with its files and its {@code Info_<view>.cfg}
 * values. No pixels: the index is built from directory listings and cfgs only.
 *
 * <p>Every path lies inside the dataset root (built from directory listings and checked names). The
 * {@code _gt} paths are null when the file does not exist (the original release's {@code testing/} patients
 * have none); {@link #sequenceGt()} is null for the original release, which has no sequence ground truth.
 *
 * @param id           {@code patientNNNN_2CH} or {@code patientNNNN_4CH}: the sample id
 * @param patient      {@code patientNNNN}
 * @param view         the apical view
 * @param split        TRAIN/TEST (original release: {@code training/}, {@code testing/}) or the 2023 release's
 *                     {@code database_split} list the patient is in
 * @param release      which release layout it comes from
 * @param cfg          {@code Info_2CH.cfg} or {@code Info_4CH.cfg}
 * @param ed           the end-diastolic frame ({@code _ED})
 * @param es           the end-systolic frame ({@code _ES})
 * @param edGt         its label map ({@code _ED_gt}: 0 background, 1 LV cavity, 2 myocardium, 3 left atrium),
 *                     or null
 * @param esGt         the ES label map, or null
 * @param sequence     {@code _sequence} (original) or {@code _half_sequence} (2023; ED to ES)
 * @param sequenceGt   {@code _half_sequence_gt} (2023 only), or null
 * @param edFrame      cfg {@code ED}: 1-based frame number of end-diastole in {@link #sequence()}
 * @param esFrame      cfg {@code ES}: 1-based frame number of end-systole (may come before ED)
 * @param frames       cfg {@code NbFrame}: frames in the sequence
 * @param ef           cfg {@code LVef} (original) or {@code EF} (2023), percent; empty when the cfg has neither
 *                     (EF and CM samples of the record then fail, naming the cfg)
 * @param frameRate    cfg {@code FrameRate} (2023 release), empty when the cfg has none
 * @param imageQuality cfg {@code ImageQuality} (Good, Medium, Poor), "" when absent
 */
public record CamusRecord(
        String id,
        String patient,
        CamusView view,
        Split split,
        CamusRelease release,
        Path cfg,
        Path ed,
        Path es,
        Path edGt,
        Path esGt,
        Path sequence,
        Path sequenceGt,
        int edFrame,
        int esFrame,
        int frames,
        OptionalDouble ef,
        OptionalDouble frameRate,
        String imageQuality) {

    /**
     * Checks the fields that are never null.
     *
     * @param id           the sample id
     * @param patient      {@code patientNNNN}
     * @param view         the apical view
     * @param split        the patient's split
     * @param release      which release layout it comes from
     * @param cfg          the view's {@code Info_*.cfg}
     * @param ed           the end-diastolic frame file
     * @param es           the end-systolic frame file
     * @param edGt         the ED label map, or null
     * @param esGt         the ES label map, or null
     * @param sequence     the sequence file
     * @param sequenceGt   the sequence label maps (2023 only), or null
     * @param edFrame      1-based frame number of end-diastole
     * @param esFrame      1-based frame number of end-systole
     * @param frames       frames in the sequence
     * @param ef           ejection fraction, percent, or empty
     * @param frameRate    frames per second, or empty
     * @param imageQuality the cfg's {@code ImageQuality}, or ""
     * @throws NullPointerException when {@code id}, {@code view}, {@code split}, {@code release}, {@code ed},
     *                              {@code sequence}, {@code ef}, {@code frameRate} or {@code imageQuality} is null
     */
    public CamusRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(ed, "ed");
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(ef, "ef");
        Objects.requireNonNull(frameRate, "frameRate");
        Objects.requireNonNull(imageQuality, "imageQuality");
    }

    /** {@return true when the annotated ED frame has its label map, i.e. the segmentation targets can be made} */
    public boolean hasGt() {
        return edGt != null;
    }

    /** {@return the 0-based ED frame in the sequence ({@code ED - 1})} */
    public int edIndex() {
        return edFrame - 1;
    }

    /** {@return the 0-based ES frame in the sequence ({@code ES - 1})} */
    public int esIndex() {
        return esFrame - 1;
    }
}
