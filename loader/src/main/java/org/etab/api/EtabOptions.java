package org.etab.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.etab.batch.DType;
import org.etab.config.EtabConfig;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.ClipLayout;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Split;
import org.etab.source.Target;
import org.etab.transform.Resampling;

/**
 * An {@link EtabDataset}'s options as built: resolved against the dataset (target, view, split, label scheme and
 * resize, where the builder left them to the dataset) and fixed. Turns ETAB's options into the source layer's: the
 * dataset's directory, the {@link SampleOptions} of a load or a stream, the opened selection.
 *
 * <p>Threading: immutable, safe to share. Ownership: {@link #open} hands the opened dataset to the caller.
 */
final class EtabOptions {
    /**
     * The most decode threads: the pipelines that load and stream keep the default prefetch of 2, and threads plus
     * prefetch may be at most {@link PipelineOptions#MAX_IN_FLIGHT}.
     */
    static final int MAX_THREADS = PipelineOptions.MAX_IN_FLIGHT - 2;

    private final DatasetProvider dataset;
    /** Null: the configured directory, looked up when opening. */
    private final Path root;

    private final Target target;
    private final String view;
    private final boolean video;
    private final boolean normalize;
    private final int frameL;
    private final int frameW;
    private final int clipL;
    private final double fps;
    private final boolean padding;
    private final String split;
    private final int fold;
    private final int channels;
    private final long seed;
    private final int threads;
    private final Resampling resampling;
    private final ClipLayout layout;
    /** Null: the target has one coding. */
    private final String labelScheme;

    private final boolean strict;
    /** The builder's values as given, for {@link #toBuilder()}: those left to the dataset stay unset. */
    private final EtabDataset.Builder given;

    /** The builder's values, with the dataset's resolution of those it leaves open; checks nothing. */
    EtabOptions(EtabDataset.Builder b, DatasetProvider dataset, Target target, String view, String labelScheme) {
        this.given = copyOf(b);
        this.dataset = dataset;
        this.root = b.root;
        this.target = target;
        this.view = view;
        this.video = b.video;
        this.normalize = b.normalize;
        this.frameL = b.frameL;
        this.frameW = b.frameW;
        this.clipL = b.clipL;
        this.fps = b.fps;
        this.padding = b.padding;
        this.split = b.split != null ? b.split.trim().toLowerCase(Locale.ROOT) : dataset.etabSplit();
        this.fold = b.fold;
        this.channels = b.channels;
        this.seed = b.seed;
        this.threads = b.threads;
        this.labelScheme = labelScheme;
        this.strict = b.strict;
        Resampling etab = dataset.etabResampling(); // each setting not given falls back to ETAB's
        this.resampling = new Resampling(
                b.resize != null ? b.resize : etab.filter(), b.antialias != null ? b.antialias : etab.antialias());
        this.layout = b.layout;
    }

    /**
     * Resolves and checks a builder's options against its dataset; no file is read.
     *
     * @throws IllegalArgumentException as {@link EtabDataset.Builder#build()}
     */
    static EtabOptions of(EtabDataset.Builder b) {
        if (b.name == null) {
            throw new IllegalArgumentException(
                    "name must not be null: one of " + String.join(", ", DatasetRegistry.names()));
        }
        DatasetProvider dataset = DatasetRegistry.get(b.name);
        Target target =
                b.target == null ? dataset.defaultTarget() : Target.parse(b.target, dataset.name(), dataset.targets());
        String view = DatasetRegistry.resolveView(dataset, b.view, target);
        DatasetRegistry.checkFold(dataset, b.fold);
        if (b.layout == null) {
            throw new IllegalArgumentException("layout required (TCHW or CTHW) but was null");
        }
        if (b.threads < 1 || b.threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + " but was " + b.threads);
        }
        if (b.frameL == 0 || b.frameW == 0) { // SampleOptions takes 0x0 as the native size, which ETAB has not
            throw new IllegalArgumentException("frame size frameL x frameW must be two numbers in 1.."
                    + SampleOptions.MAX_FRAME_SIDE + " but was " + b.frameL + "x" + b.frameW);
        }
        if (b.video && !dataset.videoByDefault()) {
            throw new IllegalArgumentException(
                    "video(true) is not available for " + dataset.name() + ": it has still images only");
        }
        if (b.split != null) {
            Split.selection(b.split); // train, val, test or all, named when not: before any file is read
        }
        String scheme = DatasetRegistry.resolveLabelScheme(dataset, target, b.labelScheme);
        dataset.checkLabelScheme(view, target, scheme);
        EtabOptions options = new EtabOptions(b, dataset, target, view, scheme);
        options.sampleOptions(true); // channels, sizes, clip settings: fail here, before any file is read
        return options;
    }

    /**
     * A builder holding these options as they were given: those left to the dataset (target, view, split, label
     * scheme, resize) are left to it again, so that a copy for another dataset or target resolves them anew.
     */
    EtabDataset.Builder toBuilder() {
        return copyOf(given);
    }

    private static EtabDataset.Builder copyOf(EtabDataset.Builder b) {
        EtabDataset.Builder copy = EtabDataset.builder()
                .name(b.name)
                .root(b.root)
                .target(b.target)
                .view(b.view)
                .video(b.video)
                .normalize(b.normalize)
                .frameL(b.frameL)
                .frameW(b.frameW)
                .clipL(b.clipL)
                .fps(b.fps)
                .padding(b.padding)
                .split(b.split)
                .fold(b.fold)
                .channels(b.channels)
                .seed(b.seed)
                .threads(b.threads)
                .resize(b.resize)
                .labelScheme(b.labelScheme)
                .layout(b.layout)
                .strict(b.strict);
        if (b.antialias != null) {
            copy.antialias(b.antialias);
        }
        return copy;
    }

    /**
     * Reads the index and selects the records (split, view, fold); no media file is decoded yet.
     *
     * @param random a seeded random order and random clip starts; false: index order, clips from frame 0
     */
    OpenedDataset open(boolean random) {
        return dataset.open(directory(System.getenv()), split, view, fold, sampleOptions(random));
    }

    /** How each sample is made; fails naming the value when the sizes, channels or clip settings are not possible. */
    SampleOptions sampleOptions(boolean random) {
        ClipSpec clip = video
                ? new ClipSpec(true, clipL, fps, padding, random ? ClipStart.RANDOM : ClipStart.FIRST)
                : ClipSpec.frame();
        return SampleOptions.builder()
                .target(target)
                .clip(clip)
                .frameSize(frameL, frameW)
                .channels(channels)
                .normalize(normalize)
                .dtype(DType.FLOAT32)
                .seed(seed)
                .shuffle(random)
                .labelScheme(labelScheme)
                .resize(resampling.filter())
                .antialias(resampling.antialias())
                .layout(layout)
                .build();
    }

    /** The root given to the builder, else the dataset's directory from {@code environment} (its variable). */
    Path directory(Map<String, String> environment) {
        if (root != null) {
            return root;
        }
        Path p = EtabConfig.builtIn().withEnvironment(environment).directory(dataset.name());
        if (p == null) {
            throw new IllegalArgumentException(
                    "no directory for " + dataset.name() + ": call root(...) or set " + dataset.environmentVariable());
        }
        return p;
    }

    String name() {
        return dataset.name();
    }

    Target target() {
        return target;
    }

    String view() {
        return view;
    }

    String split() {
        return split;
    }

    String labelScheme() {
        return labelScheme;
    }

    Resampling resampling() {
        return resampling;
    }

    ClipLayout layout() {
        return layout;
    }

    int threads() {
        return threads;
    }

    boolean strict() {
        return strict;
    }
}
