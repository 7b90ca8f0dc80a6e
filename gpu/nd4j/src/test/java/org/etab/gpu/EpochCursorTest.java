package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.etab.batch.Batch;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;

/** DL4J's rule for moving on, on the phantom EchoNet stills (12 in batches of 5, 5, 2). */
class EpochCursorTest {

    private static int drain(EpochCursor cursor) {
        int samples = 0;
        while (cursor.hasNext()) {
            try (Batch b = cursor.next()) {
                samples += b.size();
            }
        }
        return samples;
    }

    @Test
    void resetStaysOnAnUntouchedEpochAndMovesOnOnceABatchWasTakenOrTheEndReached() {
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 42)) {
            EpochCursor cursor = new EpochCursor(p, 3);
            cursor.reset();
            cursor.reset();
            assertThat(cursor.epoch())
                    .as("untouched: a reset before fit skips nothing")
                    .isEqualTo(3);

            assertThat(cursor.hasNext()).isTrue();
            cursor.reset();
            assertThat(cursor.epoch()).as("only asked: still untouched").isEqualTo(3);

            try (Batch first = cursor.next()) {
                assertThat(first.samples().get(0).epoch()).isEqualTo(3);
            }
            cursor.reset();
            assertThat(cursor.epoch()).as("a batch taken").isEqualTo(4);

            assertThat(drain(cursor)).isEqualTo(12);
            cursor.reset();
            assertThat(cursor.epoch()).as("the end reached").isEqualTo(5);
            assertThat(cursor.hasNext()).isTrue(); // the next epoch's iteration holds batches ahead
            cursor.close();
            assertThat(PipelineProbe.batchPool(p).outstanding())
                    .as("close returns them")
                    .isZero();
        }
    }

    @Test
    void moveToStartsAtThePositionGivenAndCountsAsUntouched() {
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 42)) {
            EpochCursor cursor = new EpochCursor(p, 0);
            assertThat(cursor.hasNext()).isTrue();
            try (Batch b = cursor.next()) {
                assertThat(b.samples().get(0).position()).isZero();
            }
            cursor.moveTo(2, 5);
            cursor.reset();
            assertThat(cursor.epoch()).isEqualTo(2);
            assertThat(drain(cursor)).as("the 7 samples after position 5").isEqualTo(7);
            cursor.reset();
            assertThat(cursor.epoch()).isEqualTo(3);
            assertThat(drain(cursor)).as("later epochs start at 0").isEqualTo(12);
            cursor.close();
            cursor.close();
        }
    }
}
