package org.etab.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.etab.batch.DType;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;

/** Shared set-up for the pipeline tests: the phantom's records and typical options. */
public final class PipelineFixtures {
    private PipelineFixtures() {}

    public static List<EchoNetRecord> records() {
        return EchoNetReader.read(PhantomDatasets.echonet()).select("all");
    }

    /** W1-style options: EF, 32 frames at 25 fps, random start, RGB 112x112 normalized. */
    public static SampleOptions w1(long seed, boolean shuffle) {
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
                .seed(seed)
                .shuffle(shuffle)
                .build();
    }

    public static PipelineOptions options(int batch, int threads) {
        return PipelineOptions.builder().batchSize(batch).threads(threads).build();
    }

    /** A private copy of the phantom that a test may damage. */
    public static Path copyOfPhantom(Path into) {
        try {
            return Trees.copy(PhantomDatasets.echonet(), into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
