package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.sampling.ResumeState;
import org.junit.jupiter.api.Test;

/**
 * What a training loop that resumes relies on: a position it may not resume from fails loudly, a batch names its
 * epoch, and the order fingerprint tells another order apart.
 */
class ResumeGuardsTest {
    private static Pipeline pipeline(FakeSource source, boolean ordered) {
        return new Pipeline(
                source,
                PipelineOptions.builder()
                        .batchSize(2)
                        .threads(2)
                        .ordered(ordered)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    @Test
    void resumingAnUnorderedPipelineIsRefused() {
        try (Pipeline p = pipeline(new FakeSource(8), false)) {
            assertThatThrownBy(() -> p.batches(0, 4).doOnNext(Batch::close).blockLast())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("resuming at position 4 needs ordered delivery");
            // from the start, unordered is fine
            assertThat(p.batches(0, 0).doOnNext(Batch::close).count().block()).isEqualTo(4);
        }
    }

    @Test
    void aNegativeEpochIsRefusedWhereverAnEpochIsTaken() {
        try (Pipeline p = pipeline(new FakeSource(8), true)) {
            List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                    () -> p.batches(-1),
                    () -> p.batches(-1, 0),
                    () -> p.batches(-1, 2, 0),
                    () -> p.samples(-1),
                    () -> p.schedule(-1, 0, 4),
                    () -> p.iterate(-1),
                    () -> p.iterate(-1, 0),
                    () -> p.checkStart(-1, 0));
            for (var call : calls) {
                assertThatThrownBy(call)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("epoch >= 0 required but was -1");
            }
            // and nothing was left open by the refusals
            assertThat(p.batches(0).doOnNext(Batch::close).count().block()).isEqualTo(4);
        }
    }

    @Test
    void aPositionPastTheScheduleIsRefusedAndItsEndIsAnEmptyEpoch() {
        try (Pipeline p = pipeline(new FakeSource(8), true)) {
            assertThatThrownBy(() -> p.batches(0, 9).doOnNext(Batch::close).blockLast())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("startAt 9 is past the 8 samples of epoch 0");
            assertThat(p.batches(0, 8).doOnNext(Batch::close).count().block()).isZero();
        }
    }

    @Test
    void batchesOfAStreamOverEpochsNameTheirEpochForTheCheckpoint() {
        List<ResumeState> saved = new ArrayList<>();
        ResumeState state = new ResumeState(1, 0, 0, 0, 1);
        try (Pipeline p = pipeline(new FakeSource(3), true)) {
            for (Batch b : p.batches(0, 2, 0).toIterable(1)) {
                try (b) {
                    state = state.at(b.epoch(), b.nextPosition());
                    saved.add(state);
                }
            }
        }
        assertThat(saved)
                .extracting(ResumeState::epoch, ResumeState::position)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, 2L),
                        org.assertj.core.groups.Tuple.tuple(0, 3L),
                        org.assertj.core.groups.Tuple.tuple(1, 2L),
                        org.assertj.core.groups.Tuple.tuple(1, 3L),
                        org.assertj.core.groups.Tuple.tuple(2, 2L),
                        org.assertj.core.groups.Tuple.tuple(2, 3L));
    }

    @Test
    void theOrderFingerprintIsTheEpochsOwn() {
        FakeSource source = new FakeSource(5);
        long epoch0 = source.orderFingerprint(0);
        assertThat(epoch0).isNotZero().isEqualTo(new FakeSource(5).orderFingerprint(0));
        assertThat(source.orderFingerprint(1)).isNotEqualTo(epoch0); // other ids
        assertThat(new FakeSource(6).orderFingerprint(0)).isNotEqualTo(epoch0); // another selection
        ResumeState state = new ResumeState(1, 0, 2, 0, 1).withOrder(epoch0);
        state.requireSameOrder(source.orderFingerprint(0));
        assertThatThrownBy(() -> state.requireSameOrder(new FakeSource(6).orderFingerprint(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResumePointIsCheckedWhereItIsSet() {
        try (Pipeline ordered = pipeline(new FakeSource(4), true);
                Pipeline unordered = pipeline(new FakeSource(4), false)) {
            ordered.checkStart(0, 0);
            ordered.checkStart(5, 4);
            assertThatThrownBy(() -> ordered.checkStart(0, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("past");
            assertThatThrownBy(() -> ordered.checkStart(-1, 0)).hasMessageContaining("epoch >= 0");
            assertThatThrownBy(() -> ordered.checkStart(0, -1)).hasMessageContaining("startAt >= 0");
            unordered.checkStart(0, 0);
            assertThatThrownBy(() -> unordered.checkStart(0, 2)).hasMessageContaining("needs ordered delivery");
        }
    }
}
