package org.etab.transform;

/**
 * Source indices and weights of the default bilinear resize (OpenCV's half-pixel centres, no antialiasing), computed
 * once per source size by {@link FrameTransform} and shared by its threads (read only once built).
 */
final class ResizeTable {
    final int[] x0;
    final int[] x1;
    final float[] fx;
    final int[] y0;
    final int[] y1;
    final float[] fy;

    ResizeTable(int sw, int sh, int dw, int dh) {
        x0 = new int[dw];
        x1 = new int[dw];
        fx = new float[dw];
        y0 = new int[dh];
        y1 = new int[dh];
        fy = new float[dh];
        axis(sw, dw, x0, x1, fx);
        axis(sh, dh, y0, y1, fy);
    }

    private static void axis(int src, int dst, int[] i0, int[] i1, float[] f) {
        double ratio = (double) src / dst;
        for (int i = 0; i < dst; i++) {
            double s = (i + 0.5) * ratio - 0.5; // half-pixel centres, as OpenCV
            if (s < 0) {
                s = 0;
            }
            int lo = (int) Math.floor(s);
            if (lo >= src - 1) {
                lo = src - 1;
                s = lo;
            }
            i0[i] = lo;
            i1[i] = Math.min(lo + 1, src - 1);
            f[i] = (float) (s - lo);
        }
    }
}
