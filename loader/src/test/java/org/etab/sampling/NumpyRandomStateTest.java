package org.etab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.etab.testing.SklearnVectors;
import org.junit.jupiter.api.Test;

class NumpyRandomStateTest {

    @Test
    void permutationsEqualNumpysForEverySeedAndSize() {
        List<SklearnVectors.Permutation> vectors = SklearnVectors.permutations();
        assertThat(vectors).hasSizeGreaterThan(30);
        for (SklearnVectors.Permutation v : vectors) {
            assertThat(NumpyRandomState.permutation(v.seed(), v.n()))
                    .as("seed %d n %d", v.seed(), v.n())
                    .containsExactly(v.order());
        }
    }

    @Test
    void generatorIsMt19937() {
        // the reference implementation's first output for its default seed, 5489
        assertThat(new NumpyRandomState(5489).nextUint32()).isEqualTo(3499211612L);
        // and its 10,000th output (the C++ standard's check for std::mt19937)
        NumpyRandomState r = new NumpyRandomState(5489);
        long last = 0;
        for (int i = 0; i < 10_000; i++) {
            last = r.nextUint32();
        }
        assertThat(last).isEqualTo(4123659995L);
    }

    @Test
    void intervalStaysWithinItsBound() {
        NumpyRandomState r = new NumpyRandomState(7);
        for (int max : new int[] {0, 1, 2, 5, 1 << 20, Integer.MAX_VALUE}) {
            for (int i = 0; i < 200; i++) {
                assertThat(r.interval(max)).isBetween(0, max);
            }
        }
    }

    @Test
    void seedsNumpyRefusesAreRefused() {
        assertThatThrownBy(() -> NumpyRandomState.permutation(-1, 3)).hasMessageContaining("-1");
        assertThatThrownBy(() -> NumpyRandomState.permutation(1L << 32, 3)).hasMessageContaining("2^32 - 1");
        assertThat(NumpyRandomState.permutation((1L << 32) - 1, 3)).containsExactlyInAnyOrder(0, 1, 2);
    }
}
