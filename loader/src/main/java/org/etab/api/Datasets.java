package org.etab.api;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.EtabViews;
import org.etab.source.OpenedDataset;
import org.etab.source.RemoteRoot;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.storage.HttpStoreOptions;

/**
 * Opens a dataset by its ETAB name: a lookup in {@link DatasetRegistry}, which knows every dataset on the class
 * path. The CLI goes through it; {@link EtabDataset} opens its dataset's provider from the same registry directly.
 */
public final class Datasets {

    private Datasets() {}

    /**
     * The ETAB dataset names this build loads, in registry order.
     *
     * @return lower-case names ({@code echonet}, {@code camus}, {@code tmed}, ...), unmodifiable
     */
    public static List<String> names() {
        return DatasetRegistry.names();
    }

    /**
     * Opens a split of {@code name} at {@code root} with the dataset's default view and fold 0: {@link
     * #open(String, Path, String, String, int, SampleOptions) open(name, root, split, null, 0, options)}.
     *
     * @param name    a registered dataset name, any case ({@link #names()})
     * @param root    the dataset's directory
     * @param split   train, val, test or all
     * @param options how each sample is made (target, clip, size, normalization, seed), not null
     * @return the opened dataset, which the caller owns and closes after the run
     * @throws IllegalArgumentException naming an unknown dataset, a bad split, or a label scheme the target does not
     *                                  have
     */
    public static OpenedDataset open(String name, Path root, String split, SampleOptions options) {
        return open(name, root, split, null, 0, options);
    }

    /**
     * Opens {@code name} at {@code root}: reads its index and selects records; no media file is decoded yet.
     *
     * @param name    a registered dataset name, any case ({@link #names()})
     * @param root    the dataset's directory
     * @param split train, val, test or all
     * @param view  an ETAB view the dataset offers, in any of ETAB's spellings ({@link EtabViews}), or {@code all}; null for the dataset's default
     *              ({@link DatasetProvider#defaultView})
     * @param fold  the fold of datasets that have folds (TMED-2: 0..2); 0 for the others
     * @param options how each sample is made (target, clip, size, normalization, seed), not null
     * @return the opened dataset, which the caller owns and closes after the run
     * @throws IllegalArgumentException naming an unknown dataset, a bad selection, or a label scheme the target does
     *                                  not have
     */
    public static OpenedDataset open(
            String name, Path root, String split, String view, int fold, SampleOptions options) {
        DatasetProvider dataset = DatasetRegistry.get(name);
        DatasetRegistry.checkFold(dataset, fold);
        return dataset.open(root, split, checkedView(dataset, view, options), fold, options);
    }

    /**
     * Opens a dataset keeping every sample at its native size, for export: one opened group per distinct size
     * (CAMUS sizes differ per patient; EchoNet-Dynamic and TMED-2 give one). The frame size in {@code options} is
     * ignored.
     *
     * @param name    a registered dataset name, any case
     * @param root    the dataset's directory
     * @param split   train, val, test or all
     * @param view    an ETAB view the dataset offers, or {@code all}; null for the dataset's default
     * @param fold    the fold of datasets that have folds (TMED-2: 0..2); 0 for the others
     * @param options how each sample is made, not null
     * @return one opened dataset per distinct size, groups in order of their first record; the first carries the
     *         index problems. The caller closes each
     * @throws IllegalArgumentException as {@link #open}
     */
    public static List<OpenedDataset> openNative(
            String name, Path root, String split, String view, int fold, SampleOptions options) {
        DatasetProvider dataset = DatasetRegistry.get(name);
        DatasetRegistry.checkFold(dataset, fold);
        return dataset.openNative(root, split, checkedView(dataset, view, options), fold, options);
    }

    /**
     * Opens a dataset whose root is an HTTP(S) URL (EchoNet-Dynamic). The result holds the store open: close it
     * after the run. Without a disk cache, a video's later clips are fetched as byte ranges.
     *
     * @param name    a registered dataset that can read a URL root (EchoNet-Dynamic)
     * @param root    the HTTP(S) URL of the dataset's directory
     * @param store   HTTP settings (headers, concurrency, timeouts, retries, disk cache), not null; without a
     *                {@code cacheDir} later clips are fetched as byte ranges
     * @param split   train, val, test or all
     * @param view    an ETAB view the dataset offers, or {@code all}; null for the dataset's default
     * @param options how each sample is made, not null
     * @return the opened dataset, holding the HTTP store open; the caller closes it
     * @throws IllegalArgumentException naming an unknown dataset, one that needs a local directory, a bad selection
     *                                  or label scheme
     */
    public static OpenedDataset openRemote(
            String name, URI root, HttpStoreOptions store, String split, String view, SampleOptions options) {
        return openRemote(name, root, store, split, view, options, store.cacheDir() == null);
    }

    /**
     * As {@link #openRemote(String, URI, HttpStoreOptions, String, String, SampleOptions)}, choosing how a video's
     * clips are fetched.
     *
     * @param name       a registered dataset that can read a URL root (EchoNet-Dynamic)
     * @param root       the HTTP(S) URL of the dataset's directory
     * @param store      HTTP settings, not null
     * @param split      train, val, test or all
     * @param view       an ETAB view the dataset offers, or {@code all}; null for the dataset's default
     * @param options    how each sample is made, not null
     * @param clipRanges true: once a video's layout is known, fetch only each clip's byte ranges; false: fetch
     *                   videos whole (what a disk cache keeps)
     * @return the opened dataset, holding the HTTP store open; the caller closes it
     * @throws IllegalArgumentException naming an unknown dataset, one that needs a local directory, a bad selection
     *                                  or label scheme
     */
    public static OpenedDataset openRemote(
            String name,
            URI root,
            HttpStoreOptions store,
            String split,
            String view,
            SampleOptions options,
            boolean clipRanges) {
        DatasetProvider dataset = DatasetRegistry.get(name);
        RemoteRoot<?> remote = dataset.remoteRoot()
                .orElseThrow(() -> new IllegalArgumentException(
                        "a URL root is supported for " + remoteNames() + "; " + name + " needs a local directory"));
        return open(remote, root, store, split, checkedView(dataset, view, options), options, clipRanges);
    }

    /**
     * The view in the dataset's spelling, refused naming the view as given; null stays null (the default). Checks the
     * options' label scheme against the dataset too, so that no dataset ignores one silently.
     */
    private static String checkedView(DatasetProvider dataset, String view, SampleOptions options) {
        DatasetRegistry.resolveLabelScheme(dataset, options.target(), options.labelScheme());
        return view == null ? null : DatasetRegistry.resolveView(dataset, view, options.target());
    }

    /**
     * The targets a dataset offers, in ETAB's order.
     *
     * @param name a registered dataset name, any case
     * @return its targets, unmodifiable
     * @throws IllegalArgumentException naming an unknown dataset and the available ones
     */
    public static List<Target> targets(String name) {
        return DatasetRegistry.get(name).targets();
    }

    /**
     * The target used when none is named: EF, or view for TMED-2 (which has no EF).
     *
     * @param name a registered dataset name, any case
     * @return the dataset's default target
     * @throws IllegalArgumentException naming an unknown dataset and the available ones
     */
    public static Target defaultTarget(String name) {
        return DatasetRegistry.get(name).defaultTarget();
    }

    /**
     * Parses a target name for a dataset.
     *
     * @param name   a registered dataset name, any case
     * @param target an ETAB target name ({@code EF}, {@code view}, ...)
     * @return the target
     * @throws IllegalArgumentException naming an unknown dataset, or the target and the ones the dataset offers
     */
    public static Target target(String name, String target) {
        return DatasetRegistry.target(name, target);
    }

    private static <S> OpenedDataset open(
            RemoteRoot<S> remote,
            URI root,
            Object store,
            String split,
            String view,
            SampleOptions options,
            boolean clipRanges) {
        if (!remote.settingsType().isInstance(store)) {
            throw new IllegalArgumentException(
                    "this dataset's URL root takes " + remote.settingsType().getName() + " settings, not "
                            + store.getClass().getName());
        }
        return remote.open(root, remote.settingsType().cast(store), split, view, options, clipRanges);
    }

    private static String remoteNames() {
        return DatasetRegistry.all().stream()
                .filter(p -> p.remoteRoot().isPresent())
                .map(DatasetProvider::name)
                .collect(Collectors.joining(", "));
    }
}
