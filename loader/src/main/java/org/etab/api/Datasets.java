package org.etab.api;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import org.etab.datasets.echonet.EchoNetIndex;
import org.etab.datasets.camus.CamusIndex;
import org.etab.datasets.camus.CamusReader;
import org.etab.datasets.camus.CamusRecord;
import org.etab.decode.ImageVolume;
import org.etab.datasets.camus.CamusSource;
import org.etab.datasets.tmed.TmedIndex;
import org.etab.datasets.tmed.TmedReader;
import org.etab.datasets.tmed.TmedSource;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.source.IndexProblem;
import org.etab.storage.HttpStore;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.datasets.echonet.RemoteEchoNet;
import org.etab.source.SampleException;
import org.etab.source.SampleOptions;
import org.etab.source.SampleSource;
import org.etab.source.Target;

/**
 * Opens a dataset by its ETAB name: reads the index, applies split/view/fold, and returns the pipeline's
 * source. The one place that knows every dataset; the CLI and {@link EtabDataset} go through it.
 */
public final class Datasets {
    /** The ETAB dataset names this build loads. */
    public static final List<String> NAMES = List.of("echonet", "camus", "tmed");

    private Datasets() {
    }

    /**
     * An opened dataset.
     *
     * @param source   the samples, ready for a {@link org.etab.pipeline.Pipeline}
     * @param problems what the index left out, with reasons
     * @param records  records selected
     */
    public record Opened(SampleSource source, List<IndexProblem> problems, int records, AutoCloseable resources)
            implements AutoCloseable {
        public Opened(SampleSource source, List<IndexProblem> problems, int records) {
            this(source, problems, records, () -> { });
        }

        /** Releases what the dataset holds open (a remote store, a local copy of its index). */
        @Override
        public void close() {
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the dataset: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Opens a dataset whose root is an HTTP(S) URL (EchoNet-Dynamic). The result holds the store open: close it
     * after the run. Without a disk cache, a video's later clips are fetched as byte ranges (see
     * {@link RemoteEchoNet#open(URI, HttpStore.Options, boolean)}).
     */
    public static Opened openRemote(String name, URI root, HttpStore.Options store, String split, String view,
            SampleOptions options) {
        return openRemote(name, root, store, split, view, options, store.cacheDir() == null);
    }

    /** As above, choosing whether later clips are fetched as byte ranges ({@code clipRanges}) or videos whole. */
    public static Opened openRemote(String name, URI root, HttpStore.Options store, String split, String view,
            SampleOptions options, boolean clipRanges) {
        if (!"echonet".equals(canonical(name))) {
            throw new IllegalArgumentException("a URL root is supported for echonet; " + name
                    + " needs a local directory");
        }
        if (view != null && !view.equalsIgnoreCase("AP4CH") && !view.equalsIgnoreCase("all")) {
            throw new IllegalArgumentException("view '" + view + "' is not available for echonet; available: AP4CH");
        }
        RemoteEchoNet remote = RemoteEchoNet.open(root, store, clipRanges);
        try {
            var records = remote.index().select(split);
            return new Opened(remote.source(records, options), remote.problems(), records.size(), remote);
        } catch (RuntimeException e) {
            remote.close();
            throw e;
        }
    }

    /** The target used when none is named: EF, or view for TMED-2 (which has no EF). */
    public static String defaultTarget(String name) {
        return "tmed".equals(canonical(name)) ? "view" : "EF";
    }

    /** The targets a dataset offers, in ETAB's order. */
    public static List<Target> targets(String name) {
        return switch (canonical(name)) {
            case "echonet" -> EchoNetSource.TARGETS;
            case "camus" -> CamusSource.TARGETS;
            case "tmed" -> TmedSource.TARGETS;
            default -> throw unknown(name);
        };
    }

    /**
     * Opens {@code name} at {@code root}.
     *
     * @param split train, val, test or all
     * @param view  ETAB view (AP4CH, AP2CH, PLAX, PSAX, both, all); null for the dataset's default: AP4CH for
     *              echonet, both (AP2CH + AP4CH) for camus, PLAX+PSAX for tmed's view target and all for AS
     * @param fold  TMED-2 fold (0..2); ignored elsewhere
     */
    public static Opened open(String name, Path root, String split, String view, int fold, SampleOptions options) {
        switch (canonical(name)) {
            case "echonet" -> {
                if (view != null && !view.equalsIgnoreCase("AP4CH") && !view.equalsIgnoreCase("all")) {
                    throw new IllegalArgumentException("view '" + view + "' is not available for echonet; available: AP4CH");
                }
                EchoNetIndex index = EchoNetReader.read(root);
                var records = index.select(split);
                return new Opened(new EchoNetSource(records, options), index.problems(), records.size());
            }
            case "camus" -> {
                CamusIndex index = CamusReader.read(root);
                var records = index.select(split, view == null ? "both" : view);
                return new Opened(new CamusSource(records, options), index.problems(), records.size());
            }
            case "tmed" -> {
                // ETAB's TMED view task is PLAX vs PSAX; AS keeps every view
                String v = view != null ? view : options.target() == Target.VIEW ? "PLAX+PSAX" : "all";
                TmedIndex.Selection sel = TmedReader.read(root, fold).selection(split, v, options.target());
                return new Opened(new TmedSource(sel.records(), options), sel.problems(), sel.records().size());
            }
            default -> throw unknown(name);
        }
    }

    /**
     * Opens a dataset keeping every sample at its native size, for export: one source per distinct size (CAMUS
     * sizes differ per patient; EchoNet-Dynamic and TMED-2 give one source). Each group keeps the selection's
     * order within it; groups come in order of their first record. CAMUS sizes are read from the ED images.
     */
    public static List<Opened> openNative(String name, Path root, String split, String view, int fold,
            SampleOptions options) {
        if (!"camus".equals(canonical(name))) {
            return List.of(open(name, root, split, view, fold, options.toBuilder().frameSize(0, 0).build()));
        }
        CamusIndex index = CamusReader.read(root);
        Map<List<Integer>, List<CamusRecord>> bySize = new LinkedHashMap<>();
        List<CamusRecord> unreadable = new ArrayList<>();
        for (CamusRecord r : index.select(split, view == null ? "both" : view)) {
            try {
                ImageVolume ed = CamusSource.readVolume(r.ed());
                bySize.computeIfAbsent(List.of(ed.height(), ed.width()), k -> new ArrayList<>()).add(r);
            } catch (SampleException e) {
                unreadable.add(r); // planned in the first group, where loading fails again and is reported
            }
        }
        if (bySize.isEmpty() && !unreadable.isEmpty()) {
            bySize.put(List.of(1, 1), new ArrayList<>());
        }
        bySize.values().iterator().next().addAll(0, unreadable);
        List<Opened> out = new ArrayList<>();
        for (Map.Entry<List<Integer>, List<CamusRecord>> e : bySize.entrySet()) {
            SampleOptions sized = options.toBuilder().frameSize(e.getKey().get(0), e.getKey().get(1)).build();
            out.add(new Opened(new CamusSource(e.getValue(), sized), out.isEmpty() ? index.problems() : List.of(),
                    e.getValue().size()));
        }
        return out;
    }

    /** Parses a target name for a dataset, with the error listing what it offers. */
    public static Target target(String name, String target) {
        return Target.parse(target, canonical(name), targets(name));
    }

    static String canonical(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("dataset '" + name + "' is not supported; available: " + String.join(", ", NAMES));
    }
}
