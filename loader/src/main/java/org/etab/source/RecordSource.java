package org.etab.source;

import java.util.List;
import java.util.Objects;
import org.etab.batch.TensorSpec;

/**
 * What every dataset's source shares, so that a dataset writes only what is its own: {@link #planRecord} (the
 * samples a record gives: its frames and their rate, the frame a still shows, or why it has none) and
 * {@link #newWorker()} (reading those frames and the record's labels). This base checks the target, declares the
 * tensors from the options and the frame size, and plans epochs ({@link PlanLoop}); workers write through the
 * {@link FeatureWriter} and {@link LabelWriter} it holds.
 *
 * <p>Threading: immutable once built; {@link #plan} is pure and may run on any thread.
 *
 * @param <R> the dataset's record
 */
public abstract class RecordSource<R> implements SampleSource {
    private final String dataset;
    private final List<R> records;
    private final List<IndexProblem> rejected;
    private final SampleOptions options;
    private final PlanLoop plans;
    private final FeatureWriter features;
    private final LabelWriter<R> labels;

    /**
     * A frame size, in rows and columns.
     *
     * @param height rows
     * @param width  columns
     */
    protected record FrameSize(int height, int width) {
        /**
         * Public, so that a dataset in another package can make one (a record's is as visible as the record).
         *
         * @param height rows
         * @param width  columns
         */
        public FrameSize {}
    }

    /**
     * The frame size of a selection asked for at its native size, or an exception saying why there is none.
     *
     * @param <R> the dataset's record
     */
    @FunctionalInterface
    protected interface NativeSize<R> {
        /**
         * The native frame size of the records.
         *
         * @param records the selection (may be empty)
         * @return the size every sample will have
         * @throws IllegalArgumentException when the selection has no single native size, saying why and what to do
         */
        FrameSize of(List<R> records);
    }

    /**
     * A source over {@code records} with no rejected rows.
     *
     * @param dataset    the name in reports and messages ("echonet")
     * @param offered    the targets the dataset offers, in ETAB's order (named when another one is asked for)
     * @param records    the selected records, in selection order (copied)
     * @param options    what each sample is
     * @param nativeSize the frame size when the options ask for the native one
     * @param values     where the records keep their label values
     * @throws IllegalArgumentException when the target is not offered (checked first), by {@code nativeSize}, when
     *                                  a sample would be too large, or when {@code values} cannot give the target
     * @throws NullPointerException     when {@code records} or {@code options} is null
     */
    protected RecordSource(
            String dataset,
            List<Target> offered,
            List<R> records,
            SampleOptions options,
            NativeSize<R> nativeSize,
            RecordLabels<R> values) {
        this(dataset, offered, records, List.of(), options, nativeSize, values);
    }

    /**
     * As above, with the rows of the selection the index rejected ({@link #rejected()}).
     *
     * @param dataset    the name in reports and messages ("echonet")
     * @param offered    the targets the dataset offers, in ETAB's order
     * @param records    the selected records, in selection order (copied)
     * @param rejected   rows of this selection the index could not use; never planned, reported by the run (copied)
     * @param options    what each sample is
     * @param nativeSize the frame size when the options ask for the native one
     * @param values     where the records keep their label values
     * @throws IllegalArgumentException when the target is not offered (checked first), by {@code nativeSize}, when
     *                                  a sample would be too large, or when {@code values} cannot give the target
     * @throws NullPointerException     when {@code records}, {@code rejected} or {@code options} is null
     */
    protected RecordSource(
            String dataset,
            List<Target> offered,
            List<R> records,
            List<IndexProblem> rejected,
            SampleOptions options,
            NativeSize<R> nativeSize,
            RecordLabels<R> values) {
        Objects.requireNonNull(records, "records");
        this.rejected = List.copyOf(rejected);
        Objects.requireNonNull(options, "options");
        if (!offered.contains(options.target())) {
            throw Target.unavailable(options.target().etabName(), dataset, offered);
        }
        this.dataset = dataset;
        this.records = List.copyOf(records);
        this.options = options;
        FrameSize size = options.nativeSize()
                ? nativeSize.of(this.records)
                : new FrameSize(options.frameHeight(), options.frameWidth());
        options.checkSampleSize(size.height(), size.width()); // a native size is known only now
        this.features = new FeatureWriter(options, size.height(), size.width());
        this.labels = new LabelWriter<>(values, options, size.height(), size.width());
        this.plans = new PlanLoop(options);
    }

    /**
     * Adds the samples {@code record} gives to {@code plans} (for every epoch; clip starts vary with it). Pure: no
     * I/O, and the same record and epoch give the same plans; may run on several threads at once.
     *
     * @param record the record
     * @param plans  where its samples go, through {@link PlanLoop.Plans#still}, {@link PlanLoop.Plans#clips} or
     *               {@link PlanLoop.Plans#failed}
     */
    protected abstract void planRecord(R record, PlanLoop.Plans plans);

    @Override
    public final String dataset() {
        return dataset;
    }

    @Override
    public final TensorSpec features() {
        return features.spec();
    }

    @Override
    public final TensorSpec labels() {
        return labels.spec();
    }

    /**
     * The selected records; a plan's {@link SamplePlan#record()} indexes this list.
     *
     * @return the records in selection order, immutable
     */
    public final List<R> records() {
        return records;
    }

    @Override
    public final List<IndexProblem> rejected() {
        return rejected;
    }

    /**
     * What each sample is.
     *
     * @return the options the source was made with
     */
    public final SampleOptions options() {
        return options;
    }

    @Override
    public final List<SamplePlan> plan(int epoch) {
        return plans.plan(epoch, records, this::planRecord);
    }

    /**
     * Writes frames into slots; a worker takes a {@link FeatureWriter.Sink} of its own.
     *
     * @return the writer shared by this source's workers
     */
    protected final FeatureWriter featureWriter() {
        return features;
    }

    /**
     * Writes labels into slots.
     *
     * @return the writer shared by this source's workers
     */
    protected final LabelWriter<R> labelWriter() {
        return labels;
    }
}
