package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.TensorSpec;
import org.etab.sampling.Sharding;
import org.etab.source.IndexProblem;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The facade's own checks and wiring, on a source without files. */
class PipelineFacadeTest {

    private static Pipeline pipeline(FakeSource source, PipelineOptions.Builder options) {
        return new Pipeline(
                source, options.batchSize(2).threads(1).build(), new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    private static List<Long> positions(Iterable<Batch> batches) {
        List<Long> out = new ArrayList<>();
        for (Batch b : batches) {
            try (b) {
                out.add(b.nextPosition());
            }
        }
        return out;
    }

    @Test
    void aPoolThatCouldNeverBeAllocatedIsRefusedWhenThePipelineIsMade() {
        FakeSource huge = new FakeSource(1, new TensorSpec(DType.UINT8, 1024, 1024, 1024)); // 1 GiB a sample
        assertThatThrownBy(() -> pipeline(huge, PipelineOptions.builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a batch of 2 samples");
    }

    @Test
    void theIndexsRejectionsAreAccountedOnRankZeroOnly() {
        FakeSource source = new FakeSource(4);
        source.rejected = List.of(new IndexProblem("a", "a.avi", "no such file"));
        try (Pipeline rank0 = pipeline(source, PipelineOptions.builder().sharding(new Sharding(0, 2, false)));
                Pipeline rank1 = pipeline(source, PipelineOptions.builder().sharding(new Sharding(1, 2, false)))) {
            assertThat(rank0.account().rejections()).isEqualTo(source.rejected);
            assertThat(rank1.account().rejected()).isZero();
        }
    }

    @Test
    void negativeEpochsAndAnEmptyEpochRangeAreRefusedWhenTheStreamIsMade() {
        try (Pipeline p = pipeline(new FakeSource(4), PipelineOptions.builder())) {
            assertThat(p.onFailure(f -> {})).isSameAs(p);
            assertThatThrownBy(() -> p.batches(-1)).hasMessage("epoch >= 0 required but was -1");
            assertThatThrownBy(() -> p.samples(-1)).hasMessage("epoch >= 0 required but was -1");
            assertThatThrownBy(() -> p.schedule(-1, 0, 1)).hasMessage("epoch >= 0 required but was -1");
            assertThatThrownBy(() -> p.checkStart(-1, 0)).hasMessage("epoch >= 0 required but was -1");
            assertThatThrownBy(() -> p.checkStart(0, 5)).hasMessageStartingWith("startAt 5 is past the 4 samples");
            p.checkStart(0, 4);
            assertThatThrownBy(() -> p.batches(3, 2, 0)).hasMessage("lastEpoch >= firstEpoch required but was 2 < 3");
            // one epoch is a range too, and so is every epoch up to the largest int (a run that stops when it will)
            assertThat(positions(p.batches(2, 2, 0).toIterable())).containsExactly(2L, 4L);
            assertThat(positions(p.batches(0, Integer.MAX_VALUE, 0).take(4).toIterable()))
                    .containsExactly(2L, 4L, 2L, 4L);
        }
    }

    @Test
    void iterationsResumeConsumeAndReplaceEachOtherAndThePipelinesCloseEndsThem() {
        try (Pipeline p = pipeline(new FakeSource(6), PipelineOptions.builder())) {
            List<Long> resumed = new ArrayList<>();
            try (BatchIterator<Batch> it = p.iterate(0, 2)) {
                it.forEachRemaining(b -> {
                    try (b) {
                        resumed.add(b.nextPosition());
                    }
                });
            }
            assertThat(resumed).containsExactly(4L, 6L);
            assertThat(positions(p.consume(p.batches(1)))).containsExactly(2L, 4L, 6L);
            assertThat(PipelineProbe.workersCreated(p)).isEqualTo(1);

            BatchIterator<Batch> older = p.iterate(0);
            BatchIterator<Batch> newer = p.iterate(1);
            assertThat(older.isClosed()).isTrue();
            assertThat(newer.isClosed()).isFalse();
            p.close();
            assertThat(newer.isClosed()).isTrue();
            assertThatThrownBy(newer::hasNext).hasMessageContaining("the pipeline was closed");
            assertThatThrownBy(() -> p.iterate(0)).hasMessage("pipeline is closed");
            StepVerifier.create(p.batches(0))
                    .expectErrorMessage("pipeline is closed")
                    .verify(Duration.ofSeconds(10));
            assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
        }
    }

    @Test
    void closingAnIterationWaitsForTheBatchTasksOfItsStream() {
        FakeSource source = new FakeSource(40);
        source.load = (plan, slot, deadline) -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeSource.ONE_FRAME;
        };
        try (Pipeline p = new Pipeline(
                source,
                PipelineOptions.builder().batchSize(2).threads(2).prefetch(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            try (BatchIterator<Batch> it = p.iterate(0)) {
                it.next().close();
            } // the tasks still assembling batches stop after their sample; close returns once they have
            assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
        }
    }
}
