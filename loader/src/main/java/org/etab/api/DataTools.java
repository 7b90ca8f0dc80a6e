package org.etab.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.etab.sampling.NumpyRandomState;

/**
 * ETAB's {@code training_data_split}, member for member: the same two scikit-learn {@code train_test_split}
 * calls, with NumPy's permutation, so a published ETAB split (seed 42) is reproduced exactly.
 */
public final class DataTools {
    /** ETAB's {@code random_state} for both calls. */
    public static final long SEED = 42;

    private DataTools() {}

    /**
     * ETAB's defaults: {@code training_data_split(dataset)} with {@code train_frac=0.5}, {@code val_frac=0.1}, shuffled
     * with seed 42 (ETAB's code always shuffles; its docs pass {@code random=True}).
     *
     * @param dataset a dataset after {@link EtabDataset#loadData}: its {@link EtabDataset#data()} is split (an
     *                unloaded dataset has no items, which scikit-learn's rules refuse)
     * @return the train, val and test items: {@code floor(n / 2)} for training, {@code floor(rest / 5)} (about
     *         10 % of all) for validation, the rest for testing
     * @throws IllegalArgumentException when a part would be empty: see {@link #splitPositions}
     */
    public static Splits trainingDataSplit(EtabDataset dataset) {
        return trainingDataSplit(dataset, 0.5, 0.1, true);
    }

    /**
     * Splits a loaded dataset's items as ETAB does (seed {@value #SEED}); see
     * {@link #trainingDataSplit(List, double, double, boolean, long)}.
     *
     * @param dataset   a dataset after {@link EtabDataset#loadData}: its {@link EtabDataset#data()} is split
     * @param trainFrac the training share of all items, in (0, 1)
     * @param valFrac   the validation share of all items, > 0 with {@code trainFrac + valFrac < 1}
     * @param random    shuffle (seeded) before splitting; false keeps the load order
     * @return the train, val and test items
     * @throws IllegalArgumentException where scikit-learn raises: see {@link #splitPositions}
     */
    public static Splits trainingDataSplit(EtabDataset dataset, double trainFrac, double valFrac, boolean random) {
        return trainingDataSplit(dataset.data(), trainFrac, valFrac, random, SEED);
    }

    /**
     * The items at the positions of {@link #splitPositions}: ETAB's train, val and test parts, each in
     * scikit-learn's order.
     *
     * @param items     the items to split, not modified
     * @param trainFrac the training share of all items, in (0, 1)
     * @param valFrac   the validation share of all items, > 0 with {@code trainFrac + valFrac < 1}
     * @param random    shuffle before splitting; false keeps the list's order
     * @param seed      NumPy's {@code random_state}, in [0, 2^32 - 1] (ETAB's is {@value #SEED}); ignored
     *                  without {@code random}
     * @return the train, val and test items; each item is in exactly one part
     * @throws IllegalArgumentException where scikit-learn raises: see {@link #splitPositions}
     */
    public static Splits trainingDataSplit(
            List<Item> items, double trainFrac, double valFrac, boolean random, long seed) {
        int[][] parts = splitPositions(items.size(), trainFrac, valFrac, random, seed);
        return new Splits(pick(items, parts[0]), pick(items, parts[1]), pick(items, parts[2]));
    }

    /**
     * Positions into a list of {@code n} items as {@code {train, val, test}}: ETAB's
     * {@code train_test_split(arange(n), train_size=trainFrac, random_state=seed)}, then
     * {@code train_test_split(rest, train_size=valFrac / (1 - trainFrac), random_state=seed)}, with
     * {@code shuffle=random}. Training gets {@code floor(trainFrac * n)} items, validation
     * {@code floor(valFrac / (1 - trainFrac) * rest)}; without {@code random} the parts keep the list's order.
     *
     * @param n         the number of items, >= 0
     * @param trainFrac the training share of all items, in (0, 1)
     * @param valFrac   the validation share of all items, > 0 with {@code trainFrac + valFrac < 1}
     * @param random    shuffle with NumPy's permutation for {@code seed}; false keeps positions in order
     * @param seed      NumPy's {@code random_state}, in [0, 2^32 - 1]; ignored without {@code random}
     * @return three new arrays {@code {train, val, test}} of positions in [0, n), together each position once
     * @throws IllegalArgumentException for a negative {@code n}, and where scikit-learn raises: {@code trainFrac} or
     *                                  {@code valFrac / (1 - trainFrac)} outside (0, 1), a training or
     *                                  validation part that would be empty, or (with {@code random}) a seed
     *                                  outside NumPy's [0, 2^32 - 1]
     */
    public static int[][] splitPositions(int n, double trainFrac, double valFrac, boolean random, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n >= 0 required but was " + n);
        }
        double valOfRest = valFrac / (1 - trainFrac);
        if (!(trainFrac > 0 && trainFrac < 1) || !(valOfRest > 0 && valOfRest < 1)) {
            throw new IllegalArgumentException("fractions must be train in (0, 1) and val > 0 with train + val < 1 "
                    + "(scikit-learn needs train_size and val / (1 - train) in (0, 1)) but were train=" + trainFrac
                    + " val=" + valFrac);
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        int[][] first = trainTestSplit(all, trainFrac, random, seed, "training", trainFrac, valFrac);
        int[][] second = trainTestSplit(first[1], valOfRest, random, seed, "validation", trainFrac, valFrac);
        return new int[][] {first[0], second[0], second[1]};
    }

    /**
     * scikit-learn's {@code train_test_split(indices, train_size=trainSize, random_state=seed, shuffle=shuffle)}
     * as {@code {train, test}}: {@code floor(trainSize * n)} for training and the rest for testing; shuffled,
     * test is the permutation's head and train what follows ({@code ShuffleSplit}).
     */
    private static int[][] trainTestSplit(
            int[] indices,
            double trainSize,
            boolean shuffle,
            long seed,
            String part,
            double trainFrac,
            double valFrac) {
        int n = indices.length;
        int nTrain = (int) Math.floor(trainSize * n);
        if (nTrain == 0) {
            throw new IllegalArgumentException("the " + part + " part would be empty: floor(" + trainSize + " * " + n
                    + ") = 0 (train=" + trainFrac + " val=" + valFrac + "; scikit-learn refuses this too): "
                    + "use more items or larger fractions");
        }
        int nTest = n - nTrain;
        int[] train = new int[nTrain];
        int[] test = new int[nTest];
        if (shuffle) {
            int[] perm = NumpyRandomState.permutation(seed, n);
            for (int i = 0; i < nTest; i++) {
                test[i] = indices[perm[i]];
            }
            for (int i = 0; i < nTrain; i++) {
                train[i] = indices[perm[nTest + i]];
            }
        } else {
            System.arraycopy(indices, 0, train, 0, nTrain);
            System.arraycopy(indices, nTrain, test, 0, nTest);
        }
        return new int[][] {train, test};
    }

    private static List<Item> pick(List<Item> items, int[] positions) {
        List<Item> picked = new ArrayList<>(positions.length);
        for (int p : positions) {
            picked.add(items.get(p));
        }
        return picked;
    }
}
