package org.etab.api;

/** One loaded sample: ETAB's {@code (x, y)} pair, with its id. */
public record Item(String id, Tensor x, Tensor y) {}
