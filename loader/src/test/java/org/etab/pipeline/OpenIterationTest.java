package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One open iteration per pipeline: a newer one or the pipeline's close ends the older, saying why. */
class OpenIterationTest {
    private final OpenIteration open = new OpenIteration(() -> false, Duration.ofSeconds(5));

    private BatchIterator<Object> iteration() {
        return new BatchIterator<>(1, waited -> {}, open);
    }

    @Test
    void aNewerIterationClosesTheOlderAndSaysWhy() {
        BatchIterator<Object> first = iteration();
        open.replaceWith(first);
        BatchIterator<Object> second = iteration();
        open.replaceWith(second);
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isFalse();
        assertThatThrownBy(first::hasNext)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a newer iteration started on the same pipeline");
        open.close("the pipeline was closed");
        assertThatThrownBy(second::hasNext).hasMessageContaining("the pipeline was closed");
    }

    @Test
    void anIterationClosedByItsOwnerIsNoLongerTheOpenOne() {
        BatchIterator<Object> first = iteration();
        open.replaceWith(first);
        first.close(); // calls ended(first): nothing is open now
        BatchIterator<Object> second = iteration();
        open.replaceWith(second);
        open.close("the pipeline was closed");
        assertThatThrownBy(second::hasNext).hasMessageContaining("the pipeline was closed");
        assertThatThrownBy(first::hasNext).hasMessageContaining("it was closed");
    }

    @Test
    void closingWaitsForTasksAtMostTheSampleTimeoutPlusTenSeconds() {
        assertThat(open.settleLimit()).isEqualTo(Duration.ofSeconds(15));
        assertThat(new OpenIteration(() -> false, Duration.ZERO).settleLimit())
                .isEqualTo(PipelineOptions.DEFAULT_TIMEOUT.plusSeconds(10));
    }

    @Test
    void itsIterationsAskThePipelineWhetherTheyRunOnADecodeThread() {
        assertThat(open.onDecodeThread()).isFalse();
        assertThat(new OpenIteration(() -> true, Duration.ZERO).onDecodeThread())
                .isTrue();
    }
}
