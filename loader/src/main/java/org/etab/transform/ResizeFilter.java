package org.etab.transform;

import java.util.Locale;

/**
 * The resampling filter of {@link Resampling}: the names of Pillow's {@code Image.resize} filters and OpenCV's
 * {@code cv2.resize} interpolations ({@code AREA} is Pillow's {@code BOX}, OpenCV's {@code INTER_AREA}).
 */
public enum ResizeFilter {
    NEAREST,
    BILINEAR,
    BICUBIC,
    AREA;

    /** The command-line spelling: {@code nearest}, {@code bilinear}, {@code bicubic}, {@code area}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The filter spelled {@code text} (any case).
     *
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
