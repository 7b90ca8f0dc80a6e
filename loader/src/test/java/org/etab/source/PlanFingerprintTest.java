package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resume states keep the fingerprint, so its encoding is checked against the documented one, built here by hand. */
class PlanFingerprintTest {
    private static SamplePlan plan(String id, int... frames) {
        return new SamplePlan(0, 0, id, "file", frames, null);
    }

    /** SHA-256 over count, then each id's UTF-8 length and bytes and each frame count and frames, as big-endian ints. */
    private static long documented(List<SamplePlan> plans) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(plans.size());
            for (SamplePlan p : plans) {
                byte[] id = p.id().getBytes(StandardCharsets.UTF_8);
                out.writeInt(id.length);
                out.write(id);
                out.writeInt(p.frames().length);
                for (int f : p.frames()) {
                    out.writeInt(f);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        return ByteBuffer.wrap(sha, 0, 8).getLong();
    }

    @Test
    void theFingerprintIsTheFirstEightBytesOfTheDocumentedSha256() throws Exception {
        List<SamplePlan> plans = List.of(plan("0X1A", 3, 4, 5), plan("é", 7), plan("b"));
        assertThat(PlanFingerprint.of(plans)).isEqualTo(documented(plans)).isNotZero();
        assertThat(PlanFingerprint.of(List.of())).isEqualTo(documented(List.of()));
    }

    @Test
    void idsAndFramesThatRunTogetherTheSameStillGiveDifferentFingerprints() {
        // without the length prefixes both would hash "ab" and the frames 1, 2
        long a = PlanFingerprint.of(List.of(plan("a", 1), plan("b", 2)));
        long b = PlanFingerprint.of(List.of(plan("ab", 1, 2)));
        assertThat(a).isNotEqualTo(b);
        assertThat(PlanFingerprint.of(List.of(plan("a", 1, 2))))
                .isNotEqualTo(PlanFingerprint.of(List.of(plan("a", 2, 1))));
    }
}
