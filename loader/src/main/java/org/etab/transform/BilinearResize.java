package org.etab.transform;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The default resize: OpenCV's {@code INTER_LINEAR} (half-pixel centres, edge clamping) computed in float, either
 * fused with channel expansion and normalization into a frame's channel planes, or alone into 0..255 floats (for
 * uint8 output).
 *
 * <p>Threading: immutable apart from a concurrent cache of resize tables per source size; callers pass their own
 * row scratch.
 */
final class BilinearResize {
    private final int height;
    private final int width;
    private final int channels;
    private final float[] scale;
    private final float[] bias;
    private final ConcurrentHashMap<Long, ResizeTable> tables = new ConcurrentHashMap<>();

    /** Output {@code height x width}, {@code channels} planes, each {@code v * scale[c] + bias[c]} (not copied). */
    BilinearResize(int height, int width, int channels, float[] scale, float[] bias) {
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.scale = scale;
        this.bias = bias;
    }

    /**
     * Bilinear resample fused with channel expansion and normalization, separably: each source row an output
     * row needs is interpolated horizontally once (cached for the next output row, which usually shares it),
     * then each output row is the vertical blend of two such rows, scaled into every channel plane in the same
     * pass. The per-row loops run over contiguous arrays, which the JIT vectorizes.
     */
    void intoPlanes(byte[] src, int sw, int sh, float[][] planes, float[] rowA, float[] rowB) {
        ResizeTable t = table(sw, sh);
        float[] top = rowA;
        float[] bottom = rowB;
        int topRow = -1;
        int bottomRow = -1;
        for (int y = 0; y < height; y++) {
            int r0 = t.y0[y];
            int r1 = t.y1[y];
            if (r0 != topRow) {
                if (r0 == bottomRow) {
                    float[] swap = top;
                    top = bottom;
                    bottom = swap;
                    bottomRow = -1;
                } else {
                    horizontal(src, r0 * sw, t, top);
                }
                topRow = r0;
            }
            if (r1 != bottomRow) {
                if (r1 == topRow) {
                    System.arraycopy(top, 0, bottom, 0, width);
                } else {
                    horizontal(src, r1 * sw, t, bottom);
                }
                bottomRow = r1;
            }
            for (int c = 0; c < channels; c++) {
                blendRow(top, bottom, t.fy[y], planes[c], y * width, width, scale[c], bias[c]);
            }
        }
    }

    /**
     * One output row of one plane: the vertical blend of two interpolated rows, scaled. A method of its own, called
     * per row and plane, so that the JIT compiles this loop (and {@link #horizontal}) from their calls within the
     * first few frames, each small and quick to compile, instead of replacing a whole-frame loop on the stack.
     */
    private static void blendRow(
            float[] top, float[] bottom, float fy, float[] plane, int at, int width, float scale, float bias) {
        for (int x = 0; x < width; x++) {
            float v = top[x] + (bottom[x] - top[x]) * fy;
            plane[at + x] = v * scale + bias;
        }
    }

    /** One source row, interpolated to the output width. */
    private void horizontal(byte[] src, int rowStart, ResizeTable t, float[] out) {
        int[] x0 = t.x0;
        int[] x1 = t.x1;
        float[] fx = t.fx;
        for (int x = 0; x < width; x++) {
            float a = src[rowStart + x0[x]] & 0xff;
            float b = src[rowStart + x1[x]] & 0xff;
            out[x] = a + (b - a) * fx[x];
        }
    }

    private ResizeTable table(int sw, int sh) {
        return tables.computeIfAbsent(((long) sw << 32) | sh, k -> new ResizeTable(sw, sh, width, height));
    }

    /** Bilinear resample into 0..255 floats: {@code height} rows of {@code width}. */
    void toFloats(byte[] src, int sw, int sh, float[] out) {
        ResizeTable t = table(sw, sh);
        int[] x0 = t.x0;
        int[] x1 = t.x1;
        float[] fx = t.fx;
        for (int y = 0; y < height; y++) {
            int r0 = t.y0[y] * sw;
            int r1 = t.y1[y] * sw;
            float fy = t.fy[y];
            int o = y * width;
            for (int x = 0; x < width; x++) {
                float a = src[r0 + x0[x]] & 0xff;
                float b = src[r0 + x1[x]] & 0xff;
                float c = src[r1 + x0[x]] & 0xff;
                float d = src[r1 + x1[x]] & 0xff;
                float top = a + (b - a) * fx[x];
                float bottom = c + (d - c) * fx[x];
                out[o + x] = top + (bottom - top) * fy;
            }
        }
    }
}
