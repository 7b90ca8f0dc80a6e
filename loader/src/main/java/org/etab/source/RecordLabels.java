package org.etab.source;

import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Where a dataset's records keep the values its targets are made from: EF (for EF and CM), the ES and ED frame
 * numbers (for ES/ED), a class index (for view or AS). Masks are drawn by the dataset itself
 * ({@link LabelWriter#writeMask}). Immutable; made with {@link #builder()}:
 *
 * <pre>{@code
 * RecordLabels<CamusRecord> labels = RecordLabels.<CamusRecord>builder().ef(CamusRecord::ef)
 *         .esEd(CamusRecord::esIndex, CamusRecord::edIndex).classIndex(r -> r.view().label()).build();
 * }</pre>
 *
 * @param <R> the dataset's record
 */
public final class RecordLabels<R> {
    private final ToDoubleFunction<R> ef;
    private final ToIntFunction<R> es;
    private final ToIntFunction<R> ed;
    private final ToIntFunction<R> classIndex;

    private RecordLabels(Builder<R> b) {
        this.ef = b.ef;
        this.es = b.es;
        this.ed = b.ed;
        this.classIndex = b.classIndex;
    }

    /**
     * A builder with no values set.
     *
     * @param <R> the dataset's record
     * @return a new builder
     */
    public static <R> Builder<R> builder() {
        return new Builder<>();
    }

    /** True when these records give {@code target}'s values (always for masks, which the dataset draws). */
    boolean offers(Target target) {
        return switch (target) {
            case EF, CM -> ef != null;
            case ES_ED -> es != null;
            case VIEW, AS -> classIndex != null;
            case LV_SEG, MY_SEG, LA_SEG -> true;
        };
    }

    /** EF in percent, as the index read it (CM compares this value, EF's label is it rounded to float32). */
    double ef(R record) {
        return ef.applyAsDouble(record);
    }

    int es(R record) {
        return es.applyAsInt(record);
    }

    int ed(R record) {
        return ed.applyAsInt(record);
    }

    int classIndex(R record) {
        return classIndex.applyAsInt(record);
    }

    /**
     * Builds {@link RecordLabels}; set what the dataset offers, leave the rest. Not thread-safe.
     *
     * @param <R> the dataset's record
     */
    public static final class Builder<R> {
        private ToDoubleFunction<R> ef;
        private ToIntFunction<R> es;
        private ToIntFunction<R> ed;
        private ToIntFunction<R> classIndex;

        private Builder() {}

        /**
         * The record's EF (EF's label, and CM's: 1 when below 50).
         *
         * @param ef the EF in percent, not null
         * @return this builder
         */
        public Builder<R> ef(ToDoubleFunction<R> ef) {
            this.ef = Objects.requireNonNull(ef, "ef");
            return this;
        }

        /**
         * The record's end-systolic and end-diastolic frames (ES/ED's label).
         *
         * @param es the ES frame number, 0-based in its video or sequence, not null
         * @param ed the ED frame number, 0-based in its video or sequence, not null
         * @return this builder
         */
        public Builder<R> esEd(ToIntFunction<R> es, ToIntFunction<R> ed) {
            this.es = Objects.requireNonNull(es, "es");
            this.ed = Objects.requireNonNull(ed, "ed");
            return this;
        }

        /**
         * The record's class for the dataset's class target (view or AS).
         *
         * @param classIndex the 0-based class index, not null
         * @return this builder
         */
        public Builder<R> classIndex(ToIntFunction<R> classIndex) {
            this.classIndex = Objects.requireNonNull(classIndex, "classIndex");
            return this;
        }

        /**
         * The functions set so far; a dataset whose targets are all masks sets none.
         *
         * @return the immutable labels; a target whose function was not set is refused when a source is made
         */
        public RecordLabels<R> build() {
            return new RecordLabels<>(this);
        }
    }
}
