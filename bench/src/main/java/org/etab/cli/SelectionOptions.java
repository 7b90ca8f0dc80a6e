package org.etab.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.etab.api.Datasets;
import org.etab.batch.DType;
import org.etab.config.EtabConfig;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.ClipLayout;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.FileAccess;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Split;
import org.etab.source.Target;
import org.etab.storage.RemoteException;
import org.etab.transform.ResizeFilter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags that select samples and say what they are, shared by {@code bench}, {@code export}, {@code plot},
 * {@code gif}, {@code split} and {@link InterleavedBench}. A flag
 * left out falls back to the config file, then to the built-in default.
 */
public final class SelectionOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Config file (default: $ETAB_CONFIG, else config/etab.yaml of the installation).")
    Path config;

    // descriptions of --dataset, --target, --view and --video: DatasetHelp (they name the registered datasets)
    @Option(names = "--dataset", defaultValue = Etab.DEFAULT_DATASET)
    String dataset;

    @Option(
            names = "--root",
            paramLabel = "DIR|URL",
            description = "Dataset directory, or an http(s) URL (echonet) (default: the config's <dataset>_dir).")
    String root;

    @Mixin
    UrlRootOptions url;

    @Option(
            names = "--allow-links-outside",
            description = "Open dataset files whose real path (links resolved) lies "
                    + "outside the root (default: refused, as are the config's extra_roots unless listed there).")
    boolean allowLinksOutside;

    @Option(
            names = "--split",
            defaultValue = "train",
            description = "train, val, test or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--target")
    String target;

    // description: DatasetHelp (each registered dataset's views, every spelling)
    @Option(names = "--view", paramLabel = "V")
    String view;

    @Option(
            names = "--label-scheme",
            paramLabel = "NAME",
            description =
                    "Integer coding of a class target: tmed view "
                            + "view5 (default), view5-a2c-first, view3, view2; tmed AS as3 (default), as2, as5 (docs/datasets.md).")
    String labelScheme;

    @Option(
            names = "--fold",
            defaultValue = "0",
            description = "Fold of a dataset with folds (TMED-2: 0..2); 0 for the others (default: ${DEFAULT-VALUE}).")
    int fold;

    @Option(names = "--video", arity = "1")
    Boolean video;

    @Option(
            names = "--clip-length",
            paramLabel = "N",
            description = "Frames per clip (ETAB clip_l; default: the config's, 32 if unset).")
    Integer clipLength;

    @Option(
            names = "--fps",
            paramLabel = "F",
            description = "Clip frame rate; 0 = the file's own (default: the config's, 25 if unset).")
    Double fps;

    @Option(
            names = "--frame-size",
            paramLabel = "LxW|native",
            description = "Output frame size (default: the config's, 112x112 if unset).")
    String frameSize;

    @Option(
            names = "--normalize",
            arity = "1",
            description = "ImageNet normalization (default: the config's, true if unset; false with --dtype uint8).")
    Boolean normalize;

    @Option(
            names = "--padding",
            arity = "1",
            description = "Pad short clips with zero frames (default: the config's, true if unset).")
    Boolean padding;

    @Option(
            names = "--clip-start",
            defaultValue = "random",
            description = "random, first or all (default: ${DEFAULT-VALUE}).")
    String clipStart;

    @Option(
            names = "--channels",
            defaultValue = "3",
            description = "3 (RGB replicated from gray) or 1 (gray) (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(
            names = "--dtype",
            defaultValue = "float32",
            description = "float32, or uint8 (raw pixels, no normalization) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(
            names = "--resize",
            defaultValue = "bilinear",
            paramLabel = "nearest|bilinear|bicubic|area",
            description = "Resize filter (default: ${DEFAULT-VALUE}); see --antialias.")
    String resize;

    @Option(
            names = "--antialias",
            arity = "1",
            defaultValue = "false",
            paramLabel = "true|false",
            description = "true: Pillow's Image.resize filter (support widened when shrinking; area = BOX); "
                    + "false: OpenCV's cv2.resize (default: ${DEFAULT-VALUE}).")
    boolean antialias;

    @Option(
            names = "--layout",
            defaultValue = "cthw",
            paramLabel = "cthw|tchw",
            description = "Clip axes: [C, T, H, W] or ETAB's [T, C, H, W] (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(
            names = "--seed",
            description = "Seed for the order and the clip starts (default: the config's, 42 if unset).")
    Long seed;

    @Option(
            names = "--shuffle",
            arity = "1",
            defaultValue = "false",
            description = "A fresh seeded order every epoch (default: ${DEFAULT-VALUE}).")
    boolean shuffle;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "At most N samples per epoch (0: all) (default: ${DEFAULT-VALUE}).")
    long limit;

    /** The command these flags are mixed into (null when made outside picocli). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Refuses the flags the command does not use that were given on the command line, as a flag silently unused
     * reads as if it had worked. A flag written {@code --channels=1} is accepted with the value the command honours
     * anyway (so that flags shared with bench and export can be passed along); one without a value is refused
     * whatever its value.
     *
     * @param why   what the command does instead, e.g. {@code it draws raw gray pixels}
     * @param flags {@code --flag} or {@code --flag=honoured value}
     */
    void refuseUnused(String why, String... flags) {
        List<String> given = new ArrayList<>();
        for (String f : flags) {
            String[] flagAndValue = f.split("=", 2);
            OptionSpec o = command.commandLine().getParseResult().matchedOption(flagAndValue[0]);
            String value = o == null ? null : String.valueOf((Object) o.getValue());
            if (o != null && (flagAndValue.length == 1 || !flagAndValue[1].equalsIgnoreCase(value.trim()))) {
                given.add(flagAndValue[0] + " " + Terminal.safe(value));
            }
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " does" : " do")
                    + " not apply to etab " + command.name() + ": " + why);
        }
    }

    /**
     * Hides from {@code spec}'s help the flags that its command refuses ({@link #refuseUnused}'s {@code flags}, with or
     * without a value): their descriptions and defaults are bench's ({@code --channels ... (default: 3)}), which the
     * command would refuse if given. They are still parsed, so a user who passes one is told why it does not apply.
     */
    static void hideRefused(CommandSpec spec, String... flags) {
        for (String f : flags) {
            OptionSpec o = spec.findOption(f.split("=", 2)[0]);
            spec.remove(o);
            spec.addOption(o.toBuilder().hidden(true).build());
        }
    }

    /** Gives {@code spec}'s {@code flag} its own help text, where the shared one says what another command does. */
    static void describe(CommandSpec spec, String flag, String description) {
        OptionSpec o = spec.findOption(flag);
        spec.remove(o);
        spec.addOption(o.toBuilder().description(description).build());
    }

    /** The configuration in force: file (if any) + environment. */
    EtabConfig loadConfig() {
        Path file = config;
        if (file == null && System.getenv("ETAB_CONFIG") != null) {
            file = Path.of(System.getenv("ETAB_CONFIG"));
        }
        if (file == null) {
            Path installed = Launch.home().resolve("config/etab.yaml");
            file = Files.isRegularFile(installed) ? installed : null;
        }
        return file == null
                ? EtabConfig.builtIn().withEnvironment(System.getenv())
                : EtabConfig.load(file, System.getenv());
    }

    /** True when {@code --root} is an http(s) URL. */
    boolean remoteRoot() {
        return root != null && root.matches("(?i)^https?://.*");
    }

    /** The dataset root: the flag, else the config's directory for the dataset. */
    Path datasetRoot(EtabConfig cfg) {
        if (remoteRoot()) {
            throw new IllegalArgumentException(
                    "this command needs a local dataset directory, not the URL " + RemoteException.redact(root));
        }
        if (root != null && root.matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            // s3://, ftp://...: not a directory, and its user info (keys) must not be echoed
            throw new IllegalArgumentException("--root " + RemoteException.redact(root)
                    + ": only http:// and https:// URLs or a local directory are supported");
        }
        if (root != null) {
            return Path.of(root);
        }
        DatasetProvider d = DatasetRegistry.get(dataset); // an unknown dataset says so first
        Path r = cfg.directory(d.name());
        if (r == null) {
            throw new IllegalArgumentException("no dataset directory: pass --root DIR or set " + d.configKey()
                    + " in the config (or " + d.environmentVariable() + ")" + demoPhantom(d));
        }
        return r;
    }

    /**
     * {@code "; etab demo's phantom set is --root DIR"} when {@code d} is EchoNet-Dynamic and {@code etab demo} has
     * written its phantom in the installation, else empty: a first run after the README's {@code ./etab demo} names
     * no root, and the set it just made is the one to try.
     */
    private static String demoPhantom(DatasetProvider d) {
        Path phantom = Launch.home().resolve(DemoCommand.PHANTOM);
        return d.name().equals("echonet") && Files.isRegularFile(phantom.resolve("FileList.csv"))
                ? "; etab demo's phantom set is --root " + Terminal.safe(phantom)
                : "";
    }

    /**
     * Checks what is selected and where the samples come from without reading them: the split's and the view's names
     * (what the dataset itself refuses, such as {@code val} of CAMUS's original release, waits for its index), a URL
     * root's fetch flags, or a local dataset directory that exists; for commands that do slower work (the device
     * probe) before opening the dataset.
     */
    void checkSource(EtabConfig cfg) {
        checkSplit(split);
        DatasetProvider ds = DatasetRegistry.get(dataset);
        DatasetRegistry.resolveView(
                ds, view, target != null ? DatasetRegistry.target(dataset, target) : ds.defaultTarget());
        checkFold(ds);
        if (remoteRoot()) {
            remoteUri();
            url.storeOptions();
            return;
        }
        url.refuseFor(root);
        Path dir = datasetRoot(cfg);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    root != null
                            ? "--root " + dir + " is not a directory"
                            : configuredBy(cfg) + " names " + dir + ", which is not a directory (or pass --root DIR)");
        }
    }

    /**
     * Where the dataset directory of a run without {@code --root} came from, as the user set it: the environment
     * variable (which wins over the file) or the file's key.
     */
    private String configuredBy(EtabConfig cfg) {
        DatasetProvider d = DatasetRegistry.get(dataset);
        String env = System.getenv(d.environmentVariable());
        if (env != null && !env.isBlank()) {
            return d.environmentVariable();
        }
        return d.configKey() + (cfg.file() != null ? " in " + cfg.file() : " in the config");
    }

    /** Reads the index and applies split, view and fold. Close the result after the run. */
    OpenedDataset open(EtabConfig cfg) {
        return open(cfg, sampleOptions(cfg));
    }

    /** As {@link #open(EtabConfig)} with other sample options; a URL root opens a remote store. */
    OpenedDataset open(EtabConfig cfg, SampleOptions options) {
        return open(cfg, options, split);
    }

    /** As {@link #open(EtabConfig, SampleOptions)} with another split than {@code --split}'s. */
    OpenedDataset open(EtabConfig cfg, SampleOptions options, String split) {
        checkSplit(split);
        checkFold(DatasetRegistry.get(dataset)); // a URL root has no fold to ignore it in
        if (remoteRoot()) {
            return Datasets.openRemote(
                    dataset, remoteUri(), url.storeOptions(), split, view, options, url.clipRanges());
        }
        url.refuseFor(root); // plot, gif and split open without checkSource
        return Datasets.open(dataset, datasetRoot(cfg), split, view, fold, options);
    }

    /** A split or {@code all}, refused naming {@code --split} (the library's own message names no flag). */
    private static void checkSplit(String split) {
        try {
            Split.selection(split);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--split must be train, val, test or all (any case) but was '" + split + "'", e);
        }
    }

    /** {@code --fold} against the dataset's folds, as {@link DatasetRegistry#checkFold} checks it, naming the flag. */
    private void checkFold(DatasetProvider ds) {
        int folds = ds.folds();
        if (fold < 0 || fold >= folds) {
            throw new IllegalArgumentException(
                    folds == 1
                            ? "--fold " + fold + ": " + ds.name() + " has no folds (fold 0 only)"
                            : "--fold must be 0.." + (folds - 1) + " for " + ds.name() + " but was " + fold);
        }
    }

    /** The URL root; one that does not parse is refused naming it without its user info and query. */
    private URI remoteUri() {
        try {
            return new URI(root);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "--root " + RemoteException.redact(root) + " is not a valid URL: " + e.getReason(), e);
        }
    }

    /** The ETAB sample options, from flags over config over defaults. */
    SampleOptions sampleOptions(EtabConfig cfg) {
        EtabConfig.PipelineDefaults d = cfg.pipeline();
        DatasetProvider ds = DatasetRegistry.get(dataset);
        Target t = target != null ? DatasetRegistry.target(dataset, target) : ds.defaultTarget();
        int clipL = clipLength != null ? clipLength : d.clipLength();
        double f = fps != null ? fps : d.fps();
        boolean pad = padding != null ? padding : d.padding();
        boolean asVideo = video != null ? video : ds.videoByDefault();
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0 (0: all) but was " + limit);
        }
        if (channels != 1 && channels != 3) { // SampleOptions checks the same, naming no flag
            throw new IllegalArgumentException("--channels must be 1 (gray) or 3 (RGB) but was " + channels);
        }
        // a bad value is named as the user gave it: a flag, or a key of the config file
        if (asVideo && (clipL < 1 || clipL > ClipSpec.MAX_LENGTH)) {
            throw new IllegalArgumentException((clipLength != null ? "--clip-length" : cfg.describe("clip_length"))
                    + " must be 1.." + ClipSpec.MAX_LENGTH + " but was " + clipL);
        }
        if (!Double.isFinite(f) || f < 0) { // the library takes any f <= 0 as the file's own; the flag says 0
            throw new IllegalArgumentException((fps != null ? "--fps" : cfg.describe("fps"))
                    + " must be a frame rate, or 0 for the file's own, but was " + f);
        }
        ClipSpec clip = asVideo
                ? new ClipSpec(true, clipL, f, pad, byFlag("--clip-start", clipStart, ClipStart::parse))
                : ClipSpec.frame();
        int[] size = frameSize != null
                ? parseFrameSize(frameSize, "--frame-size")
                : parseFrameSize(d.frameSize(), cfg.describe("frame_size"));
        DType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32" -> DType.FLOAT32;
            case "uint8" -> DType.UINT8;
            default -> throw new IllegalArgumentException("--dtype must be float32 or uint8 but was '" + dtype + "'");
        };
        boolean norm = type == DType.UINT8 ? false : normalize != null ? normalize : d.normalize();
        if (type == DType.UINT8 && Boolean.TRUE.equals(normalize)) {
            throw new IllegalArgumentException(
                    "--dtype uint8 keeps raw pixels; it cannot be combined with --normalize true");
        }
        // checked here, before any work; the default (null) stays null in the options
        String scheme = labelScheme == null ? null : DatasetRegistry.resolveLabelScheme(ds, t, labelScheme);
        return SampleOptions.builder()
                .target(t)
                .clip(clip)
                .frameSize(size[0], size[1])
                .channels(channels)
                .normalize(norm)
                .dtype(type)
                .seed(seed != null ? seed : d.seed())
                .shuffle(shuffle)
                .labelScheme(scheme)
                .resize(byFlag("--resize", resize, ResizeFilter::parse))
                .antialias(antialias)
                .layout(byFlag("--layout", layout, ClipLayout::parse))
                .fileAccess(allowLinksOutside ? FileAccess.anywhere() : FileAccess.underRootOr(cfg.extraRoots()))
                .build();
    }

    /**
     * {@code parse(text)}; a refusal names the flag that gave the text: the library's "resize must be ..." as
     * "--resize must be ...", any other message after "--resize: ".
     */
    private static <T> T byFlag(String flag, String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            String why = String.valueOf(e.getMessage());
            int must = why.indexOf(" must be ");
            throw new IllegalArgumentException(must > 0 ? flag + why.substring(must) : flag + ": " + why, e);
        }
    }

    /** "112x112" -> {112, 112}; "native" -> {0, 0}; anything else fails, naming {@code name} (a flag or a config key). */
    static int[] parseFrameSize(String text, String name) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("native")) {
            return new int[] {0, 0};
        }
        String[] parts = s.split("x");
        try {
            if (parts.length == 2) {
                int l = Integer.parseInt(parts[0].trim());
                int w = Integer.parseInt(parts[1].trim());
                if (l > 0 && w > 0 && l <= 4096 && w <= 4096) {
                    return new int[] {l, w};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(
                name + " must be LxW (e.g. 112x112, each 1..4096) or native but was '" + text + "'");
    }
}
