package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ListedVideo's hand-written int set against java.util's, on the frame numbers a tracings file can hold. */
class FrameSetTest {

    @Test
    void addsExactlyAsAHashSetDoesOverGrowthDuplicatesAndTheWholeIntRange() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 20; round++) {
            ListedVideo.FrameSet ours = new ListedVideo.FrameSet();
            Set<Integer> theirs = new HashSet<>();
            int n = 1 + random.nextInt(20_000);
            for (int i = 0; i < n; i++) {
                // small frames (a real video's), their repeats, and any non-negative int (a crafted file's)
                int frame = switch (random.nextInt(3)) {
                    case 0 -> random.nextInt(200);
                    case 1 -> random.nextInt(Integer.MAX_VALUE);
                    default -> Integer.MAX_VALUE - random.nextInt(50);
                };
                assertThat(ours.add(frame)).as("round %d, add %d", round, frame).isEqualTo(theirs.add(frame));
            }
            for (int frame : theirs) {
                assertThat(ours.add(frame)).as("present: %d", frame).isFalse();
            }
        }
    }

    @Test
    void framesThatShareLowBitsDoNotCrowdOneRun() {
        // multiples of 2^16: equal low bits, distinct values; all must be told apart, and quickly (no quadratic
        // probing)
        ListedVideo.FrameSet set = new ListedVideo.FrameSet();
        for (int k = 0; k < 30_000; k++) {
            assertThat(set.add(k << 16 >>> 1)).isTrue();
        }
        for (int k = 0; k < 30_000; k++) {
            assertThat(set.add(k << 16 >>> 1)).isFalse();
        }
        assertThat(set.add(0)).isFalse();
        assertThat(set.add(1)).isTrue();
    }
}
