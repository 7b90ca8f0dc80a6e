package org.etab.api;

import java.util.List;

/** The three parts of {@link DataTools#trainingDataSplit}: no item is in two parts. */
public record Splits(List<Item> train, List<Item> val, List<Item> test) {
    public Splits {
        train = List.copyOf(train);
        val = List.copyOf(val);
        test = List.copyOf(test);
    }
}
