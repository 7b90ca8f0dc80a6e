package org.etab.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.etab.source.SamplePlan;

/**
 * A fingerprint of an epoch's order, saved in the resume state ({@code ResumeState.order}): the first 8 bytes of a
 * SHA-256 over every plan's id and frames, in order. The whole epoch's order before sharding, {@code --limit} and
 * {@code --drop-last}, so that a resumed run may raise its limit, but not change its shuffle, clip starts or selection.
 * Never 0, which means "none".
 */
final class OrderFingerprint {
    private OrderFingerprint() {}

    static long of(List<SamplePlan> plans) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        ByteBuffer ints = ByteBuffer.allocate(4);
        for (SamplePlan p : plans) {
            sha.update(p.id().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            for (int frame : p.frames()) {
                sha.update(ints.clear().putInt(frame).array());
            }
            sha.update((byte) 0);
        }
        long fingerprint = ByteBuffer.wrap(sha.digest()).getLong();
        return fingerprint == 0 ? 1 : fingerprint;
    }

    /** Per epoch, from the epoch's plans, each epoch's computed once. Not thread-safe. */
    static IntToLongFunction perEpoch(IntFunction<List<SamplePlan>> plans) {
        Map<Integer, Long> known = new HashMap<>();
        return epoch -> known.computeIfAbsent(epoch, e -> of(plans.apply(e)));
    }
}
