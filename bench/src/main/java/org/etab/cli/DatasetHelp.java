package org.etab.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.etab.source.DatasetProvider;
import org.etab.source.DatasetRegistry;
import org.etab.source.EtabViews;
import org.etab.source.Target;

/**
 * The help texts that name datasets, made from {@link DatasetRegistry} so that a dataset on the class path shows
 * up without an edit here. Picocli takes an option's text from the key of its long name ({@code dataset}), and
 * the top command's from {@code etab.usage.description}.
 */
final class DatasetHelp extends ListResourceBundle {

    @Override
    protected Object[][] getContents() {
        List<DatasetProvider> all = DatasetRegistry.all();
        List<String> others = new ArrayList<>(DatasetRegistry.names());
        others.remove(Etab.DEFAULT_DATASET);
        List<String> patients = all.stream()
                .filter(p -> !p.phantom().unit().equals("videos"))
                .map(DatasetProvider::title)
                .toList();
        return new Object[][] {
            {
                "etab.usage.description",
                "Stream echocardiography datasets ("
                        + String.join(
                                ", ", all.stream().map(DatasetProvider::title).toList()) + ") into training."
            },
            {"dataset", "${DEFAULT-VALUE} (default)" + (others.isEmpty() ? "" : ", " + listing(others)) + "."},
            {
                "target",
                "An ETAB target the dataset offers: "
                        + String.join(
                                ", ",
                                targets(all).stream().map(Target::etabName).toList()) + " (default: "
                        + defaults(all, p -> p.defaultTarget().etabName())
                        + ")."
            },
            {
                // plot draws a mask: its own text, not bench's list of every target with their defaults
                "etab.plot.target",
                "A segmentation target the dataset offers: "
                        + String.join(
                                ", ",
                                targets(all).stream()
                                        .filter(PictureCommands.MASKS::contains)
                                        .map(Target::etabName)
                                        .toList())
                        + " (default: LV_seg)."
            },
            {
                "video",
                "Clips (true) or single frames (false) (default: "
                        + defaults(all, p -> Boolean.toString(p.videoByDefault())) + ")."
            },
            {"patients", listing(patients) + " patients, 1..100000 (default: ${DEFAULT-VALUE})."},
            {"view", view(all)},
        };
    }

    /**
     * The spellings {@code --view} accepts for each view, any case ({@link EtabViews#ACCEPTED}); each part of a
     * {@code +} combination may be spelled any of these ways.
     */
    static final String VIEW_SPELLINGS = EtabViews.ACCEPTED;

    /** {@code --view}: each dataset's views, every spelling, the combinations, the defaults. */
    static String view(List<DatasetProvider> all) {
        List<String> byDataset = all.stream()
                .map(p -> p.name() + " " + String.join(", ", p.views()))
                .toList();
        List<String> otherDefaults = new ArrayList<>();
        for (DatasetProvider p : all) {
            String usual = p.defaultView(p.defaultTarget());
            for (Target t : p.targets()) {
                String v = p.defaultView(t);
                if (!v.equals(usual)) {
                    otherDefaults.add(v + " for " + p.name() + " --target " + t.etabName());
                }
            }
        }
        return "View: " + String.join("; ", byDataset) + "; all: every view of the dataset. Any case, and ETAB's "
                + "spellings: " + VIEW_SPELLINGS + "; in PLAX+PSAX each part too (PL+PS), in that order; both is "
                + "PLAX+PSAX for tmed, AP2CH and AP4CH for camus (default: "
                + defaults(all, p -> p.defaultView(p.defaultTarget()))
                + (otherDefaults.isEmpty() ? "" : "; " + String.join("; ", otherDefaults)) + ").";
    }

    /** "a", "a or b", "a, b or c". */
    static String listing(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }

    /** The value most datasets have, then the others by dataset: "EF; view for tmed". */
    static String defaults(List<DatasetProvider> all, Function<DatasetProvider, String> value) {
        Map<String, List<String>> byValue = new LinkedHashMap<>();
        for (DatasetProvider p : all) {
            byValue.computeIfAbsent(value.apply(p), v -> new ArrayList<>()).add(p.name());
        }
        String common = byValue.entrySet().stream()
                .max((a, b) -> a.getValue().size() - b.getValue().size())
                .map(Map.Entry::getKey)
                .orElse("");
        StringBuilder sb = new StringBuilder(common);
        byValue.forEach((v, names) -> {
            if (!v.equals(common)) {
                sb.append("; ").append(v).append(" for ").append(listing(names));
            }
        });
        return sb.toString();
    }

    /**
     * Every target some dataset offers, in an order that keeps each dataset's own ETAB order: of the targets all
     * of whose predecessors are placed, the one met first goes next.
     */
    static List<Target> targets(List<DatasetProvider> all) {
        Set<Target> seen = new LinkedHashSet<>();
        all.forEach(p -> seen.addAll(p.targets()));
        List<Target> out = new ArrayList<>();
        while (out.size() < seen.size()) {
            Target next = seen.stream()
                    .filter(t -> !out.contains(t))
                    .filter(t -> all.stream().allMatch(p -> out.containsAll(before(p.targets(), t))))
                    .findFirst()
                    // datasets that disagree on the order: the first not yet placed
                    .orElseGet(() -> seen.stream()
                            .filter(t -> !out.contains(t))
                            .findFirst()
                            .orElseThrow());
            out.add(next);
        }
        return out;
    }

    private static List<Target> before(List<Target> order, Target t) {
        int i = order.indexOf(t);
        return i < 0 ? List.of() : order.subList(0, i);
    }
}
