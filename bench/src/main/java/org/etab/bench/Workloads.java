package org.etab.bench;

import org.etab.batch.DType;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;

/** The workloads of docs/performance.md, defined once for the demo, the GPU check and the JMH benchmarks. */
public final class Workloads {
    private Workloads() {}

    /**
     * {@return W1's sample options as a builder, for a caller to change one: EF target, 32-frame clips at 25 fps
     * from random starts, padded, RGB 112x112, ImageNet-normalized float32, seed 42, a fresh order each epoch}
     */
    public static SampleOptions.Builder w1() {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(32)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.RANDOM)
                .frameSize(112, 112)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(42)
                .shuffle(true);
    }
}
