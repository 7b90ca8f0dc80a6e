package org.etab.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.etab.dataset.EchoNetIndex;
import org.etab.dataset.camus.CamusIndex;
import org.etab.dataset.camus.CamusReader;
import org.etab.dataset.camus.CamusSource;
import org.etab.dataset.tmed.TmedIndex;
import org.etab.dataset.tmed.TmedReader;
import org.etab.dataset.tmed.TmedSource;
import org.etab.dataset.EchoNetReader;
import org.etab.dataset.IndexProblem;
import org.etab.pipeline.EchoNetSource;
import org.etab.pipeline.SampleOptions;
import org.etab.pipeline.SampleSource;
import org.etab.target.Target;

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
    public record Opened(SampleSource source, List<IndexProblem> problems, int records) {
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
