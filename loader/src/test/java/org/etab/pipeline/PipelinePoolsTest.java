package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.BytePointer;
import org.etab.batch.BatchPool;
import org.etab.batch.HostAllocator;
import org.junit.jupiter.api.Test;

class PipelinePoolsTest {
    private final FakeSource source = new FakeSource(10);
    private final AtomicInteger live = new AtomicInteger();
    /** Native memory, counted: what the pools allocate and free goes through it. */
    private final HostAllocator counting = new HostAllocator() {
        @Override
        public BytePointer allocate(long bytes) {
            live.incrementAndGet();
            return HostAllocator.NATIVE.allocate(bytes);
        }

        @Override
        public void free(BytePointer memory) {
            live.decrementAndGet();
            HostAllocator.NATIVE.free(memory);
        }
    };

    @Test
    void eachPoolIsMadeOnFirstUseAndSizedFromTheOptions() {
        PipelineOptions o = PipelineOptions.builder()
                .batchSize(5)
                .threads(3)
                .prefetch(1)
                .consumerHeld(2)
                .build();
        try (PipelinePools pools = new PipelinePools(source, o, counting, () -> true)) {
            assertThat(pools.batchPool()).isNull();
            assertThat(pools.samplePool()).isNull();

            BatchPool batches = pools.forBatches();
            assertThat(batches.batchSize()).isEqualTo(5);
            assertThat(batches.maxBuffers()).isEqualTo(4 + 2); // batchesAhead + consumerHeld
            assertThat(pools.forBatches()).isSameAs(batches).isSameAs(pools.batchPool());
            assertThat(pools.samplePool()).isNull();

            BatchPool samples = pools.forSamples();
            assertThat(samples.batchSize()).isEqualTo(1);
            assertThat(samples.maxBuffers()).isEqualTo(2 * 3 + 1 + 2); // 2 x threads + prefetch, + consumerHeld
            assertThat(pools.forSamples()).isSameAs(samples).isSameAs(pools.samplePool());
            assertThat(live.get()).isZero(); // pools allocate lazily too
        }
    }

    @Test
    void theCountsSumBothPoolsAndCloseFreesWhatIsIdle() {
        PipelineOptions o = PipelineOptions.builder().batchSize(2).threads(1).build();
        PipelinePools pools = new PipelinePools(source, o, counting, () -> true);
        assertThat(pools.allocated()).isZero();
        assertThat(pools.outstanding()).isZero();

        BatchPool.Buffers batch = pools.forBatches().acquire();
        BatchPool.Buffers sample = pools.forSamples().acquire();
        BatchPool.Buffers another = pools.forSamples().acquire();
        pools.forSamples().release(another);
        assertThat(pools.allocated()).isEqualTo(3);
        assertThat(pools.outstanding()).isEqualTo(2);
        assertThat(live.get()).isEqualTo(6); // features and labels per buffer

        pools.close();
        assertThat(pools.allocated()).isEqualTo(2); // the idle one is freed, the held ones still live
        pools.forBatches().release(batch);
        pools.forSamples().release(sample);
        assertThat(pools.allocated()).isZero();
        assertThat(pools.outstanding()).isZero();
        assertThat(live.get()).isZero();
        pools.close(); // idempotent
    }

    @Test
    void threadsAskingAtOnceGetOnePoolOfEachKind() throws Exception {
        PipelineOptions o = PipelineOptions.builder().threads(2).build();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                try (PipelinePools pools = new PipelinePools(source, o, counting, () -> true)) {
                    Callable<BatchPool> batches = pools::forBatches;
                    Callable<BatchPool> samples = pools::forSamples;
                    List<Callable<BatchPool>> asks = IntStream.range(0, 8)
                            .mapToObj(i -> i % 2 == 0 ? batches : samples)
                            .toList();
                    List<Future<BatchPool>> got = threads.invokeAll(asks);
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.get(i).get()).isSameAs(i % 2 == 0 ? pools.batchPool() : pools.samplePool());
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
