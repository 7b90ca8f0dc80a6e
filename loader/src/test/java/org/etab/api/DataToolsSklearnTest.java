package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import org.etab.batch.DType;
import org.etab.testing.SklearnVectors;
import org.junit.jupiter.api.Test;

/** ETAB's split as run once by scikit-learn (bench/compare/sklearn_split_vectors.py): same members, same order. */
class DataToolsSklearnTest {

    @Test
    void positionsEqualScikitLearnsForEveryCase() {
        List<SklearnVectors.Split> vectors = SklearnVectors.splits();
        assertThat(vectors).hasSizeGreaterThan(70);
        for (SklearnVectors.Split v : vectors) {
            if (v.parts() == null) {
                assertThatThrownBy(() ->
                                DataTools.splitPositions(v.n(), v.trainFrac(), v.valFrac(), v.shuffle(), v.seed()))
                        .as("%s", v)
                        .isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            int[][] parts = DataTools.splitPositions(v.n(), v.trainFrac(), v.valFrac(), v.shuffle(), v.seed());
            assertThat(parts[0]).as("train of %s", v).containsExactly(v.parts()[0]);
            assertThat(parts[1]).as("val of %s", v).containsExactly(v.parts()[1]);
            assertThat(parts[2]).as("test of %s", v).containsExactly(v.parts()[2]);
        }
    }

    @Test
    void itemsFollowThePositions() {
        SklearnVectors.Split v = SklearnVectors.splits().stream()
                .filter(s -> s.seed() == 42 && s.n() == 999 && s.trainFrac() == 0.6 && s.shuffle())
                .findFirst()
                .orElseThrow();
        Tensor t = new Tensor(DType.UINT8, new int[] {1}, ByteBuffer.allocate(1));
        List<Item> items = IntStream.range(0, v.n())
                .mapToObj(i -> new Item("id" + i, t, t))
                .toList();
        Splits s = DataTools.trainingDataSplit(items, v.trainFrac(), v.valFrac(), true, DataTools.SEED);
        assertThat(s.val().stream().map(Item::id).toList())
                .isEqualTo(IntStream.of(v.parts()[1]).mapToObj(i -> "id" + i).toList());
        assertThat(s.test()).hasSize(300);
    }
}
