package org.etab.source;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;

/** ETAB's targets, by their ETAB names. Which dataset offers which is declared by each dataset's source. */
public enum Target {
    /** Ejection fraction, percent (float32 [1]). */
    EF("EF"),
    /** Cardiomyopathy: 1 when {@code EF < 50} %, else 0 (int32 [1]). */
    CM("CM"),
    /** Binary LV cavity mask of the annotated end-diastolic frame (uint8 [H, W]). */
    LV_SEG("LV_seg"),
    /** Myocardium mask (CAMUS). */
    MY_SEG("MY_seg"),
    /** Left atrium mask (CAMUS). */
    LA_SEG("LA_seg"),
    /** [ES, ED] frame numbers (int32 [2]). */
    ES_ED("ES/ED"),
    /** View class (CAMUS, TMED-2). */
    VIEW("view"),
    /** Aortic stenosis class (TMED-2). */
    AS("AS");

    private final String etabName;

    Target(String etabName) {
        this.etabName = etabName;
    }

    /**
     * The name ETAB uses.
     *
     * @return e.g. "LV_seg", "ES/ED"
     */
    public String etabName() {
        return etabName;
    }

    /**
     * Parses an ETAB target name case-insensitively ({@code ES/ED} may also be written {@code ES_ED}) and
     * checks that the dataset offers it.
     *
     * @param text      the name, as a user wrote it; null is refused like an unknown name
     * @param dataset   the dataset's name, for the message
     * @param available the targets the dataset offers
     * @return the target
     * @throws IllegalArgumentException naming the value and what {@code dataset} offers
     */
    public static Target parse(String text, String dataset, Collection<Target> available) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('/', '_');
        for (Target target : values()) {
            if (target.name().equals(t)
                    || target.etabName.toUpperCase(Locale.ROOT).equals(t)) {
                if (!available.contains(target)) {
                    break;
                }
                return target;
            }
        }
        throw unavailable(text, dataset, available);
    }

    /** The error for a target {@code dataset} does not offer, naming what it offers (in its order). */
    static IllegalArgumentException unavailable(String text, String dataset, Collection<Target> available) {
        return new IllegalArgumentException("target '" + text + "' is not available for " + dataset + "; available: "
                + available.stream().map(Target::etabName).collect(Collectors.joining(", ")));
    }

    /**
     * The label tensor of one sample for frames of {@code height x width}: EF float32 {@code [1]}; CM, view and AS
     * int32 {@code [1]} (a class index); ES/ED int32 {@code [2]}; masks uint8 {@code [height, width]}.
     *
     * @param height rows of the output frames, {@code >= 1}
     * @param width  columns of the output frames, {@code >= 1}
     * @return the spec; {@code height} and {@code width} matter only for masks
     */
    public TensorSpec labelSpec(int height, int width) {
        return switch (this) {
            case EF -> new TensorSpec(DType.FLOAT32, 1);
            case CM, VIEW, AS -> new TensorSpec(DType.INT32, 1);
            case ES_ED -> new TensorSpec(DType.INT32, 2);
            case LV_SEG, MY_SEG, LA_SEG -> new TensorSpec(DType.UINT8, height, width);
        };
    }

    /**
     * All ETAB names, for help texts.
     *
     * @return the names, comma-separated, in declaration order
     */
    public static String names() {
        return Arrays.stream(values()).map(Target::etabName).collect(Collectors.joining(", "));
    }
}
