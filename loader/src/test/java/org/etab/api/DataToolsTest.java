package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.etab.batch.DType;
import org.junit.jupiter.api.Test;

class DataToolsTest {
    private static List<Item> items(int n) {
        Tensor t = new Tensor(DType.UINT8, new int[] {1}, ByteBuffer.allocate(1));
        return IntStream.range(0, n).mapToObj(i -> new Item("id" + i, t, t)).toList();
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    @Test
    void sizesFollowScikitLearnsFloorsAndThePartsPartitionTheItems() {
        for (int n : new int[] {7, 10, 101, 999}) {
            Splits s = DataTools.trainingDataSplit(items(n), 0.55, 0.15, true, 42);
            int nTrain = (int) Math.floor(0.55 * n);
            assertThat(s.train()).hasSize(nTrain);
            // ETAB's second call takes val / (1 - train) of the rest, not val of all
            assertThat(s.val()).hasSize((int) Math.floor(0.15 / (1 - 0.55) * (n - nTrain)));
            assertThat(s.train().size() + s.val().size() + s.test().size()).isEqualTo(n);
            Set<String> all = new HashSet<>();
            all.addAll(ids(s.train()));
            all.addAll(ids(s.val()));
            all.addAll(ids(s.test()));
            assertThat(all).hasSize(n); // no item in two parts, none lost
        }
        Splits issue = DataTools.trainingDataSplit(items(999), 0.6, 0.1, true, 42);
        assertThat(List.of(
                        issue.train().size(), issue.val().size(), issue.test().size()))
                .containsExactly(599, 100, 300);
    }

    @Test
    void anEmptyTrainingOrValidationPartIsRefusedAsScikitLearnRefusesIt() {
        assertThatThrownBy(() -> DataTools.trainingDataSplit(items(0), 0.55, 0.15, true, 42))
                .hasMessageContaining("training part would be empty");
        assertThatThrownBy(() -> DataTools.trainingDataSplit(items(1), 0.55, 0.15, false, 42))
                .hasMessageContaining("training part would be empty");
        assertThatThrownBy(() -> DataTools.trainingDataSplit(items(3), 0.6, 0.1, true, 42))
                .hasMessageContaining("validation part would be empty")
                .hasMessageContaining("floor(0.25 * 2)");
    }

    @Test
    void randomSplitIsSeededAndOrderedSplitKeepsTheOrder() {
        List<Item> items = items(50);
        Splits a = DataTools.trainingDataSplit(items, 0.5, 0.1, true, 42);
        assertThat(ids(DataTools.trainingDataSplit(items, 0.5, 0.1, true, 42).train()))
                .isEqualTo(ids(a.train()));
        assertThat(ids(DataTools.trainingDataSplit(items, 0.5, 0.1, true, 43).train()))
                .isNotEqualTo(ids(a.train()));
        assertThat(ids(a.train())).isNotEqualTo(ids(items.subList(0, 25)));
        Splits ordered = DataTools.trainingDataSplit(items, 0.5, 0.1, false, 42);
        assertThat(ids(ordered.train())).isEqualTo(ids(items.subList(0, 25)));
        assertThat(ids(ordered.val())).isEqualTo(ids(items.subList(25, 30)));
        assertThat(ids(ordered.test())).isEqualTo(ids(new ArrayList<>(items.subList(30, 50))));
    }

    @Test
    void badFractionsAreRefused() {
        assertThatThrownBy(() -> DataTools.trainingDataSplit(items(3), 0.8, 0.3, true, 1))
                .hasMessageContaining("train=0.8 val=0.3");
        assertThatThrownBy(() -> DataTools.trainingDataSplit(items(3), -0.1, 0.3, true, 1))
                .hasMessageContaining("(0, 1)");
    }

    @Test
    void aNegativeCountIsRefusedNamingIt() {
        // was a NegativeArraySizeException saying only "-1"
        assertThatThrownBy(() -> DataTools.splitPositions(-1, 0.5, 0.1, true, 42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n >= 0 required but was -1");
    }

    @Test
    void fractionsAtTheirBoundsAreRefusedAndJustInsideThemSplit() {
        // train_size 0 or 1, val 0, or val / (1 - train) = 1 (train + val = 1): scikit-learn raises for each
        double[][] refused = {{0, 0.1}, {1, 0.1}, {0.5, 0}, {0.5, 0.5}};
        for (double[] f : refused) {
            assertThatThrownBy(() -> DataTools.splitPositions(100, f[0], f[1], false, 42))
                    .as("train=%s val=%s", f[0], f[1])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith(" but were train=" + f[0] + " val=" + f[1]);
        }
        int[][] inside = DataTools.splitPositions(100, 0.5, 0.49, false, 42);
        assertThat(inside[0]).hasSize(50);
        assertThat(inside[1].length + inside[2].length).isEqualTo(50);
        assertThat(inside[2]).isNotEmpty();
    }
}
