package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DL4J training on a set with one corrupt video (the phantom's first, its bytes zeroed): under skip the epoch goes on
 * without it and the pipeline's account names it; under fail {@code fit} stops with the pipeline's exception naming
 * it, and nothing pooled stays out.
 */
class EtabDataSetIteratorFaultsTest {

    private static Pipeline stills(Path root, ErrorPolicy onError) {
        List<EchoNetRecord> records = EchoNetReader.read(root).select("all");
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .video(false)
                .frameSize(32, 32)
                .channels(1)
                .normalize(false)
                .seed(7)
                .shuffle(true)
                .build();
        return new Pipeline(
                new EchoNetSource(records, o),
                PipelineOptions.builder()
                        .batchSize(EtabDataSetIteratorTest.BATCH)
                        .threads(2)
                        .onError(onError)
                        .build());
    }

    @Test
    void underSkipFitTrainsOnTheOtherVideosAndTheAccountNamesTheCorruptOne(@TempDir Path tmp) throws Exception {
        String bad = PhantomDatasets.echonetWithACorruptVideo(tmp);
        try (Pipeline p = stills(tmp, ErrorPolicy.SKIP);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            MultiLayerNetwork net = Dl4jFitTest.tinyNetwork();
            net.fit(it, 2);
            assertThat(net.getIterationCount()).isEqualTo(6); // 3 batches an epoch, one of them a sample short
            assertThat(net.score()).isFinite();
            assertThat(p.account().delivered()).isEqualTo(2L * (PhantomDatasets.ECHONET_VIDEOS - 1));
            assertThat(p.account().failures())
                    .hasSize(2)
                    .extracting(SampleFailure::id)
                    .containsOnly(bad);
            EtabDataSetIteratorTest.awaitNoOutstanding(p);
        }
    }

    @Test
    void anEpochStoppedByAFailureBeforeItsFirstBatchIsLeftByReset(@TempDir Path tmp) throws Exception {
        String bad = PhantomDatasets.echonetWithACorruptVideo(tmp);
        try (Pipeline p = stills(tmp, ErrorPolicy.FAIL);
                EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
            int epoch = firstEpochStartingWith(p, bad);
            it.setEpoch(epoch);
            assertThatThrownBy(it::hasNext).isInstanceOf(SampleException.class);
            it.reset(); // the epoch is over (hasNext() now says so), as one without any batch is: not replayed
            assertThat(it.epoch()).isEqualTo(epoch + 1);
            EtabDataSetIteratorTest.awaitNoOutstanding(p);
        }
    }

    /** The first epoch whose first planned sample is {@code id}: its first batch fails under the fail policy. */
    private static int firstEpochStartingWith(Pipeline p, String id) {
        for (int e = 0; ; e++) {
            if (p.schedule(e, 0, EtabDataSetIteratorTest.BATCH)
                    .get(0)
                    .plan()
                    .id()
                    .equals(id)) {
                return e;
            }
        }
    }

    @Test
    void underFailFitStopsWithTheSampleExceptionNamingTheVideoAndNothingStaysOut(@TempDir Path tmp) throws Exception {
        String bad = PhantomDatasets.echonetWithACorruptVideo(tmp);
        for (EtabDataSetIterator.Ownership ownership : EtabDataSetIterator.Ownership.values()) {
            try (Pipeline p = stills(tmp, ErrorPolicy.FAIL);
                    EtabDataSetIterator it =
                            EtabDataSetIterator.builder(p).ownership(ownership).build()) {
                MultiLayerNetwork net = Dl4jFitTest.tinyNetwork();
                assertThatThrownBy(() -> net.fit(it, 2))
                        .as("%s", ownership)
                        .isInstanceOf(SampleException.class)
                        .hasMessageContaining("sample " + bad + " failed")
                        .hasMessageContaining("error policy is fail");
                assertThat(it.hasNext()).as("the failed epoch is over").isFalse();
                it.reset(); // a VIEW's last batch goes back too
                assertThat(it.epoch()).isEqualTo(1);
                EtabDataSetIteratorTest.awaitNoOutstanding(p);
            }
        }
    }
}
