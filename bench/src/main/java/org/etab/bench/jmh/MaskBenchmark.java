package org.etab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.LvMask;
import org.etab.datasets.echonet.Tracing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LvMask#rasterize} of a realistic EchoNet tracing (the end-diastolic one of a phantom video, read through
 * {@code EchoNetReader} from its {@code VolumeTracings.csv}: 21 rows, i.e. a 40-vertex polygon) into a 112x112
 * mask, as the LV_seg target does per sample.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MaskBenchmark {
    static final int SIZE = 112;

    Tracing tracing;
    byte[] mask;

    @Setup(Level.Trial)
    public void setUp() {
        // only the CSV is needed: read it, then delete the phantom
        try (PhantomFixture phantom = PhantomFixture.write(1, 42)) {
            EchoNetRecord r = phantom.index().records().get(0);
            tracing = r.ed();
            if (r.frameHeight() != SIZE || r.frameWidth() != SIZE) {
                throw new IllegalStateException("phantom video is " + r.frameHeight() + "x" + r.frameWidth());
            }
        }
        mask = new byte[SIZE * SIZE];
    }

    @Benchmark
    public byte[] rasterize() {
        LvMask.rasterize(tracing, SIZE, SIZE, mask);
        return mask;
    }
}
