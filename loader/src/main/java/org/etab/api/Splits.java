package org.etab.api;

import java.util.List;

/**
 * The three parts of {@link DataTools#trainingDataSplit}: no item is in two parts.
 *
 * @param train the training items, copied into an immutable list
 * @param val   the validation items, copied into an immutable list
 * @param test  the test items, copied into an immutable list
 */
public record Splits(List<Item> train, List<Item> val, List<Item> test) {
    /**
     * Copies the three lists, so that later changes to the caller's lists do not show here.
     *
     * @param train the training items
     * @param val   the validation items
     * @param test  the test items
     * @throws NullPointerException if a list, or an item in it, is null
     */
    public Splits {
        train = List.copyOf(train);
        val = List.copyOf(val);
        test = List.copyOf(test);
    }
}
