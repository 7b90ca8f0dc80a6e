package org.etab.sampling;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The order of a dataset's records in one epoch: a pure function of (size, seed, epoch, shuffle), so a run
 * is reproducible whatever the number of decode threads.
 */
public final class EpochOrder {
    private EpochOrder() {}

    /**
     * Identity order, or a Fisher-Yates permutation seeded by (seed, epoch): a fresh one every epoch.
     *
     * @param size    the number of records, {@code >= 0}
     * @param seed    the run's seed
     * @param epoch   the epoch, 0-based
     * @param shuffle false: the identity order; true: a permutation
     * @return a new array holding each record index {@code 0..size-1} once, in this epoch's order
     * @throws IllegalArgumentException when {@code epoch < 0}: a negative epoch would shuffle like any other,
     *                                  giving an order no run can ask for
     */
    public static int[] of(int size, long seed, int epoch, boolean shuffle) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch >= 0 required but was " + epoch);
        }
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(mix(seed, epoch, -1));
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * A random source for one sample in one epoch (clip starts), independent of the epoch order's. It is keyed by the
     * sample's id, not by the record's place in the selection, so that the rows around it (a row the index rejects,
     * another split or view, a size group of its own) do not change which clip it gets.
     *
     * @param seed  the run's seed
     * @param epoch the epoch, 0-based
     * @param id    the sample's id (EchoNet's FileName, CAMUS {@code patient0001_4CH}); unique in a dataset
     * @return a new random source, seeded by (seed, epoch, id) only; confine it to one thread
     */
    public static SplittableRandom forSample(long seed, int epoch, String id) {
        return new SplittableRandom(mix(seed, epoch, idKey(id)));
    }

    /** FNV-1a over the id's UTF-8 bytes: fixed by this code, unlike a JVM's hash of a string may one day be. */
    static long idKey(String id) {
        long h = 0xCBF29CE484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    /** SplitMix64-style mixing so that nearby (seed, epoch, key) triples give unrelated streams; key -1: the order. */
    static long mix(long seed, int epoch, long key) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + key * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
