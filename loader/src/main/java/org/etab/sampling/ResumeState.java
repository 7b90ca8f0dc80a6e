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
 * {@code order} is an optional fingerprint of the epoch's order (0: none), which the CLI saves so that a run with
 * another shuffle, other clip starts or another selection is refused rather than resumed at a position of another
 * order; {@code consumed} an optional count of the samples consumed since the run began, delivered or failed, over
 * all its epochs and resumes (0: not counted), which tells the CLI how many rows of its report come before this
 * state.
 */
public record ResumeState(
        @JsonProperty("seed") long seed,
        @JsonProperty("epoch") int epoch,
        @JsonProperty("position") long position,
        @JsonProperty("rank") int rank,
        @JsonProperty("world") int world,
        @JsonProperty("order") long order,
        @JsonProperty("consumed") long consumed) {

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
     * @param order    a fingerprint of epoch {@code epoch}'s order, or 0 for none
     * @param consumed the samples consumed since the run began (delivered or failed), or 0 when not counted
     * @throws IllegalArgumentException if {@code epoch}, {@code position} or {@code consumed} is negative,
     *     {@code world < 1}, or {@code rank} is not in {@code 0..world-1}
     */
    @JsonCreator
    public ResumeState {
        if (epoch < 0 || position < 0 || consumed < 0) {
            throw new IllegalArgumentException(
                    "epoch, position and consumed must be >= 0 but were " + epoch + ", " + position + ", " + consumed);
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
        this(seed, epoch, position, rank, world, 0, 0);
    }

    /**
     * The state after the batch that ends at {@code nextPosition}, with the fingerprint of that epoch's order and the
     * samples consumed so far; seed, rank and world stay.
     *
     * @param epoch        the epoch of that batch, 0-based
     * @param nextPosition the position in this rank's sequence of the epoch of the next sample to deliver
     * @param order        a fingerprint of that epoch's order, or 0 for none
     * @param consumed     the samples consumed since the run began, delivered or failed, or 0 when not counted
     * @return a new state
     * @throws IllegalArgumentException if {@code epoch}, {@code nextPosition} or {@code consumed} is negative
     */
    public ResumeState at(int epoch, long nextPosition, long order, long consumed) {
        return new ResumeState(seed, epoch, nextPosition, rank, world, order, consumed);
    }

    /**
     * Checks that this run orders the state's epoch as the run that saved it did.
     *
     * @param order the fingerprint of this run's order of epoch {@link #epoch()}, or 0 when not known
     * @throws IllegalArgumentException when both fingerprints are known and differ
     */
    public void requireSameOrder(long order) {
        if (this.order != 0 && order != 0 && order != this.order) {
            throw new IllegalArgumentException("the resume state was saved for another order of epoch " + epoch
                    + " than this run's (another shuffle, other clip starts or another selection): resuming at "
                    + "position " + position + " would skip some samples and repeat others");
        }
    }

    /**
     * The state after the batch that ends at {@code nextPosition}; seed, rank, world, order and consumed stay.
     *
     * @param epoch        the epoch of that batch, 0-based
     * @param nextPosition the position in this rank's sequence of the epoch of the next sample to deliver
     *                     ({@code Batch.nextPosition()})
     * @return a new state
     * @throws IllegalArgumentException if {@code epoch} or {@code nextPosition} is negative
     */
    public ResumeState at(int epoch, long nextPosition) {
        return new ResumeState(seed, epoch, nextPosition, rank, world, order, consumed);
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
     * {@code order} and {@code consumed}, 0 when absent).
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
            for (String since : new String[] {"order", "consumed"}) {
                if (!fields.has(since)) {
                    fields.put(since, 0L); // saved before states had it
                }
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
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(this));
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the resume state: " + e, e);
        }
    }
}
