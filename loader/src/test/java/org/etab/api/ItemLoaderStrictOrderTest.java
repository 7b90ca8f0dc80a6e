package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Strict loading with several decode threads: the sample named is the first failure in load order even when a later
 * batch's thread fails first and the stream's cancel cuts the earlier batch short before its bad sample.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ItemLoaderStrictOrderTest {
    private static final int SIZE = 3 * ItemLoader.BATCH;
    /** A bad sample of the first batch, after the slow one. */
    private static final int EARLY_BAD = 3;
    /** A bad sample of the second batch, which another thread loads. */
    private static final int LATE_BAD = ItemLoader.BATCH + 1;

    @Test
    void theFirstFailureInLoadOrderIsNamedWhenALaterBatchFailsFirst() {
        Thread loader = Thread.currentThread();
        CountDownLatch lateFailing = new CountDownLatch(1);
        AtomicBoolean slowOnce = new AtomicBoolean(true);
        SampleWorker.LoadStats one = new SampleWorker.LoadStats(1, 1, 0);
        FixedSource source = new FixedSource(plan -> {
            int at = (int) plan.position();
            if (at == EARLY_BAD - 1 && slowOnce.getAndSet(false)) {
                // the first batch's thread is mid-sample until the later batch has failed and the stream's iteration
                // is closing (waiting for this task): the cancel is then set, so this task stops before EARLY_BAD
                await(lateFailing);
                awaitIterationClosing(loader);
            }
            if (at == LATE_BAD) {
                lateFailing.countDown();
            }
            if (at == EARLY_BAD || at == LATE_BAD) {
                throw new SampleException(Stage.DECODE, "bad " + at);
            }
            return one;
        });
        try (OpenedDataset opened = new OpenedDataset(source, List.of(), SIZE)) {
            ItemLoader items = new ItemLoader(opened, 2, true);
            assertThatThrownBy(() -> items.load(SIZE))
                    .isInstanceOf(SampleException.class)
                    .hasMessageContaining("sample s" + EARLY_BAD + " failed");
            assertThat(items.failures()).extracting(SampleFailure::id).first().isEqualTo("s" + EARLY_BAD);
            assertThat(items.items()).isEmpty(); // its batch (0..15) is not delivered, as with one thread
        }
    }

    @Test
    void theBatchesBeforeTheFailingOneAreKeptWhenTheirLoadWasCutShort() {
        Thread loader = Thread.currentThread();
        CountDownLatch lateFailing = new CountDownLatch(1);
        AtomicBoolean slowOnce = new AtomicBoolean(true);
        SampleWorker.LoadStats one = new SampleWorker.LoadStats(1, 1, 0);
        FixedSource source = new FixedSource(plan -> {
            int at = (int) plan.position();
            if (at == EARLY_BAD - 1 && slowOnce.getAndSet(false)) {
                await(lateFailing); // the first batch, cut short by the second's failure
                awaitIterationClosing(loader);
            }
            if (at == LATE_BAD) {
                lateFailing.countDown();
                throw new SampleException(Stage.DECODE, "bad " + at);
            }
            return one;
        });
        try (OpenedDataset opened = new OpenedDataset(source, List.of(), SIZE)) {
            ItemLoader items = new ItemLoader(opened, 2, true);
            assertThatThrownBy(() -> items.load(SIZE)).hasMessageContaining("sample s" + LATE_BAD + " failed");
            // as with one thread: the whole first batch, tried again, and nothing of the failing one
            assertThat(items.items())
                    .extracting(Item::id)
                    .hasSize(ItemLoader.BATCH)
                    .startsWith("s0", "s1", "s2");
            assertThat(items.failures()).extracting(SampleFailure::id).containsExactly("s" + LATE_BAD);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bounded: until the loading thread waits for this batch task in the iteration's close. */
    private static void awaitIterationClosing(Thread loader) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end
                && Arrays.stream(loader.getStackTrace())
                        .noneMatch(f -> f.getMethodName().equals("awaitTasks"))) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What a worker does with a plan. */
    private interface Load {
        SampleWorker.LoadStats load(SamplePlan plan);
    }

    /** {@link #SIZE} plans "s0", "s1", ... in order; each worker does what {@link Load} says. */
    private record FixedSource(Load load) implements SampleSource {
        @Override
        public String dataset() {
            return "fixed";
        }

        @Override
        public TensorSpec features() {
            return new TensorSpec(DType.UINT8, 1);
        }

        @Override
        public TensorSpec labels() {
            return new TensorSpec(DType.FLOAT32, 1);
        }

        @Override
        public List<SamplePlan> plan(int epoch) {
            List<SamplePlan> plans = new ArrayList<>();
            for (int i = 0; i < SIZE; i++) {
                plans.add(new SamplePlan(i, i, "s" + i, "s" + i + ".avi", new int[] {0}, null));
            }
            return plans;
        }

        @Override
        public SampleWorker newWorker() {
            return new SampleWorker() {
                @Override
                public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
                    return load.load(plan);
                }

                @Override
                public void close() {}
            };
        }
    }
}
