package org.etab.pipeline;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.etab.batch.BatchPool;
import org.etab.batch.TensorSpec;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.source.SamplePlan;
import org.etab.source.SampleSource;
import org.etab.source.SampleWorker;

/**
 * The EchoNet phantom, decoded for real, whose samples after the first {@code fast} then linger for
 * {@code lingerMillis} on the decode thread, deaf to interrupts and cancels as a native decode is: a task that a close
 * cannot stop at once, and whose buffer comes back only when it ends.
 */
final class LingeringSource implements SampleSource {
    private final SampleSource real;
    private final int fast;
    private final long lingerMillis;
    private final AtomicInteger loads = new AtomicInteger();
    /** Counted down when a sample starts to linger. */
    final CountDownLatch lingering = new CountDownLatch(1);
    /** Counted down when a lingering sample sees the interrupt of a closing pipeline. */
    final CountDownLatch interrupted = new CountDownLatch(1);

    LingeringSource(int fast, long lingerMillis) {
        this.real = new EchoNetSource(PipelineFixtures.records(), PipelineFixtures.w1(3, true));
        this.fast = fast;
        this.lingerMillis = lingerMillis;
    }

    @Override
    public String dataset() {
        return real.dataset();
    }

    @Override
    public TensorSpec features() {
        return real.features();
    }

    @Override
    public TensorSpec labels() {
        return real.labels();
    }

    @Override
    public List<SamplePlan> plan(int epoch) {
        return real.plan(epoch);
    }

    @Override
    public SampleWorker newWorker() {
        SampleWorker worker = real.newWorker();
        return new SampleWorker() {
            @Override
            public LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos) {
                LoadStats stats = worker.load(plan, buffers, slot, deadlineNanos);
                if (loads.incrementAndGet() > fast) {
                    lingering.countDown();
                    long end = System.nanoTime() + lingerMillis * 1_000_000L;
                    while (System.nanoTime() < end) {
                        if (Thread.interrupted()) {
                            interrupted.countDown();
                        }
                        Thread.onSpinWait();
                    }
                }
                return stats;
            }

            @Override
            public void close() {
                worker.close();
            }
        };
    }
}
