package org.etab.api;

import java.util.ArrayList;
import java.util.List;

import org.etab.sampling.EpochOrder;

/** ETAB's {@code training_data_split}. */
public final class DataTools {
    /** ETAB's seed for the split shuffle. */
    public static final long SEED = 42;

    private DataTools() {
    }

    /** Splits a loaded dataset's items; see {@link #trainingDataSplit(List, double, double, boolean, long)}. */
    public static Splits trainingDataSplit(EtabDataset dataset, double trainFrac, double valFrac, boolean random) {
        return trainingDataSplit(dataset.data(), trainFrac, valFrac, random, SEED);
    }

    /**
     * {@code floor(trainFrac * N)} items for training, {@code floor(valFrac * N)} for validation, the rest for
     * testing; with {@code random}, after a permutation seeded by {@code seed} (deterministic), else in order.
     *
     * @throws IllegalArgumentException when a fraction is outside [0, 1] or they add up to more than 1
     */
    public static Splits trainingDataSplit(List<Item> items, double trainFrac, double valFrac, boolean random,
            long seed) {
        if (!(trainFrac >= 0 && trainFrac <= 1) || !(valFrac >= 0 && valFrac <= 1) || trainFrac + valFrac > 1 + 1e-12) {
            throw new IllegalArgumentException("fractions must be in [0, 1] and add up to at most 1 but were train="
                    + trainFrac + " val=" + valFrac);
        }
        int n = items.size();
        int[] order = EpochOrder.of(n, seed, 0, random);
        int nTrain = (int) Math.floor(trainFrac * n);
        int nVal = Math.min(n - nTrain, (int) Math.floor(valFrac * n));
        List<Item> train = new ArrayList<>(nTrain);
        List<Item> val = new ArrayList<>(nVal);
        List<Item> test = new ArrayList<>(n - nTrain - nVal);
        for (int i = 0; i < n; i++) {
            Item item = items.get(order[i]);
            (i < nTrain ? train : i < nTrain + nVal ? val : test).add(item);
        }
        return new Splits(train, val, test);
    }
}
