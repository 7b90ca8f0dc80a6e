package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;

class UndeliveredTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final PipelineMetrics metrics = new PipelineMetrics(registry, "fake", "1", () -> 0, () -> 0);

    private static Batch batch(BatchPool pool, long index) {
        return new Batch(
                index, List.of(new SampleInfo("s" + index, 0, index, new int[] {0}, 1, false)), pool.acquire(), pool);
    }

    private double ready() {
        return registry.get("etab.batches.ready").gauge().value();
    }

    @Test
    void closeAllClosesWhatWasNotDeliveredAndRefusesLaterBatches() {
        try (BatchPool pool = new BatchPool(new TensorSpec(DType.UINT8, 4), new TensorSpec(DType.FLOAT32, 1), 2, 4)) {
            Undelivered u = new Undelivered(metrics);
            Batch delivered = batch(pool, 0);
            Batch left = batch(pool, 1);
            assertThat(u.add(delivered)).isTrue();
            assertThat(u.add(left)).isTrue();
            assertThat(ready()).isEqualTo(2);
            u.remove(delivered);
            assertThat(ready()).isEqualTo(1);
            u.remove(delivered); // once only
            assertThat(ready()).isEqualTo(1);

            u.closeAll();
            assertThat(left.isClosed()).isTrue();
            assertThat(delivered.isClosed()).isFalse(); // the consumer's now
            assertThat(ready()).isZero();
            assertThat(pool.outstanding()).isEqualTo(1);

            Batch late = batch(pool, 2);
            assertThat(u.add(late)).isFalse(); // its maker closes it
            late.close();
            u.closeAll(); // idempotent
            delivered.close();
            assertThat(pool.outstanding()).isZero();
            assertThat(ready()).isZero();
        }
    }

    @Test
    void awaitTasksReturnsWhenTheLastTaskEndsOrAfterTheLimit() throws Exception {
        Undelivered u = new Undelivered(metrics);
        assertThat(u.awaitTasks(Duration.ZERO)).isTrue();
        u.taskStarted();
        u.taskStarted();
        assertThat(u.tasks()).isEqualTo(2);
        assertThat(u.awaitTasks(Duration.ofMillis(50))).isFalse();
        u.taskEnded();
        Thread ender = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            u.taskEnded();
        });
        long t0 = System.nanoTime();
        ender.start();
        assertThat(u.awaitTasks(Duration.ofSeconds(10))).isTrue();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(90_000_000L);
        assertThat(u.tasks()).isZero();
        ender.join();
    }
}
