package org.etab.sampling;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a run stands, small enough to save with every checkpoint: the next sample to deliver is position
 * {@code position} of epoch {@code epoch} of this rank's sequence (see {@code Batch.nextPosition()}). With the same
 * seed, rank and world, and the same order of that epoch, resuming from it continues exactly where the run stopped.
 * {@code order} is an optional fingerprint of the epoch's order ({@link #NO_ORDER}: none), which the CLI saves so
 * that a run with another shuffle, other clip starts or another selection is refused rather than resumed at a
 * position of another order; {@code consumed} an optional count that the saver keeps of what it has written before
 * this state ({@link #NOT_COUNTED}: none; the CLI counts its report's sample rows, to cut the report back to this
 * state when it resumes).
 */
public record ResumeState(
        @JsonProperty("seed") long seed,
        @JsonProperty("epoch") int epoch,
        @JsonProperty("position") long position,
        @JsonProperty("rank") int rank,
        @JsonProperty("world") int world,
        @JsonProperty("order") long order,
        @JsonProperty("consumed") long consumed) {

    /** {@link #order()} of a state without a fingerprint; a fingerprint is never 0. */
    public static final long NO_ORDER = 0;
    /** {@link #consumed()} of a state without a count (and of a state file saved before states had one). */
    public static final long NOT_COUNTED = -1;

    /** The most bytes a state file may have: a state is one short JSON object, so more is not a state. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    /**
     * Checks the values.
     *
     * @param seed     the run's seed
     * @param epoch    the epoch of the next sample to deliver, 0-based
     * @param position the next sample's position in this rank's sequence of that epoch, {@code >= 0} (samples
     *                 already consumed, failed ones included)
     * @param rank     this rank, {@code 0 <= rank < world}
     * @param world    the number of ranks, {@code >= 1}
     * @param order    a fingerprint of epoch {@code epoch}'s order, or {@link #NO_ORDER}
     * @param consumed the saver's count of what it wrote before this state, {@code >= 0}, or {@link #NOT_COUNTED}
     * @throws IllegalArgumentException if {@code epoch} or {@code position} is negative, {@code consumed} below
     *     {@link #NOT_COUNTED}, {@code world < 1}, or {@code rank} is not in {@code 0..world-1}
     */
    @JsonCreator
    public ResumeState {
        if (epoch < 0 || position < 0 || consumed < NOT_COUNTED) {
            throw new IllegalArgumentException("epoch and position must be >= 0, consumed >= -1, but were " + epoch
                    + ", " + position + ", " + consumed);
        }
        new Sharding(rank, world, false); // validates rank and world
    }

    /**
     * A state without an order fingerprint or a count of the samples consumed.
     *
     * @param seed     the run's seed
     * @param epoch    the epoch of the next sample to deliver, 0-based
     * @param position the next sample's position in this rank's sequence of that epoch, {@code >= 0}
     * @param rank     this rank, {@code 0 <= rank < world}
     * @param world    the number of ranks, {@code >= 1}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ResumeState(long seed, int epoch, long position, int rank, int world) {
        this(seed, epoch, position, rank, world, NO_ORDER, NOT_COUNTED);
    }

    /**
     * This state with the fingerprint of its epoch's order.
     *
     * @param order {@code SampleSource.orderFingerprint(epoch())}, computed once per epoch (it plans the whole epoch),
     *              or {@link #NO_ORDER}
     * @return a new state
     */
    public ResumeState withOrder(long order) {
        return new ResumeState(seed, epoch, position, rank, world, order, consumed);
    }

    /**
     * This state with the saver's count of what it wrote before it.
     *
     * @param consumed {@code >= 0}, or {@link #NOT_COUNTED}
     * @return a new state
     * @throws IllegalArgumentException if {@code consumed} is below {@link #NOT_COUNTED}
     */
    public ResumeState withConsumed(long consumed) {
        return new ResumeState(seed, epoch, position, rank, world, order, consumed);
    }

    /**
     * Checks that this run orders the state's epoch as the run that saved it did.
     *
     * @param order the fingerprint of this run's order of epoch {@link #epoch()}, or {@link #NO_ORDER} when not known
     * @throws IllegalArgumentException when both fingerprints are known and differ
     */
    public void requireSameOrder(long order) {
        if (this.order != NO_ORDER && order != NO_ORDER && order != this.order) {
            throw new IllegalArgumentException("the resume state was saved for another order of epoch " + epoch
                    + " than this run's (another shuffle, other clip starts, another selection, or other samples:"
                    + " another target, size, dtype or layout): resuming at position " + position
                    + " would skip some samples and repeat others, or mix two kinds of sample");
        }
    }

    /**
     * The state after the batch that ends at {@code nextPosition}; seed, rank and world stay, the order fingerprint
     * too within the same epoch ({@link #NO_ORDER} in another: {@link #withOrder} gives the new epoch's), and the
     * count becomes {@link #NOT_COUNTED} ({@link #withConsumed} sets it).
     *
     * @param epoch        the epoch of that batch, 0-based ({@code Batch.epoch()})
     * @param nextPosition the position in this rank's sequence of the epoch of the next sample to deliver
     *                     ({@code Batch.nextPosition()})
     * @return a new state
     * @throws IllegalArgumentException if {@code epoch} or {@code nextPosition} is negative
     */
    public ResumeState at(int epoch, long nextPosition) {
        return new ResumeState(
                seed, epoch, nextPosition, rank, world, epoch == this.epoch ? order : NO_ORDER, NOT_COUNTED);
    }

    /**
     * Checks that a run with these settings may resume from this state.
     *
     * @param seed  the run's seed
     * @param rank  the run's rank
     * @param world the run's number of ranks
     * @throws IllegalArgumentException naming both settings if any of the three differs (the order would differ)
     */
    public void requireCompatible(long seed, int rank, int world) {
        if (seed != this.seed || rank != this.rank || world != this.world) {
            throw new IllegalArgumentException("the resume state was saved with seed=" + this.seed + " rank="
                    + this.rank
                    + " world=" + this.world + " but this run has seed=" + seed + " rank=" + rank + " world=" + world
                    + ": the order would differ");
        }
    }

    /**
     * Reads a state file (JSON with exactly the fields {@code seed, epoch, position, rank, world}, and optionally
     * {@code order} and {@code consumed}: {@link #NO_ORDER} and {@link #NOT_COUNTED} when absent).
     *
     * @param file the state file: a regular file (a link to one is fine) of at most {@value #MAX_BYTES} bytes
     * @return the state it holds
     * @throws IllegalArgumentException naming the file and the reason if it is not a valid state (not a regular
     *     file, over {@value #MAX_BYTES} bytes, not JSON, a field missing, null or unknown, a value out of range)
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     */
    public static ResumeState read(Path file) {
        try {
            JsonNode tree = JSON.readTree(bytes(file));
            if (!(tree instanceof ObjectNode fields)) {
                throw new IllegalArgumentException(file + ": not a resume state: not a JSON object");
            }
            // saved before states had them
            if (!fields.has("order")) {
                fields.put("order", NO_ORDER);
            }
            if (!fields.has("consumed")) {
                fields.put("consumed", NOT_COUNTED);
            }
            return JSON.treeToValue(fields, ResumeState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a resume state: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the resume state: " + e, e);
        }
    }

    /** The file's bytes, refused by type and size before it is opened (a FIFO or /dev/zero never ends). */
    private static byte[] bytes(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(
                    file + ": not a regular file (a directory, FIFO or device): refused unread as a resume state");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": is " + attributes.size() + " bytes, more than the " + MAX_BYTES
                    + " a resume state may have");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": grew past " + MAX_BYTES + " bytes while being read");
            }
            return bytes;
        }
    }

    /**
     * Writes the state atomically (a reader never sees half a file, even if the process dies mid-write): to a
     * temporary file in the same directory, then moved over {@code file}.
     *
     * @param file the state file; replaced if it exists
     * @throws java.io.UncheckedIOException naming the file if it cannot be written or moved into place
     */
    public void write(Path file) {
        Path tmp = null;
        try {
            Path abs = file.toAbsolutePath();
            tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(this));
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            UncheckedIOException failed = new UncheckedIOException(file + ": cannot write the resume state: " + e, e);
            if (tmp != null) { // each failed write would leave one more (a randomly named) temporary file behind
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    failed.addSuppressed(suppressed);
                }
            }
            throw failed;
        }
    }
}
