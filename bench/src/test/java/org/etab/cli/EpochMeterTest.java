package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * When {@code --per-epoch} closes an epoch's line: once its own last batch has been taken, so no epoch is charged
 * for another's.
 */
class EpochMeterTest {

    @Test
    void anEpochsLineIsPrintedAtItsLastBatchNotAtTheNextEpochsFirst() {
        List<String> lines = printed(() -> {
            EpochMeter meter = new EpochMeter(3, new long[] {10, 10});
            meter.seen(3, 4);
            meter.seen(3, 4);
            meter.seen(3, 2); // epoch 3 complete: its line now
            meter.seen(4, 4);
            meter.seen(4, 4);
            meter.seen(4, 2);
            meter.finish(); // nothing open any more
        });
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("EPOCH 3 clips=10 ");
        assertThat(lines.get(1)).startsWith("EPOCH 4 clips=10 ");
    }

    @Test
    void anEpochMissingSamplesClosesAtTheNextEpochOrAtTheEnd() {
        List<String> lines = printed(() -> {
            EpochMeter meter = new EpochMeter(0, new long[] {10, 10});
            meter.seen(0, 4);
            meter.seen(0, 4); // two samples of epoch 0 failed: 8 of 10
            meter.seen(1, 4);
            meter.seen(1, 3);
            meter.finish();
        });
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("EPOCH 0 clips=8 ");
        assertThat(lines.get(1)).startsWith("EPOCH 1 clips=7 ");
    }

    @Test
    void theLineComesBeforeTheNextEpochStarts() {
        printed(soFar -> {
            EpochMeter meter = new EpochMeter(0, new long[] {6, 6});
            meter.seen(0, 4);
            assertThat(soFar.get()).isEmpty();
            meter.seen(0, 2);
            assertThat(soFar.get()).singleElement().asString().startsWith("EPOCH 0 clips=6 ");
        });
    }

    @Test
    void aResumedRunsEpochsCountFromItsFirstEpoch() {
        printed(soFar -> {
            EpochMeter meter =
                    new EpochMeter(2, new long[] {3, 5}); // --start-epoch 2: epoch 2 plans 3, epoch 3 plans 5
            meter.seen(2, 3);
            assertThat(soFar.get()).singleElement().asString().startsWith("EPOCH 2 clips=3 ");
            meter.seen(3, 4);
            assertThat(soFar.get()).hasSize(1);
            meter.seen(3, 1);
            assertThat(soFar.get().get(1)).startsWith("EPOCH 3 clips=5 ");
        });
    }

    @Test
    void theFirstEpochsClockStartsAtStartNotWhenTheMeterIsMade() {
        long[] now = {0};
        List<String> lines = printed(() -> {
            EpochMeter meter = new EpochMeter(0, new long[] {10, 10}, () -> now[0]);
            now[0] += 5_000_000_000L; // whatever happens between making the meter and the run (loading its beans)
            meter.start();
            now[0] += 1_000_000_000L;
            meter.seen(0, 10);
            now[0] += 2_000_000_000L;
            meter.seen(1, 10);
        });
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("EPOCH 0 clips=10 clips_per_s=10.0 ");
        assertThat(lines.get(1)).startsWith("EPOCH 1 clips=10 clips_per_s=5.0 ");
    }

    @Test
    void aFirstEpochWithNothingLeftGetsNoLineAndTheNextEpochIsTimedFromTheStart() {
        // a resume saved at the end of epoch 0: epoch 0 plans 0 samples, epoch 1 makes the stream's first batch
        long[] now = {0};
        List<String> lines = printed(() -> {
            EpochMeter meter = new EpochMeter(0, new long[] {0, 10}, () -> now[0]);
            meter.start();
            now[0] += 1_000_000_000L; // epoch 1's first batch
            meter.seen(1, 5);
            now[0] += 1_000_000_000L;
            meter.seen(1, 5);
            meter.finish();
        });
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("EPOCH 1 clips=10 clips_per_s=5.0 ");
    }

    @Test
    void aRunWithNothingLeftPrintsNoEpochLine() {
        List<String> lines = printed(() -> {
            EpochMeter meter = new EpochMeter(2, new long[] {0});
            meter.start();
            meter.finish();
        });
        assertThat(lines).isEmpty();
    }

    @Test
    void anEpochsLineWaitsUntilItsLastBatchHasBeenTaken() {
        // the consumer's step is part of the epoch (with --device cuda it waits for the batch on the device): a line
        // printed before the last batch is taken charges that step to the next epoch, and the last one to none
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        PipelineOptions options = PipelineOptions.builder()
                .batchSize(4)
                .threads(2)
                .onError(ErrorPolicy.FAIL)
                .build();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> early = new ArrayList<>();
        BenchRunner.Consumer<Batch> consumer = new BenchRunner.Consumer<>() {
            @Override
            public Flux<Batch> items(Flux<Batch> batches) {
                return batches;
            }

            @Override
            public void take(Batch batch) {
                int epoch = batch.samples().get(0).epoch();
                if (err.toString(StandardCharsets.UTF_8).contains("EPOCH " + epoch + " ")) {
                    early.add("epoch " + epoch + "'s line came before one of its batches was taken");
                }
            }

            @Override
            public List<SampleInfo> samples(Batch batch) {
                return batch.samples();
            }

            @Override
            public long nextPosition(Batch batch) {
                return batch.nextPosition();
            }

            @Override
            public void close(Batch batch) {
                batch.close();
            }
        };
        PrintStream saved = System.err;
        try (Pipeline pipeline = new Pipeline(new EchoNetSource(records, DeviceChoiceTest.W1), options)) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            BenchRunner.run(pipeline, 0, 1, 0, consumer, "test", false, null, true);
        } finally {
            System.setErr(saved);
        }
        assertThat(early).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("EPOCH ")))
                .hasSize(2);
    }

    private static List<String> printed(Runnable body) {
        return printed(soFar -> body.run());
    }

    /** What {@code body} printed on stderr; {@code body} gets the lines printed so far, to look at as it goes. */
    private static List<String> printed(java.util.function.Consumer<java.util.function.Supplier<List<String>>> body) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        java.util.function.Supplier<List<String>> soFar =
                () -> err.toString(StandardCharsets.UTF_8).lines().toList();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            body.accept(soFar);
        } finally {
            System.setErr(saved);
        }
        return soFar.get();
    }
}
