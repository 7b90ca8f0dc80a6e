package org.etab.source;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One dataset, as the registry knows it: its name and ETAB options (targets, views, defaults), where its root is
 * configured, its phantom generator, and how to open it. Each dataset package has one public implementation,
 * registered in {@code META-INF/services/org.etab.source.DatasetProvider}; {@link DatasetRegistry} finds them, so
 * a dataset on the class path registers itself and nothing else names it.
 *
 * <pre>{@code
 * DatasetProvider camus = DatasetRegistry.get("camus");
 * SampleOptions o = SampleOptions.builder().target(camus.defaultTarget()).video(false).build();
 * try (OpenedDataset d = camus.open(root, "train", null, 0, o)) {
 *     new Pipeline(d.source(), PipelineOptions.builder().build()) ...
 * }
 * }</pre>
 *
 * <p>Threading: implementations are immutable and thread-safe; {@link #open} reads the index on the calling
 * thread.
 */
public interface DatasetProvider {

    /** The ETAB name, lower case ({@code echonet}); what {@code --dataset} and {@code EtabDataset.name} take. */
    String name();

    /** The dataset's own name for people ({@code EchoNet-Dynamic}). */
    String title();

    /** The targets it offers, in ETAB's order. */
    List<Target> targets();

    /** The target used when none is named. */
    Target defaultTarget();

    /**
     * The views it offers by name ({@code AP4CH}, {@code PLAX+PSAX}, ...), as messages list them. Every dataset
     * also accepts {@code all}: every view it has.
     */
    List<String> views();

    /** The view used for {@code target} when none is named. */
    String defaultView(Target target);

    /** True when {@code view} (any case) selects records of this dataset; aliases may be accepted. */
    default boolean acceptsView(String view) {
        String v = view.trim().toLowerCase(Locale.ROOT);
        return v.equals("all")
                || views().stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(v));
    }

    /**
     * The label schemes (integer codings) it offers for {@code target}, the default first; empty when the target has
     * one fixed coding. {@link SampleOptions#labelScheme()} names one of them.
     */
    default List<String> labelSchemes(Target target) {
        return List.of();
    }

    /**
     * The split the ETAB-style API reads when none is named: {@code all}, unless ETAB's own loader reads one split
     * (EchoNet-Dynamic: {@code train}). The command line's {@code --split} has its own default.
     */
    default String etabSplit() {
        return "all";
    }

    /** Clips ({@code true}) or single frames by default: false for still-image datasets. */
    boolean videoByDefault();

    /** The key of its root in the configuration file ({@code echonet_dir}). */
    default String configKey() {
        return name() + "_dir";
    }

    /** The environment variable that overrides the configured root ({@code ETAB_ECHONET_DIR}). */
    default String environmentVariable() {
        return "ETAB_" + name().toUpperCase(Locale.ROOT) + "_DIR";
    }

    /** Its phantom generator. */
    DatasetPhantom phantom();

    /**
     * Reads the index under {@code root} and selects records.
     *
     * @param split train, val, test or all
     * @param view  one of {@link #views()} or {@code all}; null for {@link #defaultView}
     * @param fold  the fold of datasets that have folds (TMED-2: 0..2); ignored by the others
     * @throws IllegalArgumentException naming a bad split, view, fold or an option the dataset cannot honour
     * @throws org.etab.decode.DatasetException when the index cannot be read
     */
    OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options);

    /**
     * As {@link #open}, keeping every sample at its native size (for export): one opened group per distinct size,
     * each in selection order, groups in order of their first record; the first carries the index problems. The
     * default is one group, for datasets whose selection has one size.
     */
    default List<OpenedDataset> openNative(Path root, String split, String view, int fold, SampleOptions options) {
        return List.of(open(
                root, split, view, fold, options.toBuilder().frameSize(0, 0).build()));
    }

    /** How it reads a root at an HTTP(S) URL, for datasets that can. */
    default Optional<RemoteRoot<?>> remoteRoot() {
        return Optional.empty();
    }
}
