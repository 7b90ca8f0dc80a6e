package org.etab.api;

/**
 * One loaded sample: ETAB's {@code (x, y)} pair, with its id. Heap memory only: nothing to close.
 *
 * @param id the sample's id (EchoNet-Dynamic: the FileName without extension)
 * @param x  the pixels: a clip ({@code [T, C, H, W]}, or {@code [C, T, H, W]} with layout CTHW) or a frame
 *           ({@code [C, H, W]})
 * @param y  the target's value, shaped as {@link org.etab.source.Target} says: EF float32 {@code [1]}, a class
 *           int32 {@code [1]}, a mask uint8 {@code [H, W]}
 */
public record Item(String id, Tensor x, Tensor y) {}
