package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deadline the pipeline hands to {@link SampleWorker#load}: none for a zero or unrepresentable timeout. */
class SampleWorkerDeadlineTest {

    @Test
    void aTimeoutGivesStartPlusItsNanosAndNoneWhenZeroOrBeyondTheClock() {
        assertThat(SampleWorker.deadline(-1_000, Duration.ofMillis(2))).isEqualTo(1_999_000);
        assertThat(SampleWorker.deadline(5, Duration.ZERO)).isEqualTo(SampleWorker.NO_DEADLINE);
        assertThat(SampleWorker.deadline(5, Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(SampleWorker.NO_DEADLINE);
        assertThat(SampleWorker.deadline(Long.MAX_VALUE - 10, Duration.ofNanos(100)))
                .isEqualTo(SampleWorker.NO_DEADLINE);
        assertThat(SampleWorker.pastDeadline(SampleWorker.NO_DEADLINE)).isFalse();
        assertThat(SampleWorker.pastDeadline(SampleWorker.deadline(System.nanoTime(), Duration.ofHours(1))))
                .isFalse();
        assertThat(SampleWorker.pastDeadline(System.nanoTime() - 1)).isTrue();
    }
}
