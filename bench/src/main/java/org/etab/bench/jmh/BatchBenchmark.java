package org.etab.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.bench.Workloads;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole W1 batch collation through the real {@link Pipeline}: one invocation streams epoch 0 of the
 * phantom's TRAIN split ({@value #SAMPLES} clips, i.e. {@value #BATCHES} batches of {@value #BATCH}) with
 * {@code Pipeline.batches(0)}, the benchmark thread consuming each batch and closing it, as a training loop
 * (and {@code etab bench}) does. W1 sample options: EF target, 32-frame clips at 25 fps from random starts
 * (seeded, so every invocation decodes the same clips), RGB 112x112 ImageNet-normalized float32; ordered,
 * prefetch 2.
 *
 * <p>Score: samples (clips) per second, end to end, with 1 and 2 decode threads. An epoch of 4 batches starts
 * and drains the pipeline once per invocation, as {@code etab bench} does once per 150-clip epoch.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class BatchBenchmark {
    static final int BATCH = 20;
    static final int BATCHES = 4;
    static final int SAMPLES = BATCH * BATCHES;
    /** 107 phantom videos: 80 of them in TRAIN (the phantom's split is 75 % / 12.5 % / 12.5 %). */
    static final int VIDEOS = 107;

    static final long SEED = 42;

    @Param({"1", "2"})
    public int threads;

    PhantomFixture phantom;
    Pipeline pipeline;

    @Setup(Level.Trial)
    public void setUp() {
        phantom = PhantomFixture.write(VIDEOS, SEED);
        List<EchoNetRecord> train = phantom.index().select("train");
        if (train.size() < SAMPLES) {
            phantom.close();
            throw new IllegalStateException(
                    "phantom TRAIN split has " + train.size() + " videos, fewer than " + SAMPLES);
        }
        SampleOptions w1 = Workloads.w1().build();
        PipelineOptions options = PipelineOptions.builder()
                .batchSize(BATCH)
                .threads(threads)
                .onError(ErrorPolicy.FAIL)
                .limit(SAMPLES)
                .build();
        pipeline = new Pipeline(new EchoNetSource(train, w1), options, new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (phantom != null) {
            phantom.close();
        }
    }

    /** One epoch of {@value #SAMPLES} W1 clips; returns a checksum of the first value of each batch. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public double epoch() {
        int delivered = 0;
        double checksum = 0;
        for (Batch batch : pipeline.consume(pipeline.batches(0))) {
            try (batch) {
                delivered += batch.size();
                checksum += batch.features().buffer().getFloat(0)
                        + batch.labels().buffer().getFloat(0);
            }
        }
        if (delivered != SAMPLES) {
            throw new IllegalStateException("an epoch delivered " + delivered + " samples, not " + SAMPLES
                    + " (failures: " + pipeline.account().failures() + ")");
        }
        return checksum;
    }
}
