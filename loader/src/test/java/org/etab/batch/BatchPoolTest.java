package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.etab.testing.NativeBytes;
import org.junit.jupiter.api.Test;

class BatchPoolTest {
    private static final TensorSpec X = new TensorSpec(DType.FLOAT32, 3, 4, 4);
    private static final TensorSpec Y = new TensorSpec(DType.FLOAT32, 1);

    @Test
    void aBatchWithinHalfTheNativeBudgetShrinksForLargeSamplesButNeverBelowOne() {
        long half = Pointer.maxBytes() / 2;
        TensorSpec label = new TensorSpec(DType.UINT8, 1);
        // a sample of a 15th of half the budget, minus its label byte: 3 buffers hold 5 samples each, within half
        TensorSpec fifteenth = new TensorSpec(DType.UINT8, (int) (half / 15 - 1));
        assertThat(BatchPool.batchWithinHalf(fifteenth, label, 3, 16)).isEqualTo(5);
        assertThat(BatchPool.batchWithinHalf(fifteenth, label, 3, 4)).isEqualTo(4); // the cap when it fits
        assertThat(BatchPool.batchWithinHalf(fifteenth, label, 16, 16)).isEqualTo(1); // none fits: one
        assertThat(BatchPool.batchWithinHalf(X, Y, 3, 16)).isEqualTo(16);
    }

    @Test
    void aTensorKeptPastItsBatchIsRefusedOnceTheBatchIsClosed() {
        try (BatchPool pool = new BatchPool(X, Y, 2, 2)) {
            Batch first = new Batch(0, List.of(), pool.acquire(), pool);
            HostTensor kept = first.features(); // a loop that keeps the tensor, not a copy, past its batch
            Sample one = new Sample(
                    new Batch(0, List.of(new SampleInfo("a", 0, 0, new int[] {0}, 1, false)), pool.acquire(), pool));
            HostTensor keptLabel = one.labels();
            first.close();
            one.close();
            // the memory is the pool's again, reused by the next batch (freed once the pipeline closes: read then,
            // a 4 MB tensor crashed the JVM with SIGSEGV): refused, not read
            assertThatThrownBy(() -> kept.slotFloats(0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("batch 0 is closed");
            assertThatThrownBy(kept::buffer).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(kept::pointer).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> keptLabel.slotBytes(0)).isInstanceOf(IllegalStateException.class);
            assertThat(kept.spec()).isEqualTo(X); // what it is stays readable
            try (Batch next = new Batch(1, List.of(), pool.acquire(), pool)) {
                next.features().buffer().putFloat(0, 7f); // the same memory, written through the open batch
                assertThat(next.features().slotFloats(0)[0]).isEqualTo(7f);
            }
        }
    }

    @Test
    void aSlotOutsideTheTensorIsRefusedEvenWhereItsByteOffsetWrapsAround() {
        TensorSpec mib4 = new TensorSpec(DType.FLOAT32, 1 << 20); // 4 MiB a slot
        try (BatchPool pool = new BatchPool(mib4, Y, 1, 1);
                Batch b = new Batch(0, List.of(), pool.acquire(), pool)) {
            b.features().buffer().putFloat(0, 5f);
            assertThat(b.features().slotFloats(0)[0]).isEqualTo(5f);
            // slot 1024 starts 2^32 bytes in: cast to int, that was slot 0's offset, read back as if it were asked
            assertThatThrownBy(() -> b.features().slotFloats(1024))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("slot 1024 outside the 1 slots");
            assertThatThrownBy(() -> b.features().slotBytes(1024)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.features().slotFloats(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void buffersAreAllocatedLazilyAndReused() {
        try (BatchPool pool = new BatchPool(X, Y, 5, 3)) {
            BatchPool.Buffers a = pool.acquire();
            assertThat(pool.allocated()).isEqualTo(1);
            assertThat(a.features().capacity()).isEqualTo(5);
            assertThat(a.features().buffer().capacity()).isEqualTo(5 * 3 * 4 * 4 * 4);
            pool.release(a);
            BatchPool.Buffers b = pool.acquire();
            assertThat(b).isSameAs(a);
            assertThat(pool.allocated()).isEqualTo(1);
            assertThat(pool.outstanding()).isEqualTo(1);
            pool.release(b);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void anAllocationThatFailsHalfWayGivesBackWhatItGot() {
        List<BytePointer> live = new ArrayList<>();
        HostAllocator labelsFail = new HostAllocator() {
            @Override
            public BytePointer allocate(long bytes) {
                if (!live.isEmpty()) { // the second tensor of the batch: the labels
                    throw new OutOfMemoryError("pinned memory exhausted");
                }
                BytePointer p = new BytePointer(bytes);
                live.add(p);
                return p;
            }

            @Override
            public void free(BytePointer memory) {
                assertThat(live.remove(memory)).isTrue();
                memory.deallocate();
            }
        };
        try (BatchPool pool = new BatchPool(X, Y, 2, 2, labelsFail, Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            assertThatThrownBy(pool::acquire).isInstanceOf(OutOfMemoryError.class);
            assertThat(live).isEmpty(); // the features' memory went back to its allocator (pinned memory would leak)
            assertThat(pool.allocated()).isZero();
        }
    }

    @Test
    void anExhaustedPoolWaitsThenFailsSayingWhy() {
        try (BatchPool pool =
                new BatchPool(X, Y, 2, 2, HostAllocator.NATIVE, Duration.ofMillis(20), Duration.ofMillis(60))) {
            pool.acquire();
            pool.acquire();
            assertThatThrownBy(pool::acquire)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("all 2 are held by the consumer")
                    .hasMessageContaining("Close each Batch");
            assertThat(pool.allocated()).isEqualTo(2);
        }
    }

    @Test
    void aWaitingAcquireGetsTheNextReleasedBuffer() throws Exception {
        try (BatchPool pool = new BatchPool(X, Y, 2, 1)) {
            BatchPool.Buffers first = pool.acquire();
            Thread releaser = new Thread(() -> {
                sleep(50);
                pool.release(first);
            });
            releaser.start();
            assertThat(pool.acquire()).isSameAs(first);
            releaser.join();
        }
    }

    @Test
    void closeFreesIdleBuffersNowAndOutstandingOnesOnRelease() {
        long before = NativeBytes.settled();
        BatchPool pool = new BatchPool(X, Y, 8, 4);
        List<BatchPool.Buffers> held = List.of(pool.acquire(), pool.acquire(), pool.acquire());
        pool.release(held.get(0));
        assertThat(Pointer.totalBytes() - before).isEqualTo(3 * 8 * (X.bytes() + Y.bytes()));
        pool.close();
        assertThat(pool.allocated()).isEqualTo(2);
        pool.release(held.get(1));
        pool.release(held.get(2));
        assertThat(pool.allocated()).isZero();
        assertThat(Pointer.totalBytes()).isEqualTo(before);
    }

    @Test
    void batchCloseIsIdempotentAndGuardsTheMemory() {
        try (BatchPool pool = new BatchPool(X, Y, 2, 2)) {
            Batch batch = new Batch(0, List.of(), pool.acquire(), pool);
            batch.close();
            batch.close();
            assertThat(pool.outstanding()).isZero();
            assertThatThrownBy(batch::features).hasMessageContaining("closed");
        }
    }

    @Test
    void aConsumerHoldingEveryBatchOpenGetsAnErrorWithinSecondsSayingSo() {
        // the pool as the pipeline makes it: warn every 30 s, time out after 10 min, the default grace
        try (BatchPool pool =
                new BatchPool(X, Y, 2, 3, HostAllocator.NATIVE, Duration.ofSeconds(30), Duration.ofMinutes(10))) {
            List<Batch> held = List.of(batch(pool, 4), batch(pool, 5), batch(pool, 6)); // never closed
            long t0 = System.nanoTime();
            assertThatThrownBy(pool::acquire)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(
                            "3 batches were assembled and not closed, held by the consumer or waiting for it "
                                    + "(batches 4, 5, 6)")
                    .hasMessageContaining("Close each Batch (each Sample of a sample stream) when done with it")
                    .hasMessageContaining("raise consumerHeld (PipelineOptions)");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isGreaterThanOrEqualTo(BatchPool.HELD_GRACE).isLessThan(Duration.ofSeconds(10));
            held.forEach(Batch::close);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void buffersStillInAssemblyAreNotTheConsumersFault() {
        try (BatchPool pool = new BatchPool(
                X,
                Y,
                2,
                2,
                HostAllocator.NATIVE,
                Duration.ofMillis(50),
                Duration.ofMillis(600),
                Duration.ofMillis(50),
                () -> true)) {
            Batch delivered = batch(pool, 0);
            pool.acquire(); // in assembly: a decode task may still hand it over or release it
            long t0 = System.nanoTime();
            assertThatThrownBy(pool::acquire)
                    .hasMessageContaining("within PT0.6S")
                    .hasMessageContaining("1 in batches not closed, 1 in assembly")
                    .hasMessageNotContaining("raise consumerHeld");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(600);
            delivered.close();
        }
    }

    @Test
    void aSlowConsumerThatClosesWithinTheGraceIsServed() {
        try (BatchPool pool = new BatchPool(
                X,
                Y,
                2,
                2,
                HostAllocator.NATIVE,
                Duration.ofMillis(50),
                Duration.ofSeconds(30),
                Duration.ofSeconds(2),
                () -> true)) {
            Batch first = batch(pool, 0);
            Batch second = batch(pool, 1);
            Thread closer = new Thread(() -> {
                sleep(300);
                first.close();
            });
            closer.start();
            pool.release(pool.acquire());
            second.close();
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void aConsumerBusyWithWhatItHoldsIsWaitedForPastTheGraceAndTheTimeout() {
        AtomicBoolean waiting = new AtomicBoolean(false);
        try (BatchPool pool = new BatchPool(
                X,
                Y,
                2,
                2,
                HostAllocator.NATIVE,
                Duration.ofMillis(50),
                Duration.ofMillis(300),
                Duration.ofMillis(100),
                waiting::get)) {
            Batch first = batch(pool, 0);
            Batch second = batch(pool, 1);
            // a training step of 700 ms: longer than the grace and the timeout, asking for nothing meanwhile
            Thread step = new Thread(() -> {
                sleep(700);
                first.close();
            });
            step.start();
            long t0 = System.nanoTime();
            pool.release(pool.acquire());
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(600);
            // once the consumer waits for a batch while holding every buffer, the grace runs again
            waiting.set(true);
            Batch third = batch(pool, 2);
            assertThatThrownBy(pool::acquire)
                    .hasMessageContaining("within 100 ms")
                    .hasMessageContaining(
                            "2 batches were assembled and not closed, held by the consumer or waiting for it "
                                    + "(batches 1, 2)");
            second.close();
            third.close();
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void thePoolKnowsWhereItsBuffersAre() {
        try (BatchPool pool = new BatchPool(X, Y, 2, 4)) {
            BatchPool.Buffers assembling = pool.acquire();
            Batch open = batch(pool, 0);
            Batch closed = batch(pool, 1);
            closed.close();
            assertThat(List.of(pool.allocated(), pool.outstanding(), pool.inAssembly(), pool.openBatches()))
                    .containsExactly(3, 2, 1, 1);
            pool.release(assembling);
            open.close();
            assertThat(List.of(pool.outstanding(), pool.inAssembly(), pool.openBatches()))
                    .containsExactly(0, 0, 0);
        }
    }

    /** A batch over a freshly acquired buffer, as the pipeline hands one out. */
    private static Batch batch(BatchPool pool, long index) {
        return new Batch(index, List.of(), pool.acquire(), pool);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPoolLargerThanTheNativeMemoryAllowedIsRefusedBeforeAnyAllocation() {
        TensorSpec clip = new TensorSpec(DType.FLOAT32, 3, 32, 112, 112);
        long before = NativeBytes.settled();
        assertThatThrownBy(() -> new BatchPool(clip, Y, 65_536, 1026))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a batch of 65536 samples of float32[3, 32, 112, 112] is ")
                .hasMessageContaining("the pool holds up to 1026 batches")
                .hasMessageContaining("lower the batch size");
        assertThatThrownBy(() -> BatchPool.checkSize(clip, Y, Integer.MAX_VALUE, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 2^63 bytes");
        assertThat(Pointer.totalBytes()).isEqualTo(before);
    }

    /** The label bytes count too: a pool of large labels gets small batches like one of large features. */
    @Test
    void aBatchWithinHalfCountsTheLabelsAsWellAsTheFeatures() {
        long half = Pointer.maxBytes() / 2;
        org.junit.jupiter.api.Assumptions.assumeTrue(half > 0, "JavaCPP has no native memory limit here");
        // features and labels each a 20th of half the budget: a sample is a 10th, 2 buffers hold 5 samples each
        TensorSpec twentieth = new TensorSpec(DType.UINT8, (int) (half / 20));
        assertThat(BatchPool.batchWithinHalf(twentieth, twentieth, 2, 16)).isEqualTo(5);
        assertThat(BatchPool.batchWithinHalf(twentieth, Y, 2, 16)).isEqualTo(9);
    }

    @Test
    void aBatchKnowsItsPlaceTheSamplesItHoldsAndTheirEpoch() {
        try (BatchPool pool = new BatchPool(X, Y, 4, 1)) {
            assertThat(pool.batchSize()).isEqualTo(4);
            assertThat(pool.featureSpec()).isEqualTo(X);
            assertThat(pool.labelSpec()).isEqualTo(Y);
            List<SampleInfo> infos =
                    List.of(new SampleInfo("a", 3, 10, new int[] {0}, 1), new SampleInfo("b", 3, 11, new int[] {0}, 1));
            try (Batch batch = new Batch(5, infos, pool.acquire(), pool, 12)) {
                assertThat(batch.index()).isEqualTo(5);
                assertThat(batch.size()).isEqualTo(2);
                assertThat(batch.capacity()).isEqualTo(4);
                assertThat(batch.epoch()).isEqualTo(3);
                assertThat(batch.nextPosition()).isEqualTo(12);
                assertThat(batch.samples()).isEqualTo(infos);
            }
            try (Batch empty = new Batch(6, List.of(), pool.acquire(), pool)) {
                assertThat(empty.epoch()).isEqualTo(-1);
                assertThat(empty.nextPosition()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aClosedBatchRefusesItsLabelsToo() {
        try (BatchPool pool = new BatchPool(X, Y, 2, 1)) {
            Batch batch = new Batch(0, List.of(), pool.acquire(), pool);
            batch.close();
            assertThatThrownBy(batch::labels)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("batch 0 is closed; its memory is back in the pool");
        }
    }
}
