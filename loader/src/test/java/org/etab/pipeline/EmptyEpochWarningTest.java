package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.junit.jupiter.api.Test;

/** An iterated epoch that gives no batch is said in the log once, with why; one that gives batches is not. */
class EmptyEpochWarningTest {
    private static Pipeline pipeline(FakeSource source, PipelineOptions.Builder options) {
        return new Pipeline(
                source, options.batchSize(2).threads(1).build(), new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    /** The lines of the log that say an epoch gave no batch, while {@code run} ran. */
    private static List<String> warnings(Runnable run) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(stderr);
        }
        return err.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("gave no batch"))
                .toList();
    }

    private static int drain(BatchIterator<Batch> it) {
        int n = 0;
        try (it) {
            while (it.hasNext()) {
                it.next().close();
                n++;
            }
            assertThat(it.hasNext()).isFalse(); // asked again after the end: said once
        }
        return n;
    }

    @Test
    void anEpochWhoseEverySampleFailedSaysHowManyFailed() {
        FakeSource source = new FakeSource(5);
        source.load = (plan, slot, deadline) -> {
            if (plan.id().startsWith("3/") || plan.id().equals("0/1")) {
                throw new IllegalStateException("unreadable " + plan.file());
            }
            return FakeSource.ONE_FRAME;
        };
        try (Pipeline p = pipeline(source, PipelineOptions.builder())) {
            // an earlier epoch's planned and failed samples are not this one's
            assertThat(drain(p.iterate(0))).isEqualTo(3);
            assertThat(warnings(() -> assertThat(drain(p.iterate(3))).isZero()))
                    .singleElement()
                    .asString()
                    .contains("epoch 3 gave no batch: 5 of its 5 samples failed");
        }
    }

    @Test
    void anEpochWithNothingPlannedSaysSo() {
        try (Pipeline p = pipeline(new FakeSource(1), PipelineOptions.builder().dropLast(true))) {
            assertThat(warnings(() -> assertThat(drain(p.iterate(0))).isZero()))
                    .singleElement()
                    .asString()
                    .contains("epoch 0 gave no batch: it planned no sample");
        }
    }

    @Test
    void anEpochResumedAtItsEndOrGivingBatchesOrCancelledIsNotWarnedAbout() {
        FakeSource source = new FakeSource(4);
        try (Pipeline p = pipeline(source, PipelineOptions.builder())) {
            assertThat(warnings(() -> {
                        assertThat(drain(p.iterate(0))).isEqualTo(2);
                        assertThat(drain(p.iterate(1, 4))).isZero(); // resumed at the end: nothing was left
                        try (BatchIterator<Batch> it = p.iterate(2)) {
                            it.next().close(); // left early
                        }
                    }))
                    .isEmpty();
        }
    }
}
