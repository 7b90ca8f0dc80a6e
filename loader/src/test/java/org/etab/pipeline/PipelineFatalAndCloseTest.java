package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An {@link Error} from a worker, and a close while tasks wait or decode: what the consumer and the account see. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineFatalAndCloseTest {
    private static Pipeline pipeline(FakeSource source, PipelineOptions options) {
        return new Pipeline(source, options, new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    @Test
    void anErrorFromAWorkerIsReportedThenEndsTheLoopAsItselfUnderSkip() {
        FakeSource source = new FakeSource(6);
        source.load = (plan, slot, deadline) -> {
            if (plan.record() == 3) {
                throw new AssertionError("invariant broken in sample " + plan.id());
            }
            return FakeSource.ONE_FRAME;
        };
        List<SampleFailure> heard = new CopyOnWriteArrayList<>();
        Throwable thrown = null;
        int delivered = 0;
        try (Pipeline p = pipeline(
                source, PipelineOptions.builder().batchSize(2).threads(1).build())) {
            p.onFailure(heard::add);
            try (BatchIterator<Batch> it = p.iterate(0)) {
                while (it.hasNext()) {
                    try (Batch b = it.next()) {
                        delivered += b.size();
                    }
                }
            } catch (Throwable t) {
                thrown = t;
            }
            assertThat(p.account().failures()).isEqualTo(heard);
        }
        // not wrapped by Reactor, and not swallowed by the skip policy
        assertThat(thrown).isInstanceOf(AssertionError.class).hasMessage("invariant broken in sample 0/3");
        assertThat(delivered).isEqualTo(2); // the batch before it; the rest of the epoch is not made
        assertThat(heard).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("0/3");
            assertThat(f.stage()).isEqualTo(Stage.INTERNAL);
            assertThat(f.reason()).contains("AssertionError", "invariant broken");
        });
    }

    @Test
    void closingWhileTasksWaitForBuffersEndsTheStreamWithPipelineIsClosed() throws Exception {
        FakeSource source = new FakeSource(40);
        Pipeline p = pipeline(
                source,
                PipelineOptions.builder().batchSize(2).threads(2).prefetch(0).build());
        List<Batch> held = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        CountDownLatch poolHeld =
                new CountDownLatch(p.options().batchesAhead() + p.options().consumerHeld());
        p.batches(0)
                .subscribe(
                        b -> {
                            held.add(b);
                            poolHeld.countDown();
                        },
                        e -> {
                            error.set(e);
                            ended.countDown();
                        },
                        ended::countDown);
        assertThat(poolHeld.await(10, TimeUnit.SECONDS)).isTrue(); // every buffer held: the tasks wait in acquire
        Thread.sleep(200);
        p.close();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        held.forEach(Batch::close);
        assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessage("pipeline is closed");
        assertThat(p.account().failures()).isEmpty();
    }

    @Test
    void aSampleThatAnInterruptingCloseStopsIsNotCountedAsFailed() throws Exception {
        FakeSource source = new FakeSource(8);
        CountDownLatch inSample = new CountDownLatch(1);
        // a decoder that turns an interrupt into a sample failure, as FFmpeg's interrupt callback does
        source.load = (plan, slot, deadline) -> {
            if (plan.record() == 2) {
                inSample.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    throw new SampleException(Stage.DECODE, plan.file() + ": interrupted");
                }
            }
            return FakeSource.ONE_FRAME;
        };
        Pipeline p = pipeline(
                source, PipelineOptions.builder().batchSize(4).threads(1).build());
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        p.batches(0)
                .subscribe(
                        Batch::close,
                        e -> {
                            error.set(e);
                            ended.countDown();
                        },
                        ended::countDown);
        assertThat(inSample.await(10, TimeUnit.SECONDS)).isTrue();
        p.close();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(error.get()).hasMessage("pipeline is closed");
        assertThat(p.account().failures()).isEmpty();
    }

    @Test
    void anInterruptedCallerClosesAllTheSameAndKeepsItsInterrupt() throws Exception {
        // a task mid-sample that does not stop at an interrupt, as native decoding does not
        FakeSource source = new FakeSource(20);
        CountDownLatch inSample = new CountDownLatch(1);
        source.load = (plan, slot, deadline) -> {
            if (plan.record() == 7) {
                inSample.countDown();
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
            return FakeSource.ONE_FRAME;
        };
        Pipeline p = pipeline(
                source, PipelineOptions.builder().batchSize(2).threads(2).build());
        p.batches(0).subscribe(Batch::close, e -> {});
        assertThat(inSample.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.currentThread().interrupt(); // a training thread cancelled: its try-with-resources closes the pipeline
        try {
            p.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(p.batchPool().allocated()).isZero();
        assertThat(source.workersClosed.get()).isPositive();
        assertThat(p.workersCreated()).isZero(); // every worker closed and let go
    }

    @Test
    void aCloseOnAnotherThreadDuringTheFirstReturnsOnlyOnceEverythingIsFreed() throws Exception {
        // a training thread's try-with-resources and a shutdown hook close the same pipeline: each caller may free
        // what the pipeline was given (the opened dataset) once its close returns
        LingeringSource source = new LingeringSource(4, 1500);
        Pipeline p = new Pipeline(
                source,
                PipelineOptions.builder().batchSize(2).threads(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE);
        p.batches(0).subscribe(Batch::close, e -> {});
        assertThat(source.lingering.await(30, TimeUnit.SECONDS)).isTrue();
        Thread first = new Thread(p::close, "first-close");
        first.start();
        assertThat(source.interrupted.await(30, TimeUnit.SECONDS))
                .as("the first close under way")
                .isTrue();
        p.close();
        assertThat(p.batchPool().allocated())
                .as("buffers still allocated when the second close returned")
                .isZero();
        assertThat(p.workersCreated()).as("workers not yet closed").isZero();
        first.join(30_000);
        assertThat(first.isAlive()).isFalse();
    }
}
