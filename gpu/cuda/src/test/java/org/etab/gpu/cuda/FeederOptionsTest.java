package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.etab.pipeline.PipelineOptions;
import org.junit.jupiter.api.Test;

/** The feeder's options: defaults, derived sizes, the builder convention, values checked naming them. */
class FeederOptionsTest {
    @Test
    void optionsFollowTheBuilderConvention() {
        FeederOptions d = FeederOptions.builder().build();
        assertThat(List.of(d.prefetch(), d.consumerHeld(), d.slots(), d.hostBatchesHeld()))
                .containsExactly(2, 1, 4, 6);
        assertThat(d.normalization()).isEqualTo(Normalization.imagenet());
        assertThat(List.of(d.warnAfter(), d.timeout())).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(10));
        FeederOptions o = d.toBuilder().prefetch(3).consumerHeld(2).build();
        assertThat(o.slots()).isEqualTo(6);
        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o).isNotEqualTo(d);
        assertThat(o.hashCode()).isNotEqualTo(d.hashCode()); // these two values hash apart
        assertThat(o.toString()).contains("prefetch=3", "consumerHeld=2");
        assertThatThrownBy(() -> d.toBuilder().consumerHeld(0).build())
                .hasMessage("consumerHeld >= 1 required but was 0");
        assertThatThrownBy(() -> d.toBuilder().warnAfter(Duration.ofMinutes(11)).build())
                .hasMessage("0 < warnAfter <= timeout required but were PT11M and PT10M");
    }

    /**
     * {@code slots()} promises {@code prefetch + consumerHeld + 1} and {@code pipelineOptions} a copy with
     * {@code consumerHeld} raised to {@code hostBatchesHeld()}: options whose host batches no pipeline can hold
     * (its consumerHeld is at most 1024) are refused when built, not later by the pipeline, and the sums never wrap.
     */
    @Test
    void optionsNoPipelineCanServeAreRefusedWhenBuilt() {
        PipelineOptions asked = PipelineOptions.builder().threads(2).build();
        FeederOptions largest =
                FeederOptions.builder().prefetch(1020).consumerHeld(1).build();
        assertThat(largest.hostBatchesHeld()).isEqualTo(PipelineOptions.MAX_IN_FLIGHT);
        assertThat(largest.pipelineOptions(asked).consumerHeld()).isEqualTo(PipelineOptions.MAX_IN_FLIGHT);
        assertThatThrownBy(() ->
                        FeederOptions.builder().prefetch(1020).consumerHeld(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefetch + consumerHeld <= 1021")
                .hasMessageContaining("1022");
        assertThatThrownBy(() ->
                        FeederOptions.builder().prefetch(Integer.MAX_VALUE).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefetch");
        assertThatThrownBy(() ->
                        FeederOptions.builder().consumerHeld(Integer.MAX_VALUE).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumerHeld");
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        FeederOptions least =
                FeederOptions.builder().prefetch(1).consumerHeld(1).build();
        assertThat(least.slots()).isEqualTo(3);
        assertThatThrownBy(() -> FeederOptions.builder().prefetch(0).build())
                .hasMessage("prefetch >= 1 required but was 0");
        FeederOptions patient = FeederOptions.builder()
                .warnAfter(Duration.ofMinutes(10))
                .timeout(Duration.ofMinutes(10))
                .build();
        assertThat(patient.warnAfter()).isEqualTo(patient.timeout());
        assertThatThrownBy(
                        () -> FeederOptions.builder().warnAfter(Duration.ZERO).build())
                .hasMessage("0 < warnAfter <= timeout required but were PT0S and PT10M");
    }

    @Test
    void pipelineOptionsThatAlreadyLetTheFeederHoldItsBatchesAreKeptAsTheyAre() {
        FeederOptions d = FeederOptions.builder().build(); // holds 6 host batches
        PipelineOptions enough = PipelineOptions.builder().consumerHeld(6).build();
        assertThat(d.pipelineOptions(enough)).isSameAs(enough);
        PipelineOptions more = PipelineOptions.builder().consumerHeld(9).build();
        assertThat(d.pipelineOptions(more)).isSameAs(more);
        PipelineOptions fewer = PipelineOptions.builder().consumerHeld(5).build();
        assertThat(d.pipelineOptions(fewer))
                .isEqualTo(fewer.toBuilder().consumerHeld(6).build());
    }
}
