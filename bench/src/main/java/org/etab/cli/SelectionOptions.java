package org.etab.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.etab.api.Datasets;
import org.etab.config.EtabConfig;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.FileAccess;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Split;
import org.etab.source.Target;
import org.etab.storage.RemoteException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags that select samples (dataset, root, split, view, fold, target, limit) and, through {@link SampleFlags},
 * say what each is; shared by {@code bench}, {@code export}, {@code plot}, {@code gif}, {@code split} and
 * {@link InterleavedBench}. A flag left out falls back to the config file, then to the built-in default.
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
            names = "--fold",
            defaultValue = "0",
            description = "Fold of a dataset with folds (TMED-2: 0..2); 0 for the others (default: ${DEFAULT-VALUE}).")
    int fold;

    @Option(names = "--video", arity = "1")
    Boolean video;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "At most N samples per epoch (0: all) (default: ${DEFAULT-VALUE}).")
    long limit;

    @Mixin
    SampleFlags sample;

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
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0 (0: all) but was " + limit);
        }
        DatasetProvider ds = DatasetRegistry.get(dataset);
        Target t = target != null ? DatasetRegistry.target(dataset, target) : ds.defaultTarget();
        return sample.options(
                cfg,
                ds,
                t,
                video != null ? video : ds.videoByDefault(),
                allowLinksOutside ? FileAccess.anywhere() : FileAccess.underRootOr(cfg.extraRoots()));
    }
}
