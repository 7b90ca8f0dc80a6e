package org.etab.source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** {@link SampleSource#orderFingerprint}: the first 8 bytes of a SHA-256 over the plans' ids and frames; never 0. */
final class PlanFingerprint {
    private PlanFingerprint() {}

    static long of(List<SamplePlan> plans) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES);
        for (SamplePlan p : plans) {
            sha.update(p.id().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            for (int f : p.frames()) {
                sha.update(frame.clear().putInt(f).array());
            }
            sha.update((byte) 0);
        }
        long fingerprint = ByteBuffer.wrap(sha.digest()).getLong();
        return fingerprint == 0 ? 1 : fingerprint;
    }
}
