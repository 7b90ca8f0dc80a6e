package org.etab.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;

/**
 * The configuration file ({@code config/etab.yaml}): dataset directories and pipeline defaults.
 * Precedence, lowest first: built-in defaults, the file, environment variables (one per dataset,
 * {@link DatasetProvider#environmentVariable()}: {@code ETAB_ECHONET_DIR}, ...), command-line flags. The file's
 * dataset keys are the registered datasets' {@link DatasetProvider#configKey() config keys} ({@code echonet_dir},
 * ...); unknown keys are an error naming the key and the file. Relative directories in the file are resolved
 * against the file's own directory as the file system resolves them ({@code ../data} beside a config reached through
 * a link is the link target's sibling; not normalized as text). Immutable.
 */
public final class EtabConfig {
    /** The largest config file read; the shipped one is under 2 KB. */
    public static final long MAX_BYTES = 1 << 20;

    /**
     * The longest line read, in characters: a path is at most 4,096 bytes on Linux. A longer one is refused before
     * the YAML parser sees it, which re-copies its window for every buffer of a long token (a 1 MiB scalar or
     * comment allocated ~1 GB, most of a 1.5 GB peak RSS).
     */
    public static final int MAX_LINE_CHARS = 16 * 1024;

    /** By dataset name; absent when not configured. */
    private final Map<String, Path> directories;

    private final PipelineDefaults pipeline;
    private final List<Path> extraRoots;
    private final Path file; // null: built-in defaults

    private EtabConfig(Map<String, Path> directories, PipelineDefaults pipeline, List<Path> extraRoots, Path file) {
        this.directories = Map.copyOf(directories);
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.extraRoots = List.copyOf(extraRoots);
        this.file = file;
    }

    /**
     * The file's {@code pipeline} section: defaults the command line uses where no flag is given. Any key left out
     * keeps the built-in value ({@link #BUILT_IN}); in a config returned by {@link EtabConfig#load} every component is
     * set. Values are checked where they are used, not here.
     *
     * @param batch      samples per batch ({@code batch})
     * @param threads    decode threads; 0: all cores ({@code threads})
     * @param prefetch   batches assembled ahead beyond one per thread ({@code prefetch})
     * @param clipLength frames per clip, ETAB's {@code clip_l} ({@code clip_length})
     * @param fps        clip frame rate, ETAB's {@code fps}; 0: the file's own ({@code fps})
     * @param frameSize  {@code LxW} (ETAB's {@code frame_l x frame_w}, e.g. {@code 112x112}) or {@code native}
     *                   ({@code frame_size})
     * @param normalize  ImageNet normalization ({@code normalize})
     * @param padding    pad short clips with zero frames ({@code padding})
     * @param seed       the seed of record order and clip starts ({@code seed})
     */
    public record PipelineDefaults(
            @JsonProperty("batch") Integer batch,
            @JsonProperty("threads") Integer threads,
            @JsonProperty("prefetch") Integer prefetch,
            @JsonProperty("clip_length") Integer clipLength,
            @JsonProperty("fps") Double fps,
            @JsonProperty("frame_size") String frameSize,
            @JsonProperty("normalize") Boolean normalize,
            @JsonProperty("padding") Boolean padding,
            @JsonProperty("seed") Long seed) {

        /** Workload W1's settings: batch 20, all cores, prefetch 2, 32 frames at 25 fps, 112x112, normalized. */
        public static final PipelineDefaults BUILT_IN =
                new PipelineDefaults(20, 0, 2, 32, 25.0, "112x112", true, true, 42L);

        PipelineDefaults over(PipelineDefaults base) {
            return new PipelineDefaults(
                    batch != null ? batch : base.batch,
                    threads != null ? threads : base.threads,
                    prefetch != null ? prefetch : base.prefetch,
                    clipLength != null ? clipLength : base.clipLength,
                    fps != null ? fps : base.fps,
                    frameSize != null ? frameSize : base.frameSize,
                    normalize != null ? normalize : base.normalize,
                    padding != null ? padding : base.padding,
                    seed != null ? seed : base.seed);
        }
    }

    /**
     * Built-in defaults only, no directories; the environment is not read.
     *
     * @return a config with {@link PipelineDefaults#BUILT_IN}, no dataset directory and no extra root
     */
    public static EtabConfig builtIn() {
        return new EtabConfig(Map.of(), PipelineDefaults.BUILT_IN, List.of(), null);
    }

    /**
     * Reads a config file and applies the environment on top.
     *
     * @param file the YAML file; an empty file is the built-in defaults
     * @param env  the environment, e.g. {@code System.getenv()}: each dataset's directory variable that is set and
     *             not blank overrides the file
     * @return the config
     * @throws IllegalArgumentException naming the file and the reason (not a regular file, over {@value #MAX_BYTES}
     *                                  bytes, unreadable, bad YAML, unknown key)
     */
    public static EtabConfig load(Path file, Map<String, String> env) {
        ConfigFile.Contents c = ConfigFile.read(file);
        return new EtabConfig(c.directories(), c.pipeline(), c.extraRoots(), file).withEnvironment(env);
    }

    /**
     * This config with each dataset's directory variable ({@code ETAB_*_DIR}) applied where it is set.
     *
     * @param env the environment, e.g. {@code System.getenv()}; a variable that is blank is ignored
     * @return a new config; this one is not changed
     */
    public EtabConfig withEnvironment(Map<String, String> env) {
        Map<String, Path> dirs = new LinkedHashMap<>(directories);
        for (DatasetProvider p : DatasetRegistry.all()) {
            String v = env.get(p.environmentVariable());
            if (v != null && !v.isBlank()) {
                dirs.put(p.name(), Path.of(v));
            }
        }
        return new EtabConfig(dirs, pipeline, extraRoots, file);
    }

    /**
     * The configured directory of a dataset.
     *
     * @param dataset a registered dataset name, any case
     * @return the directory (absolute when it came from the file), or null when neither the file nor the
     *         environment names one
     * @throws IllegalArgumentException when no such dataset is registered
     */
    public Path directory(String dataset) {
        return directories.get(DatasetRegistry.get(dataset).name());
    }

    /**
     * The pipeline defaults.
     *
     * @return the file's values over the built-in ones; every component set
     */
    public PipelineDefaults pipeline() {
        return pipeline;
    }

    /** {@return the file this config was read from, or null for the built-in defaults} */
    public Path file() {
        return file;
    }

    /**
     * Names a {@code pipeline} setting as the user wrote it, for messages about its value.
     *
     * @param key a key of the {@code pipeline} section, e.g. {@code batch}
     * @return e.g. {@code pipeline.batch in /etc/etab.yaml}, or {@code the built-in pipeline.batch}
     */
    public String describe(String key) {
        return file == null
                ? "the built-in " + ConfigFile.PIPELINE + "." + key
                : ConfigFile.PIPELINE + "." + key + " in " + file;
    }

    /**
     * Directories besides each dataset's root that its files may lead to by links ({@code extra_roots}: a dataset
     * spread over disks); empty by default.
     *
     * @return an immutable list, relative entries of the file resolved against its directory
     */
    public List<Path> extraRoots() {
        return extraRoots;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtabConfig c
                && directories.equals(c.directories)
                && pipeline.equals(c.pipeline)
                && extraRoots.equals(c.extraRoots);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directories, pipeline, extraRoots);
    }

    @Override
    public String toString() {
        return "EtabConfig[directories=" + directories + ", pipeline=" + pipeline + ", extraRoots=" + extraRoots + "]";
    }
}
