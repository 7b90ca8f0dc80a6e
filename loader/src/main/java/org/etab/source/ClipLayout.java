package org.etab.source;

import java.util.Locale;

/**
 * The axis order of a clip sample. Stills are {@code [C, H, W]} either way; label masks are one annotated frame,
 * {@code [H, W]}, with no time axis, either way.
 */
public enum ClipLayout {
    /** {@code [C, T, H, W]}: echonet-dynamic's layout (3D convolutions); the pipeline's and CLI's default. */
    CTHW,
    /** {@code [T, C, H, W]}: ETAB's, a list of {@code clip_l} images of {@code [3, H, W]}; the ETAB-style API's default. */
    TCHW;

    /**
     * The command-line spelling.
     *
     * @return {@code cthw} or {@code tchw}
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The layout spelled {@code text} (any case, surrounding blanks ignored).
     *
     * @param text the spelling, not null
     * @return the layout
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ClipLayout parse(String text) {
        for (ClipLayout l : values()) {
            if (l.name().equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("layout must be cthw or tchw but was '" + text + "'");
    }
}
