package org.etab.source;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.etab.transform.Resampling;

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

    /**
     * The ETAB name; what {@code --dataset} and {@code EtabDataset.name} take.
     *
     * @return lower case, unique in the registry ({@code echonet})
     */
    String name();

    /**
     * The dataset's own name for people.
     *
     * @return e.g. {@code EchoNet-Dynamic}
     */
    String title();

    /**
     * The targets it offers.
     *
     * @return not empty, in ETAB's order
     */
    List<Target> targets();

    /**
     * The target used when none is named.
     *
     * @return one of {@link #targets()}
     */
    Target defaultTarget();

    /**
     * The views it offers by name ({@code AP4CH}, {@code PLAX+PSAX}, ...), as messages list them. Every dataset
     * also accepts {@code all}: every view it has.
     *
     * @return the view names
     */
    List<String> views();

    /**
     * The view used for {@code target} when none is named.
     *
     * @param target one of {@link #targets()}
     * @return a view this dataset accepts ({@link #acceptsView})
     */
    String defaultView(Target target);

    /**
     * Whether {@code view} selects records of this dataset. The default accepts {@code all} and the names of
     * {@link #views()}, in any case; a dataset may accept aliases too.
     *
     * @param view the view, in the datasets' spelling ({@link EtabViews#canonical}), not null
     * @return true when {@link #open} takes it
     */
    default boolean acceptsView(String view) {
        String v = view.trim().toLowerCase(Locale.ROOT);
        return v.equals("all")
                || views().stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(v));
    }

    /**
     * Refuses a label scheme that has no class for a view the selection holds (TMED-2's {@code view2} codes PLAX and
     * PSAX only), so that the ETAB builder and {@code Datasets.open} refuse such a choice before any file is read. The
     * default: every scheme codes every view.
     *
     * @param view   the resolved view (the dataset's spelling, or {@code all}), not null
     * @param target the target
     * @param scheme the resolved label scheme, or null when the target has one coding
     * @throws IllegalArgumentException naming the scheme, the views it has no class for and what to choose instead
     */
    default void checkLabelScheme(String view, Target target, String scheme) {}

    /**
     * The label schemes (integer codings) it offers for {@code target}, the default first; empty when the target has
     * one fixed coding. {@link SampleOptions#labelScheme()} names one of them. The default: none.
     *
     * @param target one of {@link #targets()}
     * @return the scheme names, default first; empty when the target has one coding
     */
    default List<String> labelSchemes(Target target) {
        return List.of();
    }

    /**
     * The split the ETAB-style API reads when none is named: {@code all}, unless ETAB's own loader reads one split
     * (EchoNet-Dynamic: {@code train}). The command line's {@code --split} has its own default.
     *
     * @return {@code all}, {@code train}, {@code val} or {@code test}
     */
    default String etabSplit() {
        return "all";
    }

    /**
     * The folds of the dataset's own cross-validation splits; a dataset without folds has fold 0 only, and any
     * other fold asked of it is refused ({@link DatasetRegistry#checkFold}) rather than ignored.
     *
     * @return 1 (no folds; the default) or more (TMED-2: 3)
     */
    default int folds() {
        return 1;
    }

    /**
     * How the ETAB-style API resizes frames when none is named: as ETAB's own loader resizes this dataset's frames
     * (EchoNet-Dynamic: PIL's bicubic; CAMUS: torchvision's bilinear on a PIL image; both antialiased), or the
     * pipeline's default where ETAB has no loader for it.
     *
     * @return the filter and whether it is antialiased
     */
    default Resampling etabResampling() {
        return Resampling.DEFAULT;
    }

    /**
     * Clips or single frames by default.
     *
     * @return true for clips, false for still-image datasets
     */
    boolean videoByDefault();

    /**
     * The key of its root in the configuration file. The default: the name and {@code _dir}.
     *
     * @return e.g. {@code echonet_dir}, unique in the registry
     */
    default String configKey() {
        return name() + "_dir";
    }

    /**
     * The environment variable that overrides the configured root. The default: {@code ETAB_}, the name in upper
     * case, {@code _DIR}.
     *
     * @return e.g. {@code ETAB_ECHONET_DIR}, unique in the registry
     */
    default String environmentVariable() {
        return "ETAB_" + name().toUpperCase(Locale.ROOT) + "_DIR";
    }

    /**
     * Its phantom generator.
     *
     * @return the generator writing this dataset's layout
     */
    DatasetPhantom phantom();

    /**
     * Reads the index under {@code root} and selects records.
     *
     * @param root    the dataset directory
     * @param split   train, val, test or all
     * @param view    one of {@link #views()} or {@code all}; null for {@link #defaultView}
     * @param fold    the fold, 0..{@link #folds()} - 1 (TMED-2: 0..2; 0 for datasets without folds)
     * @param options what each sample is; its target must be one of {@link #targets()}
     * @return the opened dataset, which the caller closes after the run
     * @throws IllegalArgumentException naming a bad split, view, fold or an option the dataset cannot honour
     * @throws org.etab.decode.DatasetException when the index cannot be read
     */
    OpenedDataset open(Path root, String split, String view, int fold, SampleOptions options);

    /**
     * As {@link #open}, keeping every sample at its native size (for export): one opened group per distinct size,
     * each in selection order, groups in order of their first record; the first carries the index problems. The
     * default is one group, for datasets whose selection has one size.
     *
     * @param root    the dataset directory
     * @param split   train, val, test or all
     * @param view    one of {@link #views()} or {@code all}; null for {@link #defaultView}
     * @param fold    the fold, 0..{@link #folds()} - 1
     * @param options what each sample is; its frame size is replaced by the native one
     * @return at least one opened dataset; the caller closes each
     * @throws IllegalArgumentException naming a bad split, view, fold or option
     * @throws org.etab.decode.DatasetException when the index cannot be read
     */
    default List<OpenedDataset> openNative(Path root, String split, String view, int fold, SampleOptions options) {
        return List.of(open(
                root, split, view, fold, options.toBuilder().frameSize(0, 0).build()));
    }

    /**
     * How it reads a root at an HTTP(S) URL, for datasets that can. The default: empty.
     *
     * @return the remote reader, or empty when the dataset is read from local files only
     */
    default Optional<RemoteRoot<?>> remoteRoot() {
        return Optional.empty();
    }
}
