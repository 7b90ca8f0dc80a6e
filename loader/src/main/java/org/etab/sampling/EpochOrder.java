package org.etab.sampling;

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
     * A random source for one record in one epoch (clip starts), independent of the epoch order's.
     *
     * @param seed   the run's seed
     * @param epoch  the epoch, 0-based
     * @param record the record's index in the source's record list (not its position in the epoch's order)
     * @return a new random source, seeded by (seed, epoch, record) only; confine it to one thread
     */
    public static SplittableRandom forRecord(long seed, int epoch, int record) {
        return new SplittableRandom(mix(seed, epoch, record));
    }

    /** SplitMix64-style mixing so that nearby (seed, epoch, record) triples give unrelated streams. */
    static long mix(long seed, int epoch, int record) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + record * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
