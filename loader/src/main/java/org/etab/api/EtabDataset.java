package org.etab.api;

import java.nio.file.Path;
import java.util.List;
import org.etab.batch.Sample;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.ClipLayout;
import org.etab.source.DatasetRegistry;
import org.etab.source.IndexProblem;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;
import reactor.core.publisher.Flux;

/**
 * ETAB's {@code ETAB_dataset} in Java: the same options, {@link #loadData} to materialize samples on the heap
 * (through the parallel pipeline), {@link #stream} for the streaming form. Any dataset in
 * {@link DatasetRegistry} can be named.
 *
 * <pre>{@code
 * EtabDataset echonet = EtabDataset.builder().name("echonet").root(dir).target("EF").view("AP4CH").video(true)
 *     .normalize(true).frameL(112).frameW(112).clipL(32).fps(25).padding(true).build();
 * echonet.loadData(100, false);                 // data().get(i) -> (x, y)
 * Splits s = DataTools.trainingDataSplit(echonet, 0.5, 0.1, true);
 * }</pre>
 *
 * <p>Defaults are ETAB's where its docs and code agree or its docs are silent, its docs' where its code ignores an
 * option; docs/datasets.md ("ETAB defaults, with their source") has each one and why.
 * <p>Pixels as ETAB gives them by default: clips {@code [T, C, H, W]} ({@link Builder#layout}); frames resized as
 * ETAB resizes them ({@link Builder#resize}): EchoNet with PIL's bicubic, CAMUS with PIL's bilinear (torchvision's
 * {@code Resize} on a PIL image), both antialiased; other datasets (ETAB has no loader for them) with the pipeline's
 * default.
 *
 * <p>The options are fixed when built (a {@link Builder} changed afterwards does not change the dataset; use
 * {@link #toBuilder()} for a changed copy). Threading: {@code loadData} blocks the caller while the pipeline's
 * threads decode; {@link #data()}, {@link #failures()}, {@link #problems()} and {@link #rejected()}
 * are immutable and always from the same load, the last to finish. Ownership: loaded items live on the
 * heap; {@link #stream} samples are pooled and must be closed.
 */
public final class EtabDataset {
    private final EtabOptions options;
    // one write per load, so that the four lists a reader sees always come from the same load
    private volatile Loaded last = new Loaded(List.of(), List.of(), List.of(), List.of());

    private record Loaded(
            List<Item> data, List<SampleFailure> failures, List<IndexProblem> problems, List<IndexProblem> rejected) {}

    private EtabDataset(EtabOptions options) {
        this.options = options;
    }

    /** {@return a new builder with ETAB's defaults ({@code name="echonet"}, target and view the dataset's own, ...)} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return a new builder holding this dataset's options as given, for a changed copy} Those left to the dataset
     * (target, view, split, label scheme, resize, antialiasing, root) stay unset, so a copy resolves them anew.
     */
    public Builder toBuilder() {
        return options.toBuilder();
    }

    /** {@return the dataset's registry name, lower case ({@code echonet}, {@code camus}, {@code tmed})} */
    public String name() {
        return options.name();
    }

    /** {@return the target each sample's {@code y} holds: the one named, or the dataset's (EF; view for TMED-2)} */
    public Target target() {
        return options.target();
    }

    /**
     * {@return the view selected, as the datasets name it, or {@code all}: the one named (ETAB's {@code A4CH},
     * {@code A4}, {@code 4CH} are {@code AP4CH}; {@link org.etab.source.EtabViews}), or the dataset's for the target}
     */
    public String view() {
        return options.view();
    }

    /** {@return how frames are resized (the builder's, or ETAB's for the dataset): filter and antialiasing} */
    public Resampling resampling() {
        return options.resampling();
    }

    /** {@return the axis order of clips: {@code TCHW} unless the builder said otherwise} */
    public ClipLayout layout() {
        return options.layout();
    }

    /**
     * {@return the split read, in lower case: the one named, or ETAB's ({@code train} for EchoNet, else {@code all})}
     */
    public String split() {
        return options.split();
    }

    /**
     * {@return the label scheme of a class target with several codings (TMED-2 view, AS): the one named, or the
     * dataset's first; null when the target has one coding}
     */
    public String labelScheme() {
        return options.labelScheme();
    }

    /** {@return the items of the last {@link #loadData} in load order, immutable; empty before the first load} */
    public List<Item> data() {
        return last.data();
    }

    /**
     * {@return the samples the last load planned but could not produce, each with its file, stage and reason;
     * immutable, empty before the first load}
     */
    public List<SampleFailure> failures() {
        return last.failures();
    }

    /**
     * {@return what the index left out at the last load, with reasons, for display: whole files and rows of other
     * splits included ({@link #rejected()} has the selection's own rows); immutable, empty before the first load}
     */
    public List<IndexProblem> problems() {
        return last.problems();
    }

    /**
     * {@code loadData(nClips, false)}: the first {@code nClips} good samples in index order (ETAB's default order).
     *
     * @param nClips samples wanted; {@code <= 0}: all
     * @return this dataset, its {@link #data()} replaced
     * @throws SampleException as {@link #loadData(int, boolean)}
     * @throws IllegalArgumentException as {@link #loadData(int, boolean)}
     * @throws org.etab.decode.DatasetException as {@link #loadData(int, boolean)}
     */
    public EtabDataset loadData(int nClips) {
        return loadData(nClips, false);
    }

    /**
     * {@return the rows of the last {@link #loadData}'s selection (split, view) that the index rejected, with reasons,
     * in index order: loaded + {@link #failures()} + these are the selection's rows (when all were asked for);
     * immutable, empty before the first load}
     */
    public List<IndexProblem> rejected() {
        return last.rejected();
    }

    /**
     * Loads {@code nClips} samples (all when {@code <= 0}): with {@code random}, a seeded random choice of
     * records and random clip starts; otherwise the first records in index order and clips from frame 0. A sample
     * that fails is listed in {@link #failures()} and the next one is taken, so {@link #data()} holds
     * {@code nClips} items whenever the selection has that many good ones.
     *
     * @param nClips samples wanted; {@code <= 0}: all
     * @param random a seeded random choice of records and clip starts (the builder's seed); false: index order,
     *               clips from frame 0
     * @return this dataset, its {@link #data()}, {@link #failures()}, {@link #problems()} and {@link #rejected()}
     *         replaced
     * @throws SampleException with {@link Builder#strict strict(true)}, once a sample fails, naming it, its file
     *                         and the reason; {@link #data()} then keeps the items of the batches (of 16
     *                         samples, fewer for large samples or loads) loaded before the failing sample's (not the good ones of its own batch), and
     *                         {@link #failures()} the failures seen
     * @throws IllegalArgumentException when no root was given and the dataset's environment variable is not set,
     *                                  or the selection (split, view, fold) is not one the dataset has
     * @throws org.etab.decode.DatasetException when the index cannot be read, naming the file and why
     */
    public EtabDataset loadData(int nClips, boolean random) {
        OpenedDataset opened = options.open(random);
        ItemLoader loader = new ItemLoader(opened, options.threads(), options.strict());
        try (opened) {
            loader.load(nClips);
        } finally {
            last = new Loaded(loader.items(), loader.failures(), opened.problems(), opened.rejected());
        }
        return this;
    }

    /** {@return {@link #stream(int) stream(0)}: epoch 0 as pooled samples, random clips, seeded order} */
    public Flux<Sample> stream() {
        return stream(0);
    }

    /**
     * One epoch as pooled samples, decoded on the builder's {@code threads}. The pipeline (and the opened dataset)
     * live as long as the subscription: they are closed when it completes, fails or is cancelled. A failed sample is
     * skipped (the pipeline's default policy). A {@code for} loop over {@code toIterable()} that {@code break}s does
     * not cancel (Reactor's iterator cannot tell): it leaves the decode threads running; loop over {@link #iterate}
     * instead, or cancel ({@code take(n)}, {@code dispose()}).
     *
     * <p>Ownership: each {@link Sample} holds a pooled native buffer; the subscriber closes it.
     *
     * @param epoch the epoch, >= 0; with the seed it fixes the order and the clip starts
     * @return a cold stream of samples; each subscription streams the epoch again
     * @throws IllegalArgumentException when {@code epoch < 0}
     */
    public Flux<Sample> stream(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch >= 0 required but was " + epoch);
        }
        // samples only: batch 1, so that the pool checked is the one a sample stream uses
        PipelineOptions po = PipelineOptions.builder()
                .threads(options.threads())
                .batchSize(1)
                .build();
        return Flux.using(
                () -> options.open(true),
                opened -> Flux.using(() -> new Pipeline(opened.source(), po), p -> p.samples(epoch), Pipeline::close),
                OpenedDataset::close);
    }

    /**
     * One epoch as pooled samples for a plain loop, closed by try-with-resources also when the loop {@code break}s;
     * random clips, seeded order, as {@link #stream(int)}.
     *
     * @param epoch the epoch, >= 0; with the seed it fixes the order and the clip starts
     * @return the open iteration, owning its pipeline and opened dataset until closed
     * @throws IllegalArgumentException for a negative epoch, or as {@link #loadData(int, boolean)}
     * @throws org.etab.decode.DatasetException when the index cannot be read, naming the file and why
     */
    public SampleIterator iterate(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch >= 0 required but was " + epoch);
        }
        return SampleIterator.open(options.open(true), options.threads(), epoch);
    }

    /** ETAB's options with ETAB's names, then {@link #build()}. Not thread-safe. */
    public static final class Builder {
        // package-private: EtabOptions reads them when built
        String name = "echonet";
        Path root;
        String target;
        String view;
        boolean video;
        boolean normalize = true;
        int frameL = 224;
        int frameW = 224;
        int clipL = 16;
        double fps = 50;
        boolean padding;
        String split;
        int fold;
        int channels = 3;
        long seed = 42;
        int threads = Math.min(Runtime.getRuntime().availableProcessors(), EtabOptions.MAX_THREADS);
        ResizeFilter resize; // null: ETAB's for the dataset, as antialias
        Boolean antialias;
        ClipLayout layout = ClipLayout.TCHW;
        String labelScheme;
        boolean strict;

        private Builder() {}

        /**
         * Selects the dataset.
         *
         * @param name a dataset of {@link DatasetRegistry}, any case ({@code echonet}, {@code camus},
         *             {@code tmed}); default {@code echonet}, ETAB's
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the dataset directory.
         *
         * @param root the dataset's directory; null (default): the dataset's environment variable, e.g.
         *             {@code ETAB_ECHONET_DIR}, read when loading
         * @return this builder
         */
        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /**
         * Selects the target each sample's {@code y} holds.
         *
         * @param target an ETAB target name the dataset offers; null (default): the dataset's own, EF, or view
         *               for TMED-2
         * @return this builder
         */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /**
         * Selects the view.
         *
         * @param view an ETAB view the dataset offers, in any of ETAB's spellings, or {@code all}; null (default): the
         *             dataset's own for the target
         * @return this builder
         */
        public Builder view(String view) {
            this.view = view;
            return this;
        }

        /**
         * Clips or single frames.
         *
         * @param video true: clips of {@code clipL} frames (not for TMED-2's still images); false (default): single
         *              frames
         * @return this builder
         */
        public Builder video(boolean video) {
            this.video = video;
            return this;
        }

        /**
         * ImageNet normalization of the pixels.
         *
         * @param normalize true (default): ImageNet mean and standard deviation; false: pixels scaled to [0, 1]
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Sets the output rows.
         *
         * @param frameL output rows, 1..{@value SampleOptions#MAX_FRAME_SIDE} (default 224, ETAB's)
         * @return this builder
         */
        public Builder frameL(int frameL) {
            this.frameL = frameL;
            return this;
        }

        /**
         * Sets the output columns.
         *
         * @param frameW output columns, 1..{@value SampleOptions#MAX_FRAME_SIDE} (default 224, ETAB's)
         * @return this builder
         */
        public Builder frameW(int frameW) {
            this.frameW = frameW;
            return this;
        }

        /**
         * Sets the frames per clip (with {@code video(true)}).
         *
         * @param clipL frames per clip, 1..{@value org.etab.sampling.ClipSpec#MAX_LENGTH} (default 16, ETAB's)
         * @return this builder
         */
        public Builder clipL(int clipL) {
            this.clipL = clipL;
            return this;
        }

        /**
         * Sets the clip frame rate (ETAB's {@code fps}).
         *
         * @param fps frames per second; {@code <= 0} keeps the file's own (default 50, ETAB's; ETAB's code ignores it)
         * @return this builder
         */
        public Builder fps(double fps) {
            this.fps = fps;
            return this;
        }

        /**
         * Padding of clips that run past the video's end; without it such a clip is a failed sample and
         * {@link EtabDataset#loadData} takes the next one.
         *
         * @param padding true: pad with zero frames; false (default): ETAB's {@code padding=None}
         * @return this builder
         */
        public Builder padding(boolean padding) {
            this.padding = padding;
            return this;
        }

        /**
         * Selects the split.
         *
         * @param split train, val, test or all, any case; null (default): the split ETAB's loader reads,
         *              {@code train} for EchoNet-Dynamic, whose ETAB loader reads only FileList's TRAIN rows;
         *              {@code all} for the others
         * @return this builder
         */
        public Builder split(String split) {
            this.split = split;
            return this;
        }

        /**
         * Selects the fold of datasets that have folds.
         *
         * @param fold the fold (TMED-2: 0..2; default 0); datasets without folds take only 0
         * @return this builder
         */
        public Builder fold(int fold) {
            this.fold = fold;
            return this;
        }

        /**
         * Sets the channels per frame.
         *
         * @param channels 3 (default: RGB replicated from gray) or 1
         * @return this builder
         */
        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Seeds the random choice of records and clip starts.
         *
         * @param seed the seed (default 42); the same seed and options give the same samples
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the decode threads of the pipeline that loads.
         *
         * @param threads decode threads, 1..1022 (default: all cores, at most 1022); the pipelines that load and
         *                stream keep 2 batches ahead beyond one per thread, within the pipeline's 1024
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * The resize filter ({@link Resampling}).
         *
         * @param resize a filter; null (default): ETAB's for the dataset, bicubic for EchoNet, bilinear for CAMUS,
         *               both antialiased; bilinear without antialiasing for datasets ETAB has no loader for
         * @return this builder
         */
        public Builder resize(ResizeFilter resize) {
            this.resize = resize;
            return this;
        }

        /**
         * The integer coding of a class target with several (TMED-2: {@code view5}, {@code view5-a2c-first}, {@code
         * view3}, {@code view2} for view; {@code as3}, {@code as2}, {@code as5} for AS; docs/datasets.md).
         *
         * @param labelScheme a scheme the target offers; null (default): the dataset's first
         * @return this builder
         */
        public Builder labelScheme(String labelScheme) {
            this.labelScheme = labelScheme;
            return this;
        }

        /**
         * Whose definition of the filter: Pillow's (as ETAB's PIL resizes) or OpenCV's.
         *
         * @param antialias true: Pillow's; false: OpenCV's; not called (default): ETAB's for the dataset, as
         *                  {@link #resize}
         * @return this builder
         */
        public Builder antialias(boolean antialias) {
            this.antialias = antialias;
            return this;
        }

        /**
         * Sets the axis order of clips.
         *
         * @param layout {@code TCHW} (default, ETAB's {@code clip_l} images of {@code [3, H, W]}) or {@code CTHW}
         * @return this builder
         */
        public Builder layout(ClipLayout layout) {
            this.layout = layout;
            return this;
        }

        /**
         * What {@link EtabDataset#loadData} does with a sample that fails.
         *
         * @param strict true: throw {@link SampleException}; false (default): take the next one
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Checks the options and builds; no file is read.
         *
         * @throws IllegalArgumentException naming the value and what is accepted: an unknown dataset, a target,
         *                                  view, fold or label scheme the dataset does not offer, a split other than
         *                                  train, val, test or all, {@code video(true)} for a dataset of still
         *                                  images (TMED-2), channels other than 1 or 3, a frame side outside
         *                                  1..{@value SampleOptions#MAX_FRAME_SIDE}, a bad clip setting, threads
         *                                  outside 1..1022
         * @return a new dataset with nothing loaded yet; this builder can go on to build others
         */
        public EtabDataset build() {
            return new EtabDataset(EtabOptions.of(this));
        }
    }
}
