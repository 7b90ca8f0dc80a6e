package org.etab.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The datasets on the class path: every {@link DatasetProvider} registered in
 * {@code META-INF/services/org.etab.source.DatasetProvider}, found once with {@link ServiceLoader}, in class path
 * order (the loader's own: echonet, camus, tmed).
 *
 * <pre>{@code
 * DatasetProvider p = DatasetRegistry.get("tmed");       // any case
 * Target t = DatasetRegistry.target("tmed", "AS");       // checked against what tmed offers
 * }</pre>
 *
 * <p>Threading: thread-safe; the providers are loaded on first use and never change.
 */
public final class DatasetRegistry {

    private DatasetRegistry() {}

    /**
     * Every registered dataset, in class path order.
     *
     * @return the providers, immutable
     * @throws IllegalStateException on first use, when a provider cannot be loaded or two share a name, config key
     *                               or environment variable
     */
    public static List<DatasetProvider> all() {
        return Loaded.PROVIDERS;
    }

    /**
     * Their names, in class path order.
     *
     * @return the lower-case names
     */
    public static List<String> names() {
        return all().stream().map(DatasetProvider::name).toList();
    }

    /**
     * The dataset called {@code name} (any case, surrounding blanks ignored).
     *
     * @param name the dataset's name; null is refused like an unknown name
     * @return its provider
     * @throws IllegalArgumentException naming the value and the available datasets
     */
    public static DatasetProvider get(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (DatasetProvider p : all()) {
            if (p.name().equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "dataset '" + name + "' is not supported; available: " + String.join(", ", names()));
    }

    /**
     * Parses an ETAB target name for a dataset.
     *
     * @param dataset the dataset's name (any case)
     * @param target  the ETAB target name (any case; {@code ES/ED} also as {@code ES_ED}); null is refused like an
     *                unknown name
     * @return the target, one the dataset offers
     * @throws IllegalArgumentException naming the value and what the dataset offers, or an unknown dataset
     */
    public static Target target(String dataset, String target) {
        DatasetProvider p = get(dataset);
        return Target.parse(target, p.name(), p.targets());
    }

    /**
     * Checks a fold against the dataset's folds ({@link DatasetProvider#folds()}).
     *
     * @param dataset the dataset to select from
     * @param fold    the fold asked for
     * @throws IllegalArgumentException naming the fold and the folds the dataset has
     */
    public static void checkFold(DatasetProvider dataset, int fold) {
        int folds = dataset.folds();
        if (fold < 0 || fold >= folds) {
            throw new IllegalArgumentException(
                    folds == 1
                            ? "fold " + fold + ": " + dataset.name() + " has no folds (fold 0 only)"
                            : "fold must be 0.." + (folds - 1) + " for " + dataset.name() + " but was " + fold);
        }
    }

    /**
     * {@code view} in the datasets' spelling ({@link EtabViews#canonical}), or the dataset's default for {@code target} when it is null.
     *
     * @param dataset the dataset to select from
     * @param view    the view in any ETAB spelling, or null
     * @param target  the target whose default view applies when {@code view} is null
     * @return a view the dataset accepts, spelled as {@link DatasetProvider#views()} spells it (or {@code all}) when
     *         it is one of those
     * @throws IllegalArgumentException naming the view and the ones the dataset offers
     */
    public static String resolveView(DatasetProvider dataset, String view, Target target) {
        if (view == null) {
            return dataset.defaultView(target);
        }
        String canonical = EtabViews.canonical(view);
        if (!dataset.acceptsView(canonical)) {
            throw new IllegalArgumentException("view '" + view + "' is not available for " + dataset.name()
                    + "; available: " + String.join(", ", dataset.views()) + ", all (ETAB spellings: "
                    + EtabViews.ACCEPTED + ")");
        }
        // as the dataset spells it, so that "ALL" or "Both" reads back as "all" or "both"
        String asGiven = canonical.trim();
        if (asGiven.equalsIgnoreCase("all")) {
            return "all";
        }
        return dataset.views().stream()
                .filter(asGiven::equalsIgnoreCase)
                .findFirst()
                .orElse(canonical);
    }

    /**
     * The label scheme {@code scheme} names for {@code target} in {@code dataset}'s spelling, the dataset's default
     * for the target when it is null, or null when the target has no schemes ({@link DatasetProvider#labelSchemes}).
     *
     * @param dataset the dataset
     * @param target  the target
     * @param scheme  the scheme's name (any case), or null for the default
     * @return the scheme as the dataset spells it, or null
     * @throws IllegalArgumentException naming the scheme and the schemes the target has, or, when it has none,
     *                                  where schemes exist
     */
    public static String resolveLabelScheme(DatasetProvider dataset, Target target, String scheme) {
        List<String> schemes = dataset.labelSchemes(target);
        if (scheme == null) {
            return schemes.isEmpty() ? null : schemes.get(0);
        }
        for (String s : schemes) {
            if (s.equalsIgnoreCase(scheme.trim())) {
                return s;
            }
        }
        if (!schemes.isEmpty()) {
            throw new IllegalArgumentException("label scheme '" + scheme + "' is not available for " + dataset.name()
                    + " target '" + target.etabName() + "'; available: " + String.join(", ", schemes)
                    + " (the first is the default)");
        }
        List<String> where = new ArrayList<>();
        for (DatasetProvider p : all()) {
            for (Target t : p.targets()) {
                if (!p.labelSchemes(t).isEmpty()) {
                    where.add(p.name() + " " + t.etabName() + " (" + String.join(", ", p.labelSchemes(t)) + ")");
                }
            }
        }
        throw new IllegalArgumentException("label scheme '" + scheme + "' does not apply to " + dataset.name()
                + " target '" + target.etabName() + "', which has one coding; label schemes exist for "
                + (where.isEmpty() ? "no dataset" : String.join(", ", where)));
    }

    private static final class Loaded {
        static final List<DatasetProvider> PROVIDERS = load();

        private static List<DatasetProvider> load() {
            List<DatasetProvider> out = new ArrayList<>();
            Map<String, String> owners = new HashMap<>();
            try {
                ClassLoader loader = DatasetRegistry.class.getClassLoader();
                for (DatasetProvider p : ServiceLoader.load(DatasetProvider.class, loader)) {
                    // two datasets answering to one name, config key or variable would silently shadow each other
                    for (String key : List.of(
                            "name " + p.name(),
                            "config key " + p.configKey(),
                            "environment variable " + p.environmentVariable())) {
                        String before = owners.putIfAbsent(key, p.getClass().getName());
                        if (before != null) {
                            throw new IllegalStateException("datasets " + before + " and "
                                    + p.getClass().getName() + " both use the " + key);
                        }
                    }
                    if (!p.name().equals(p.name().trim().toLowerCase(Locale.ROOT))
                            || p.name().isEmpty()) {
                        throw new IllegalStateException(p.getClass().getName() + ": a dataset name is lower case "
                                + "without blanks but was '" + p.name() + "'");
                    }
                    out.add(p);
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a registered dataset cannot be loaded: " + e.getMessage(), e);
            }
            return List.copyOf(out);
        }
    }
}
