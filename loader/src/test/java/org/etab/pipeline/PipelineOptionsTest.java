package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void theDefaultsAreAllCoresPrefetchTwoAndTwoHeld() {
        PipelineOptions o = PipelineOptions.builder().build();
        assertThat(o.threads()).isEqualTo(CORES);
        assertThat(o.prefetch()).isEqualTo(2);
        assertThat(o.batchesAhead()).isEqualTo(CORES + 2);
        assertThat(o.consumerHeld()).isEqualTo(2);
        assertThat(o.batchBuffers()).isEqualTo(CORES + 4);
        assertThat(o.batchSize()).isEqualTo(20);
        assertThat(o.sampleTimeout()).isEqualTo(PipelineOptions.DEFAULT_TIMEOUT);
    }

    @Test
    void explicitThreadsAndPrefetchGiveTheSameNumbersAsBefore() {
        PipelineOptions o =
                PipelineOptions.builder().threads(3).prefetch(1).consumerHeld(4).build();
        assertThat(o.batchesAhead()).isEqualTo(4);
        assertThat(o.batchBuffers()).isEqualTo(8);
        assertThat(PipelineOptions.builder().threads(5).build().batchesAhead()).isEqualTo(7);
    }

    @Test
    void batchesAheadAloneSetsThreadsUpToTheCoresAndPrefetchToTheRest() {
        PipelineOptions one = PipelineOptions.builder().batchesAhead(1).build();
        assertThat(one.threads()).isEqualTo(1);
        assertThat(one.prefetch()).isZero();
        PipelineOptions many = PipelineOptions.builder().batchesAhead(CORES + 5).build();
        assertThat(many.threads()).isEqualTo(CORES);
        assertThat(many.prefetch()).isEqualTo(5);
        assertThat(many.batchesAhead()).isEqualTo(CORES + 5);
    }

    @Test
    void batchesAheadWithThreadsOrPrefetchDerivesTheOther() {
        PipelineOptions t = PipelineOptions.builder().batchesAhead(6).threads(2).build();
        assertThat(t.prefetch()).isEqualTo(4);
        PipelineOptions p =
                PipelineOptions.builder().batchesAhead(6).prefetch(1).build();
        assertThat(p.threads()).isEqualTo(5);
        PipelineOptions all =
                PipelineOptions.builder().batchesAhead(6).threads(4).prefetch(2).build();
        assertThat(all.threads()).isEqualTo(4);
        assertThat(all.prefetch()).isEqualTo(2);
    }

    @Test
    void contradictoryExplicitValuesAreRefusedNamingThem() {
        assertThatThrownBy(() -> PipelineOptions.builder()
                        .batchesAhead(5)
                        .threads(4)
                        .prefetch(2)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchesAhead = threads + prefetch required")
                .hasMessageContaining("batchesAhead 5")
                .hasMessageContaining("threads 4")
                .hasMessageContaining("prefetch 2");
        assertThatThrownBy(() ->
                        PipelineOptions.builder().batchesAhead(3).threads(4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads <= batchesAhead required but was threads 4, batchesAhead 3");
        assertThatThrownBy(() ->
                        PipelineOptions.builder().batchesAhead(3).prefetch(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefetch < batchesAhead required but was prefetch 3, batchesAhead 3");
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> PipelineOptions.builder().batchSize(0).build())
                .hasMessage("batchSize >= 1 required but was 0");
        assertThatThrownBy(() -> PipelineOptions.builder().threads(0).build())
                .hasMessage("threads >= 1 required but was 0");
        assertThatThrownBy(() -> PipelineOptions.builder().prefetch(-1).build())
                .hasMessage("prefetch >= 0 required but was -1");
        assertThatThrownBy(() -> PipelineOptions.builder().batchesAhead(0).build())
                .hasMessage("batchesAhead >= 1 required but was 0");
        assertThatThrownBy(() -> PipelineOptions.builder().consumerHeld(0).build())
                .hasMessage("consumerHeld >= 1 required but was 0");
        assertThatThrownBy(() -> PipelineOptions.builder()
                        .sampleTimeout(Duration.ofSeconds(-1))
                        .build())
                .hasMessageContaining("sampleTimeout must not be negative");
        // longer than the clock counts in nanoseconds: refused when built, not an overflow when a run ends
        assertThatThrownBy(() -> PipelineOptions.builder()
                        .sampleTimeout(java.time.temporal.ChronoUnit.FOREVER.getDuration())
                        .build())
                .hasMessage(
                        "sampleTimeout at most PT24H (zero: no limit) required but was PT2562047788015215H30M7.999999999S");
        assertThat(PipelineOptions.builder()
                        .sampleTimeout(PipelineOptions.MAX_TIMEOUT)
                        .build()
                        .sampleTimeout())
                .isEqualTo(Duration.ofDays(1));
    }

    @Test
    void toBuilderDerivesAgainFromWhatWasSetExplicitly() {
        PipelineOptions ahead = PipelineOptions.builder().batchesAhead(6).build();
        PipelineOptions fewerThreads = ahead.toBuilder().threads(1).build();
        assertThat(fewerThreads.batchesAhead()).isEqualTo(6);
        assertThat(fewerThreads.prefetch()).isEqualTo(5);

        PipelineOptions threads = PipelineOptions.builder().threads(2).build();
        assertThat(threads.toBuilder().threads(1).build().prefetch()).isEqualTo(2);
        assertThat(threads.toBuilder().batchesAhead(5).build().prefetch()).isEqualTo(3);

        PipelineOptions o = PipelineOptions.builder()
                .batchSize(3)
                .threads(2)
                .prefetch(1)
                .limit(9)
                .build();
        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
        assertThat(o.toString()).contains("batchesAhead=3");
    }

    @Test
    void hugeCountsAreRefusedBeforeAnySumOverflowsNamingThem() {
        int huge = Integer.MAX_VALUE;
        assertThatThrownBy(() -> PipelineOptions.builder().threads(huge).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads <= 1024 required but was 2147483647");
        assertThatThrownBy(() -> PipelineOptions.builder().prefetch(huge).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefetch <= 1024 required but was 2147483647");
        assertThatThrownBy(() -> PipelineOptions.builder().batchSize(huge).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize <= 65536 required but was 2147483647");
        assertThatThrownBy(() -> PipelineOptions.builder().batchesAhead(huge).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchesAhead <= 1024 required but was 2147483647");
        assertThatThrownBy(() ->
                        PipelineOptions.builder().threads(1000).prefetch(1000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads + prefetch <= 1024 required but was 2000");
        assertThatThrownBy(() -> PipelineOptions.builder().consumerHeld(1025).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("consumerHeld <= 1024 required but was 1025");
    }

    @Test
    void eachUpperBoundItselfIsTaken() {
        int max = PipelineOptions.MAX_IN_FLIGHT;
        PipelineOptions o = PipelineOptions.builder()
                .batchSize(PipelineOptions.MAX_BATCH_SIZE)
                .threads(max - 1)
                .prefetch(1)
                .consumerHeld(max)
                .build();
        assertThat(o.batchSize()).isEqualTo(PipelineOptions.MAX_BATCH_SIZE);
        assertThat(o.threads() + o.prefetch()).isEqualTo(max);
        assertThat(o.consumerHeld()).isEqualTo(max);
        assertThat(PipelineOptions.builder().batchesAhead(max).build().batchesAhead())
                .isEqualTo(max);
    }
}
