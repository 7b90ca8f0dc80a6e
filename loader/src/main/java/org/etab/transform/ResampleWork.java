package org.etab.transform;

/**
 * One thread's working memory for the non-default resamplers: arrays that grow to the largest frame seen and
 * are then reused, so resizing allocates nothing once warm. Not thread-safe.
 */
final class ResampleWork {
    private byte[] bytes = new byte[0];
    private float[] floats = new float[0];
    private int[] ints = new int[0];

    byte[] bytes(int n) {
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        return bytes;
    }

    float[] floats(int n) {
        if (floats.length < n) {
            floats = new float[n];
        }
        return floats;
    }

    int[] ints(int n) {
        if (ints.length < n) {
            ints = new int[n];
        }
        return ints;
    }
}
