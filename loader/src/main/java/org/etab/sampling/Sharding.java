package org.etab.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits each epoch's order among {@code world} training ranks, as PyTorch's {@code DistributedSampler} does:
 * rank {@code r} takes positions {@code r, r + world, r + 2 world, ...} of the epoch's order, so the ranks'
 * parts are disjoint and their union is the whole selection. Every rank gets the same count:
 * <ul>
 *   <li>padding (default): the order is extended to a multiple of {@code world} by repeating its first
 *       items; a repeated item is flagged ({@link Slice#repeat}) so that evaluation can ignore it;</li>
 *   <li>drop-last: the order is cut to a multiple of {@code world}; the cut items are not planned.</li>
 * </ul>
 * The order itself (seeded per epoch) is the same on every rank, so the ranks agree without talking.
 *
 * @param rank     this rank, {@code 0 <= rank < world}
 * @param world    the number of ranks, {@code >= 1}
 * @param dropLast cut instead of pad
 */
public record Sharding(int rank, int world, boolean dropLast) {
    /** One rank that sees everything. */
    public static final Sharding NONE = new Sharding(0, 1, false);

    /**
     * Checks the values.
     *
     * @param rank     this rank, {@code 0 <= rank < world}
     * @param world    the number of ranks, {@code >= 1}
     * @param dropLast cut instead of pad
     * @throws IllegalArgumentException if {@code world < 1} or {@code rank} is not in {@code 0..world-1}
     */
    public Sharding {
        if (world < 1) {
            throw new IllegalArgumentException("world >= 1 required but was " + world);
        }
        if (rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank must be in 0.." + (world - 1) + " but was " + rank);
        }
    }

    /** An item of this rank's part: its index in the epoch's order, and whether it repeats an earlier one. */
    public record Slice(int index, boolean repeat) {}

    /**
     * This rank's part of an epoch of {@code size} items.
     *
     * @param size the items in the epoch's order, {@code >= 0}
     * @return a new list of {@link #perRank(int) perRank(size)} slices, in the order this rank takes them
     */
    public List<Slice> slices(int size) {
        int perRank = perRank(size);
        List<Slice> out = new ArrayList<>(perRank);
        for (int k = 0; k < perRank; k++) {
            int i = rank + k * world;
            // padding repeats the order from its start: index i - size (size > 0 whenever i >= size here)
            out.add(i < size ? new Slice(i, false) : new Slice(i % size, true));
        }
        return out;
    }

    /**
     * Samples per rank for an epoch of {@code size}.
     *
     * @param size the items in the epoch's order, {@code >= 0}
     * @return {@code ceil(size / world)} with padding, {@code floor(size / world)} with drop-last
     */
    public int perRank(int size) {
        return dropLast ? size / world : (size + world - 1) / world;
    }
}
