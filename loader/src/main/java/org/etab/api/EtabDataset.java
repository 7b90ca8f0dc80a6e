package org.etab.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.Sample;
import org.etab.config.EtabConfig;
import org.etab.source.IndexProblem;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.Target;
import reactor.core.publisher.Flux;

/**
 * ETAB's {@code ETAB_dataset} in Java: the same options, {@link #loadData} to materialize samples on the heap
 * (through the parallel pipeline), {@link #stream} for the streaming form.
 *
 * <pre>{@code
 * EtabDataset echonet = EtabDataset.builder().name("echonet").root(dir).target("EF").view("AP4CH").video(true)
 *     .normalize(true).frameL(112).frameW(112).clipL(32).fps(25).padding(true).build();
 * echonet.loadData(100, false);                 // data().get(i) -> (x, y)
 * Splits s = DataTools.trainingDataSplit(echonet, 0.5, 0.1, true);
 * }</pre>
 *
 * <p>Threading: {@code loadData} blocks the caller while the pipeline's threads decode; {@link #data()} is an
 * immutable snapshot. Ownership: loaded items live on the heap; {@link #stream} samples are pooled and must be
 * closed.
 */
public final class EtabDataset {
    private final Builder b;
    private final Target target;
    private volatile List<Item> data = List.of();
    private volatile List<SampleFailure> failures = List.of();
    private volatile List<IndexProblem> problems = List.of();

    private EtabDataset(Builder b) {
        this.b = b;
        this.target = Datasets.target(b.name, b.target);
        options(true); // fail fast on impossible combinations, before any file is read
    }

    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return Datasets.canonical(b.name);
    }

    public Target target() {
        return target;
    }

    /** The items of the last {@link #loadData}, in load order. */
    public List<Item> data() {
        return data;
    }

    /** Samples the last load planned but could not produce, with reasons. */
    public List<SampleFailure> failures() {
        return failures;
    }

    /** Records the index left out, with reasons. */
    public List<IndexProblem> problems() {
        return problems;
    }

    /**
     * Loads {@code nClips} samples (all when {@code <= 0}): with {@code random}, a seeded random choice of
     * records and random clip starts; otherwise the first records in index order and clips from frame 0.
     */
    public EtabDataset loadData(int nClips, boolean random) {
        Datasets.Opened opened = Datasets.open(b.name, root(), b.split, b.view, b.fold, options(random));
        problems = opened.problems();
        PipelineOptions po = PipelineOptions.builder().batchSize(16).threads(b.threads)
                .limit(Math.max(0, nClips)).build();
        List<Item> items = new ArrayList<>();
        try (Pipeline p = new Pipeline(opened.source(), po)) {
            for (Batch batch : p.batches(0).toIterable(2)) {
                try (batch) {
                    for (int i = 0; i < batch.size(); i++) {
                        items.add(new Item(batch.samples().get(i).id(), Tensor.copyOf(batch.features(), i),
                                Tensor.copyOf(batch.labels(), i)));
                    }
                }
            }
            failures = p.account().failures();
        }
        data = List.copyOf(items);
        return this;
    }

    /** The dataset as pooled samples (epoch 0, random clips, seeded order); close each sample. */
    public Flux<Sample> stream() {
        return stream(0);
    }

    /** One epoch as pooled samples; the pipeline lives as long as the subscription. */
    public Flux<Sample> stream(int epoch) {
        return Flux.using(() -> new Pipeline(Datasets.open(b.name, root(), b.split, b.view, b.fold, options(true))
                        .source(), PipelineOptions.builder().threads(b.threads).build()),
                p -> p.samples(epoch), Pipeline::close);
    }

    private SampleOptions options(boolean random) {
        ClipSpec clip = b.video ? new ClipSpec(true, b.clipL, b.fps, b.padding, random ? ClipStart.RANDOM : ClipStart.FIRST)
                : ClipSpec.frame();
        return SampleOptions.builder().target(target).clip(clip)
                .frameSize(b.frameL, b.frameW).channels(b.channels).normalize(b.normalize).dtype(DType.FLOAT32).seed(b.seed).shuffle(random).build();
    }

    private Path root() {
        if (b.root != null) {
            return b.root;
        }
        EtabConfig cfg = EtabConfig.builtIn().withEnvironment(System.getenv());
        Path p = switch (name()) {
            case "echonet" -> cfg.echonetDir();
            case "camus" -> cfg.camusDir();
            case "tmed" -> cfg.tmedDir();
            default -> null;
        };
        if (p == null) {
            throw new IllegalArgumentException("no directory for " + name() + ": call root(...) or set ETAB_"
                    + name().toUpperCase(Locale.ROOT) + "_DIR");
        }
        return p;
    }

    /** ETAB's options with ETAB's names; {@code set}-style, then {@link #build()}. */
    public static final class Builder {
        private String name;
        private Path root;
        private String target = "EF";
        private String view;
        private boolean video;
        private boolean normalize = true;
        private int frameL = 224;
        private int frameW = 224;
        private int clipL = 32;
        private double fps = 25;
        private boolean padding = true;
        private String split = "all";
        private int fold;
        private int channels = 3;
        private long seed = 42;
        private int threads = Runtime.getRuntime().availableProcessors();

        /** echonet (camus and tmed as they land). Required. */
        public Builder name(String v) {
            name = v;
            return this;
        }

        /** The dataset directory (default: ETAB_ECHONET_DIR / ETAB_CAMUS_DIR / ETAB_TMED_DIR). */
        public Builder root(Path v) {
            root = v;
            return this;
        }

        public Builder target(String v) {
            target = v;
            return this;
        }

        public Builder view(String v) {
            view = v;
            return this;
        }

        public Builder video(boolean v) {
            video = v;
            return this;
        }

        public Builder normalize(boolean v) {
            normalize = v;
            return this;
        }

        /** Output rows (default 224, ETAB's). */
        public Builder frameL(int v) {
            frameL = v;
            return this;
        }

        /** Output columns (default 224). */
        public Builder frameW(int v) {
            frameW = v;
            return this;
        }

        public Builder clipL(int v) {
            clipL = v;
            return this;
        }

        public Builder fps(double v) {
            fps = v;
            return this;
        }

        public Builder padding(boolean v) {
            padding = v;
            return this;
        }

        /** train, val, test or all (default all). */
        public Builder split(String v) {
            split = v;
            return this;
        }

        /** TMED-2 fold (default 0). */
        public Builder fold(int v) {
            fold = v;
            return this;
        }

        /** 3 (RGB replicated from gray, default) or 1. */
        public Builder channels(int v) {
            channels = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** Checks the combination (target for the dataset, sizes, channels) and builds. */
        public EtabDataset build() {
            if (name == null) {
                throw new IllegalArgumentException("name is required: one of " + String.join(", ", Datasets.NAMES));
            }
            return new EtabDataset(this);
        }
    }
}
