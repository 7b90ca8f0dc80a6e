package org.etab.source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * {@link SampleSource#orderFingerprint}: the first 8 bytes of a SHA-256 over the plans' ids and frames, each
 * length-prefixed; never 0. Saved in resume states, so the encoding must not change without a reason.
 */
final class PlanFingerprint {
    private PlanFingerprint() {}

    static long of(List<SamplePlan> plans) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // every part length-prefixed, so that no two plan lists give the same bytes
        ByteBuffer number = ByteBuffer.allocate(Integer.BYTES);
        sha.update(number.clear().putInt(plans.size()).array());
        for (SamplePlan p : plans) {
            byte[] id = p.id().getBytes(StandardCharsets.UTF_8);
            sha.update(number.clear().putInt(id.length).array());
            sha.update(id);
            sha.update(number.clear().putInt(p.frames().length).array());
            for (int f : p.frames()) {
                sha.update(number.clear().putInt(f).array());
            }
        }
        long fingerprint = ByteBuffer.wrap(sha.digest()).getLong();
        return fingerprint == 0 ? 1 : fingerprint;
    }
}
