package org.etab.transform;

import java.util.Locale;

/**
 * The resampling filter of {@link Resampling}: the names of Pillow's {@code Image.resize} filters and OpenCV's
 * {@code cv2.resize} interpolations ({@code AREA} is Pillow's {@code BOX}, OpenCV's {@code INTER_AREA}).
 */
public enum ResizeFilter {
    /** Nearest neighbour (Pillow {@code NEAREST}, OpenCV {@code INTER_NEAREST}). */
    NEAREST,
    /** Bilinear (Pillow {@code BILINEAR}, OpenCV {@code INTER_LINEAR}). */
    BILINEAR,
    /** Bicubic (Pillow {@code BICUBIC}, a = -0.5; OpenCV {@code INTER_CUBIC}, a = -0.75). */
    BICUBIC,
    /** Pixel-area averaging (Pillow {@code BOX}, OpenCV {@code INTER_AREA}). */
    AREA;

    /** {@return the command-line spelling: {@code nearest}, {@code bilinear}, {@code bicubic}, {@code area}} */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The filter spelled {@code text} (any case, surrounding blanks ignored).
     *
     * @param text the filter's name
     * @return the filter it names
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ResizeFilter parse(String text) {
        for (ResizeFilter f : values()) {
            if (f.name().equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("resize must be nearest, bilinear, bicubic or area but was '" + text + "'");
    }
}
