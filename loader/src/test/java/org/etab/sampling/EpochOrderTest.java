package org.etab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochOrderTest {

    @Test
    void shuffleIsAPermutationFixedBySeedAndEpoch() {
        int[] a = EpochOrder.of(1000, 42, 3, true);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        assertThat(EpochOrder.of(1000, 42, 3, true)).containsExactly(a);
        assertThat(EpochOrder.of(1000, 42, 4, true)).isNotEqualTo(a);
        assertThat(EpochOrder.of(1000, 43, 3, true)).isNotEqualTo(a);
    }

    @Test
    void withoutShuffleTheOrderIsTheIndexOrder() {
        assertThat(EpochOrder.of(4, 42, 7, false)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aNegativeEpochIsRefusedShuffledOrNot() {
        for (boolean shuffle : new boolean[] {true, false}) {
            assertThatThrownBy(() -> EpochOrder.of(4, 42, -1, shuffle))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("epoch >= 0 required but was -1");
        }
    }
}
