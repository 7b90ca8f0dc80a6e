package org.etab.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.etab.sampling.ResumeState;
import org.etab.source.SampleOptions;
import org.etab.source.SampleSource;

/**
 * The fingerprint of each epoch's order that the CLI saves in its resume state ({@code ResumeState.order}): the
 * source's own ({@link SampleSource#orderFingerprint}), or for an export of several size groups one over the
 * groups' in export order, with the options that say what a sample is. Of the whole epoch before sharding,
 * {@code --limit} and {@code --drop-last}, so that a resumed run may raise its limit, but not change its shuffle, clip
 * starts, selection or samples (another target, size, dtype or layout would mix two kinds in one output).
 */
final class OrderFingerprint {
    private OrderFingerprint() {}

    /**
     * Per epoch, over the sources in order and what a sample is ({@code asked}: target, frame size, dtype, layout,
     * normalization, resize...), so that a resumed run cannot change what it writes half-way either; each epoch's
     * computed once. Not thread-safe.
     */
    static IntToLongFunction perEpoch(List<SampleSource> sources, SampleOptions asked) {
        long samples = samplesFingerprint(asked);
        Map<Integer, Long> known = new HashMap<>();
        return epoch -> known.computeIfAbsent(epoch, e -> {
            long combined = samples;
            for (SampleSource s : sources) {
                combined = combined * 0x9E3779B97F4A7C15L + s.orderFingerprint(e);
            }
            return combined == ResumeState.NO_ORDER ? 1 : combined;
        });
    }

    /** The options' every field, as their text lists them, hashed: equal options, equal fingerprints. */
    private static long samplesFingerprint(SampleOptions asked) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(asked.toString().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
