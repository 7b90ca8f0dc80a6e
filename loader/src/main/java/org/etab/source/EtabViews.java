package org.etab.source;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ETAB's view names and their spellings. ETAB's docs use {@code A4CH} as the default view, its CAMUS loader
 * {@code A4}/{@code A2}, TMED-2 benchmark codes {@code PL}/{@code PS}; the datasets here name views {@code AP4CH},
 * {@code AP2CH}, {@code PLAX}, {@code PSAX}. {@link #canonical} maps every spelling to those names, so that a view
 * written as ETAB writes it selects the same records everywhere (API builder, CLI {@code --view}).
 */
public final class EtabViews {
    /** Each accepted spelling (upper case) to the name the datasets use. */
    private static final Map<String, String> SPELLINGS = Map.ofEntries(
            Map.entry("AP4CH", "AP4CH"),
            Map.entry("A4CH", "AP4CH"),
            Map.entry("A4", "AP4CH"),
            Map.entry("4CH", "AP4CH"),
            Map.entry("A4C", "AP4CH"),
            Map.entry("AP2CH", "AP2CH"),
            Map.entry("A2CH", "AP2CH"),
            Map.entry("A2", "AP2CH"),
            Map.entry("2CH", "AP2CH"),
            Map.entry("A2C", "AP2CH"),
            Map.entry("PLAX", "PLAX"),
            Map.entry("PL", "PLAX"),
            Map.entry("PSAX", "PSAX"),
            Map.entry("PS", "PSAX"));

    /** The spellings, for help texts and messages. */
    public static final String ACCEPTED = "AP4CH/A4CH/A4/4CH, AP2CH/A2CH/A2/2CH, PLAX/PL, PSAX/PS";

    private EtabViews() {}

    /**
     * {@code view} with each {@code +}-separated part spelled as the datasets spell it ({@code "A4CH"} ->
     * {@code "AP4CH"}, {@code "pl+ps"} -> {@code "PLAX+PSAX"}); parts that are not view names ({@code all},
     * {@code both}, a dataset's own names) are kept as given. Null stays null (the dataset's default).
     *
     * @param view the view as a user wrote it, or null
     * @return the view in the datasets' spelling, or null
     */
    public static String canonical(String view) {
        if (view == null) {
            return null;
        }
        return Arrays.stream(view.trim().split("\\+", -1))
                .map(part -> SPELLINGS.getOrDefault(part.trim().toUpperCase(Locale.ROOT), part))
                .collect(Collectors.joining("+"));
    }
}
