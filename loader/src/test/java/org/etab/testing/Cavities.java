package org.etab.testing;

import java.util.ArrayDeque;

/** Image checks shared by the sources' tests: does a mask outline the dark blood pool of its frame? */
public final class Cavities {
    /** Gray level below which a phantom pixel is blood pool (the cavity is near-black inside a bright wall). */
    public static final int DARK = 60;

    private Cavities() {}

    /**
     * IoU of the mask and the dark region (< {@value #DARK}) connected to the mask's centroid, in a row-major
     * {@code height x width} frame. Fails with a clear message when the mask is tiny or its centre is not dark.
     */
    public static double iou(byte[] img, byte[] mask, int height, int width) {
        long sr = 0;
        long sc = 0;
        long n = 0;
        for (int i = 0; i < height * width; i++) {
            if (mask[i] != 0) {
                sr += i / width;
                sc += i % width;
                n++;
            }
        }
        if (n < 50) {
            throw new AssertionError("the mask has only " + n + " pixels");
        }
        int seed = (int) (sr / n) * width + (int) (sc / n);
        if ((img[seed] & 0xff) >= DARK) {
            throw new AssertionError("the mask's centre is not dark: " + (img[seed] & 0xff));
        }
        boolean[] dark = new boolean[height * width];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        dark[seed] = true;
        queue.add(seed);
        while (!queue.isEmpty()) {
            int p = queue.poll();
            int r = p / width;
            int c = p % width;
            int[] next = {
                r > 0 ? p - width : -1, r < height - 1 ? p + width : -1, c > 0 ? p - 1 : -1, c < width - 1 ? p + 1 : -1
            };
            for (int q : next) {
                if (q >= 0 && !dark[q] && (img[q] & 0xff) < DARK) {
                    dark[q] = true;
                    queue.add(q);
                }
            }
        }
        int inter = 0;
        int union = 0;
        for (int i = 0; i < dark.length; i++) {
            boolean m = mask[i] != 0;
            inter += dark[i] && m ? 1 : 0;
            union += dark[i] || m ? 1 : 0;
        }
        return (double) inter / union;
    }
}
