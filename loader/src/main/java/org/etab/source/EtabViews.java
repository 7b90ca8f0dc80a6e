package org.etab.source;

import java.util.Arrays;
import java.util.List;
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
    /** Each name the datasets use with ETAB's other spellings of it (upper case), in the order help lists them. */
    private static final List<List<String>> NAMES = List.of(
            List.of("AP4CH", "A4CH", "A4", "4CH", "A4C"),
            List.of("AP2CH", "A2CH", "A2", "2CH", "A2C"),
            List.of("PLAX", "PL"),
            List.of("PSAX", "PS"));

    /** Each accepted spelling to the name the datasets use. */
    private static final Map<String, String> SPELLINGS = NAMES.stream()
            .flatMap(names -> names.stream().map(n -> Map.entry(n, names.get(0))))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    /**
     * Every spelling, for help texts and messages: {@code AP4CH (or A4CH, A4, 4CH, A4C), AP2CH (or ...), PLAX (or
     * PL), PSAX (or PS)}. Made from the table {@link #canonical} reads, so it cannot leave one out.
     */
    public static final String ACCEPTED = NAMES.stream()
            .map(names -> names.get(0) + " (or " + String.join(", ", names.subList(1, names.size())) + ")")
            .collect(Collectors.joining(", "));

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
