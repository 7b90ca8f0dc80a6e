package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;

/** {@link Pipeline}'s public methods check their arguments where they enter, with nothing changed when they fail. */
class PipelineArgumentsTest {
    private static Pipeline pipeline() {
        SampleOptions small = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(2)
                .frameSize(8, 8)
                .build();
        return new Pipeline(
                new EchoNetSource(PipelineFixtures.records(), small),
                PipelineOptions.builder().batchSize(5).threads(2).dropLast(true).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
    }

    @Test
    void aNullStreamLeavesTheOpenIterationOpen() {
        try (Pipeline p = pipeline();
                BatchIterator<Batch> open = p.iterate(0)) {
            // it used to close the open iteration first, then fail on the null stream
            assertThatThrownBy(() -> p.iterate((reactor.core.publisher.Flux<Batch>) null, 1))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("stream");
            assertThat(open.isClosed()).isFalse();
            int samples = 0;
            while (open.hasNext()) {
                try (Batch b = open.next()) {
                    samples += b.size();
                }
            }
            assertThat(samples).isEqualTo(10);
        }
    }

    @Test
    void aNullFailureListenerIsRefusedWhereItIsSet() {
        try (Pipeline p = pipeline()) {
            assertThatThrownBy(() -> p.onFailure(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("listener");
        }
    }

    @Test
    void aScheduleForABatchBelowOneIsRefused() {
        try (Pipeline p = pipeline()) {
            // drop-last used to cut nothing for batch 0 or -1, so the schedule had all 12 samples
            assertThatThrownBy(() -> p.schedule(0, 0, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batchSize >= 1 required but was 0");
            assertThatThrownBy(() -> p.schedule(0, 0, -1)).hasMessage("batchSize >= 1 required but was -1");
            assertThat(p.schedule(0, 0, 5)).hasSize(10);
            assertThat(p.schedule(0, 0, 1)).hasSize(12);
        }
    }
}
