package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.etab.sampling.Sharding;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class EpochScheduleTest {

    private static EpochSchedule schedule(FakeSource source, PipelineOptions.Builder o, RunAccount account) {
        return new EpochSchedule(source, o.build(), account);
    }

    private static List<String> ids(List<Pipeline.Scheduled> s) {
        return s.stream()
                .map(x -> x.sequence() + ":" + x.plan().id() + (x.repeat() ? "(repeat)" : ""))
                .toList();
    }

    @Test
    void oneRankGetsTheSourcesOrderNumberedFromZero() {
        EpochSchedule s = schedule(new FakeSource(5), PipelineOptions.builder(), new RunAccount());
        assertThat(ids(s.schedule(3, 0, 2))).containsExactly("0:3/0", "1:3/1", "2:3/2", "3:3/3", "4:3/4");
    }

    @Test
    void aRankGetsEveryWorldthSampleAndFlaggedRepeatsToEvenOut() {
        FakeSource source = new FakeSource(7);
        EpochSchedule r2 =
                schedule(source, PipelineOptions.builder().sharding(new Sharding(2, 3, false)), new RunAccount());
        assertThat(ids(r2.schedule(0, 0, 1))).containsExactly("0:0/2", "1:0/5", "2:0/1(repeat)");
        EpochSchedule cut =
                schedule(source, PipelineOptions.builder().sharding(new Sharding(2, 3, true)), new RunAccount());
        assertThat(ids(cut.schedule(0, 0, 1))).containsExactly("0:0/2", "1:0/5");
    }

    @Test
    void resumingStartsAtThePositionAndKeepsItsNumbering() {
        EpochSchedule s = schedule(new FakeSource(6), PipelineOptions.builder(), new RunAccount());
        assertThat(ids(s.schedule(1, 4, 2))).isEqualTo(ids(s.schedule(1, 0, 2)).subList(4, 6));
        assertThat(s.schedule(1, 6, 2)).isEmpty();
        // past the end: a position saved from another schedule, refused rather than read as a finished epoch
        assertThatThrownBy(() -> s.schedule(1, 9, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("startAt 9 is past the 6 samples of epoch 1");
        assertThatThrownBy(() -> s.schedule(1, -1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startAt >= 0 required but was -1");
    }

    @Test
    void theLimitCutsTheFrontAndDropLastCutsToWholeBatches() {
        FakeSource source = new FakeSource(10);
        assertThat(schedule(source, PipelineOptions.builder().limit(7), new RunAccount())
                        .schedule(0, 0, 3))
                .hasSize(7);
        assertThat(schedule(source, PipelineOptions.builder().dropLast(true), new RunAccount())
                        .schedule(0, 0, 3))
                .hasSize(9);
        assertThat(schedule(source, PipelineOptions.builder().limit(7).dropLast(true), new RunAccount())
                        .schedule(0, 0, 3))
                .hasSize(6);
        assertThat(schedule(source, PipelineOptions.builder().dropLast(true), new RunAccount())
                        .schedule(0, 0, 1))
                .hasSize(10);
        assertThat(ids(schedule(source, PipelineOptions.builder().limit(2), new RunAccount())
                        .schedule(0, 0, 4)))
                .containsExactly("0:0/0", "1:0/1");
    }

    @Test
    void groupsAreBatchesIndexedFromTheResumePositionAndCountedAsPlanned() {
        RunAccount account = new RunAccount();
        EpochSchedule s = schedule(new FakeSource(10), PipelineOptions.builder(), account);
        List<EpochSchedule.Group> groups = s.groups(2, 4, 3);
        assertThat(groups).extracting(EpochSchedule.Group::index).containsExactly(1L, 2L);
        assertThat(groups).extracting(g -> g.plans().size()).containsExactly(3, 3);
        assertThat(groups).extracting(EpochSchedule.Group::nextPosition).containsExactly(7L, 10L);
        assertThat(groups.get(0).samplePlans()).extracting(p -> p.id()).containsExactly("2/4", "2/5", "2/6");
        assertThat(account.planned()).isEqualTo(6);
        assertThat(s.groups(2, 0, 4)).extracting(g -> g.plans().size()).containsExactly(4, 4, 2);
        assertThat(account.planned()).isEqualTo(16);
    }

    @Test
    void theNextEpochIsPlannedOnlyOnceThePreviousOnesLastGroupIsHandedOut() {
        FakeSource source = new FakeSource(4);
        RunAccount account = new RunAccount();
        EpochSchedule s = schedule(source, PipelineOptions.builder(), account);
        StepVerifier.create(s.groups(5, 7, 2, 2), 1)
                .assertNext(g -> assertThat(g.epoch() + "#" + g.index()).isEqualTo("5#1")) // epoch 5's last
                .then(() -> assertThat(source.planned).containsExactly(5, 6))
                .thenRequest(1)
                .assertNext(g -> assertThat(g.epoch() + "#" + g.index()).isEqualTo("6#0"))
                .then(() -> assertThat(source.planned).containsExactly(5, 6))
                .thenRequest(1)
                .assertNext(g -> assertThat(g.epoch() + "#" + g.index()).isEqualTo("6#1"))
                .then(() -> assertThat(source.planned).containsExactly(5, 6, 7))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(2)
                .verifyComplete();
        assertThat(source.planned).containsExactly(5, 6, 7);
        assertThat(account.planned()).isEqualTo(2 + 4 + 4);
    }

    @Test
    void anEpochResumedAtItsEndIsNoGroupAndPlansNothingMore() {
        RunAccount account = new RunAccount();
        EpochSchedule s = schedule(new FakeSource(8), PipelineOptions.builder(), account);
        assertThat(s.groups(1, 8, 3)).isEmpty();
        assertThat(account.planned()).isZero();
    }

    @Test
    void checkStartRefusesAResumeUnorderedOrPastTheEndAndPlansNothingForZero() {
        FakeSource source = new FakeSource(6);
        EpochSchedule unordered = schedule(source, PipelineOptions.builder().ordered(false), new RunAccount());
        unordered.checkStart(0, 0);
        assertThat(source.planned).isEmpty(); // 0 is always a start: nothing to plan
        assertThatThrownBy(() -> unordered.checkStart(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("resuming at position 1 needs ordered delivery");
        StepVerifier.create(unordered.groups(0, 1, 2, 2))
                .expectErrorMessage(
                        "resuming at position 2 needs ordered delivery (PipelineOptions.ordered(true)): in unordered"
                                + " mode a batch's nextPosition() does not say that the samples before it were"
                                + " delivered")
                .verify();
        assertThat(source.planned).isEmpty();

        EpochSchedule ordered = schedule(source, PipelineOptions.builder(), new RunAccount());
        ordered.checkStart(0, 6);
        assertThat(source.planned).containsExactly(0);
        assertThatThrownBy(() -> ordered.checkStart(0, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("startAt 7 is past the 6 samples of epoch 0");
    }

    @Test
    void epochsUpToTheLargestIntAreARangeLikeAnyOther() {
        // batches(0, Integer.MAX_VALUE, 0): every epoch, for a run that stops when it will
        EpochSchedule s = schedule(new FakeSource(2), PipelineOptions.builder(), new RunAccount());
        StepVerifier.create(s.groups(0, Integer.MAX_VALUE, 0, 2).take(3))
                .assertNext(g -> assertThat(g.epoch()).isZero())
                .assertNext(g -> assertThat(g.epoch()).isEqualTo(1))
                .assertNext(g -> assertThat(g.epoch()).isEqualTo(2))
                .verifyComplete();
        StepVerifier.create(s.groups(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 1, 1))
                .assertNext(g -> assertThat(g.epoch() + "#" + g.index()).isEqualTo((Integer.MAX_VALUE - 1) + "#1"))
                .assertNext(g -> assertThat(g.epoch() + "#" + g.index()).isEqualTo(Integer.MAX_VALUE + "#0"))
                .assertNext(g -> assertThat(g.epoch() + "#" + g.index()).isEqualTo(Integer.MAX_VALUE + "#1"))
                .verifyComplete();
    }
}
