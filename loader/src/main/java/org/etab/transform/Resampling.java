package org.etab.transform;

import java.util.Objects;

/**
 * How frames are resampled to the output size: a filter, and whose definition of it.
 *
 * <p>{@code antialias = true}: Pillow's {@code Image.resize} with that filter (NEAREST, BILINEAR, BICUBIC with
 * a = -0.5, BOX for {@code AREA}): separable kernels whose support widens by the scale factor when shrinking, so
 * every source pixel contributes; computed in Pillow's own 22-bit fixed point, horizontal pass first, each pass
 * rounded and clipped to uint8, so the result is Pillow's to the bit. This is what ETAB gets from PIL (its
 * EchoNet frames: bicubic; its CAMUS frames: torchvision's {@code Resize} on a PIL image, i.e. PIL bilinear).
 *
 * <p>{@code antialias = false}: OpenCV's {@code cv2.resize} (INTER_NEAREST, INTER_LINEAR, INTER_CUBIC with
 * a = -0.75, INTER_AREA): fixed taps at half-pixel centres, edges replicated, computed in float (OpenCV's own
 * 8-bit path is 11-bit fixed point, so results differ from it by at most one gray level). The default, bilinear
 * without antialiasing, is the loader's original path, unchanged.
 */
public record Resampling(ResizeFilter filter, boolean antialias) {
    /** OpenCV-style bilinear: the loader's default. */
    public static final Resampling DEFAULT = new Resampling(ResizeFilter.BILINEAR, false);

    /**
     * Checks the filter.
     *
     * @param filter    the filter, not null
     * @param antialias true: Pillow's definition (antialiased); false: OpenCV's
     * @throws NullPointerException if {@code filter} is null
     */
    public Resampling {
        Objects.requireNonNull(filter, "filter");
    }

    /** True for the default (the original bilinear path). */
    boolean isDefault() {
        return filter == ResizeFilter.BILINEAR && !antialias;
    }

    @Override
    public String toString() {
        return filter.cliName() + (antialias ? " (Pillow, antialiased)" : " (OpenCV)");
    }
}
