package org.etab.datasets.camus;

import java.util.List;
import java.util.Locale;

/**
 * The two apical views of CAMUS, with ETAB's names and the class index of the {@code view} target. The order of
 * the constants is the class order.
 */
public enum CamusView {
    /** Apical two-chamber; files {@code _2CH_}; view class 0. */
    AP2CH,
    /** Apical four-chamber; files {@code _4CH_}; view class 1. */
    AP4CH;

    /** {@return the view's tag in CAMUS file names: {@code 2CH} or {@code 4CH} (ETAB's name without its {@code AP})} */
    public String tag() {
        return name().substring(2);
    }

    /** {@return the {@code view} target's class: AP2CH 0, AP4CH 1} */
    public int label() {
        return ordinal();
    }

    /**
     * The views an ETAB {@code view} option selects: {@code AP2CH} (or {@code 2CH}), {@code AP4CH} (or
     * {@code 4CH}), {@code both} or {@code all}; any case.
     *
     * @param view the option's value ({@code A2C} and {@code A4C}, TMED's names, are accepted too)
     * @return the selected views in class order; immutable
     * @throws IllegalArgumentException naming the value and the valid ones (PLAX and PSAX are TMED views)
     */
    public static List<CamusView> select(String view) {
        String v = view.trim().toUpperCase(Locale.ROOT);
        switch (v) {
            case "AP2CH":
            case "2CH":
            case "A2C":
                return List.of(AP2CH);
            case "AP4CH":
            case "4CH":
            case "A4C":
                return List.of(AP4CH);
            case "BOTH":
            case "ALL":
                return List.of(AP2CH, AP4CH);
            default:
                throw new IllegalArgumentException(
                        "view '" + view + "' is not available for camus; " + "available: AP2CH, AP4CH, both (or all)");
        }
    }
}
