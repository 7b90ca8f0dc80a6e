package org.etab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardingTest {

    @Test
    void ranksAreDisjointCoverEverythingAndHaveEqualCountsWithFlaggedRepeats() {
        for (int size : new int[] {0, 1, 7, 10, 11, 100}) {
            for (int world : new int[] {1, 2, 3, 4, 8}) {
                Set<Integer> fresh = new HashSet<>();
                int repeats = 0;
                int perRank = -1;
                for (int rank = 0; rank < world; rank++) {
                    List<Sharding.Slice> part = new Sharding(rank, world, false).slices(size);
                    if (perRank >= 0) {
                        assertThat(part).hasSize(perRank);
                    }
                    perRank = part.size();
                    for (Sharding.Slice s : part) {
                        assertThat(s.index()).isBetween(0, size - 1);
                        if (s.repeat()) {
                            repeats++;
                        } else {
                            assertThat(fresh.add(s.index()))
                                    .as("index %d twice", s.index())
                                    .isTrue();
                        }
                    }
                }
                assertThat(fresh).hasSize(size);
                assertThat(repeats).isEqualTo(perRank * world - size);
                assertThat(perRank).isEqualTo((size + world - 1) / world);
            }
        }
    }

    @Test
    void rankTakesEveryWorldthItemLikeDistributedSampler() {
        List<Integer> idx = new ArrayList<>();
        List<Boolean> rep = new ArrayList<>();
        for (Sharding.Slice s : new Sharding(1, 4, false).slices(10)) {
            idx.add(s.index());
            rep.add(s.repeat());
        }
        // padded order: 0..9, 0, 1 -> rank 1 takes 1, 5, 9
        assertThat(idx).containsExactly(1, 5, 9);
        assertThat(rep).containsExactly(false, false, false);
        List<Integer> rank3 = new Sharding(3, 4, false)
                .slices(10).stream().map(Sharding.Slice::index).toList();
        assertThat(rank3).containsExactly(3, 7, 1); // 11th padded item repeats index 1
        assertThat(new Sharding(3, 4, false).slices(10).get(2).repeat()).isTrue();
    }

    @Test
    void dropLastCutsToAMultipleOfTheWorld() {
        int total = 0;
        for (int rank = 0; rank < 4; rank++) {
            List<Sharding.Slice> part = new Sharding(rank, 4, true).slices(10);
            assertThat(part).hasSize(2).noneMatch(Sharding.Slice::repeat);
            total += part.size();
        }
        assertThat(total).isEqualTo(8);
    }

    @Test
    void badRanksAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new Sharding(4, 4, false)).hasMessage("rank must be in 0..3 but was 4");
        assertThatThrownBy(() -> new Sharding(0, 0, false)).hasMessage("world >= 1 required but was 0");
    }
}
