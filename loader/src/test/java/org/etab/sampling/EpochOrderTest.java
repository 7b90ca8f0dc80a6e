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

    @Test
    void epochZeroIsAnEpochLikeAnyOther() {
        assertThat(EpochOrder.of(4, 42, 0, false)).containsExactly(0, 1, 2, 3);
        assertThat(EpochOrder.of(100, 42, 0, true)).isNotEqualTo(EpochOrder.of(100, 42, 1, true));
    }

    /**
     * The mixing is part of the reproducibility promise (a saved run resumes in the same order with a later build):
     * values computed outside Java with 64-bit wrapping arithmetic from the constants of the SplitMix64 finaliser.
     */
    @Test
    void theMixingOfSeedEpochAndKeyIsFixed() {
        assertThat(EpochOrder.mix(42, 3, -1)).isEqualTo(0x3C753A88D02CC453L);
        assertThat(EpochOrder.mix(5, 7, 0xAF63DC4C8601EC8CL)).isEqualTo(0x558703D5F76EBF98L);
        assertThat(EpochOrder.mix(-1, 0, 0)).isEqualTo(0x336503C6B835BEC0L);
    }

    /** FNV-1a 64 of the UTF-8 bytes: the published test vectors, and a non-ASCII id (bytes taken unsigned). */
    @Test
    void theIdKeyIsFnv1aOfTheUtf8Bytes() {
        assertThat(EpochOrder.idKey("")).isEqualTo(0xCBF29CE484222325L);
        assertThat(EpochOrder.idKey("a")).isEqualTo(0xAF63DC4C8601EC8CL);
        assertThat(EpochOrder.idKey("foobar")).isEqualTo(0x85944171F73967E8L);
        assertThat(EpochOrder.idKey("échographie")).isEqualTo(0x5F6830785C9559ABL);
    }

    /** A sample's stream depends on (seed, epoch, id) only; its first value computed outside Java (SplitMix64). */
    @Test
    void aSamplesRandomSourceIsKeyedBySeedEpochAndId() {
        assertThat(EpochOrder.forSample(42, 0, "patient0001_4CH").nextLong()).isEqualTo(0xF6BCE46617D5A01FL);
        long first = EpochOrder.forSample(42, 0, "patient0001_4CH").nextLong();
        assertThat(EpochOrder.forSample(42, 1, "patient0001_4CH").nextLong()).isNotEqualTo(first);
        assertThat(EpochOrder.forSample(43, 0, "patient0001_4CH").nextLong()).isNotEqualTo(first);
        assertThat(EpochOrder.forSample(42, 0, "patient0001_2CH").nextLong()).isNotEqualTo(first);
    }
}
