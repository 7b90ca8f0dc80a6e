package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The in-flight bound on a machine of a chosen size: what is set is kept, the rest follows. */
class InFlightBoundTest {
    private static final int CORES = 8;

    @Test
    void nothingSetGivesAllCoresAndPrefetchTwo() {
        InFlightBound b = InFlightBound.derive(null, null, null, CORES);
        assertThat(b.threads()).isEqualTo(8);
        assertThat(b.prefetch()).isEqualTo(2);
        assertThat(b.batchesAhead()).isEqualTo(10);
        assertThat(b.sampleTasks()).isEqualTo(18);
    }

    @Test
    void theBoundAloneSetsThreadsUpToTheCoresAndPrefetchToTheRest() {
        InFlightBound few = InFlightBound.derive(null, null, 3, CORES);
        assertThat(few.threads()).isEqualTo(3);
        assertThat(few.prefetch()).isZero();
        InFlightBound many = InFlightBound.derive(null, null, 13, CORES);
        assertThat(many.threads()).isEqualTo(8);
        assertThat(many.prefetch()).isEqualTo(5);
    }

    @Test
    void anyTwoSetGiveTheThird() {
        assertThat(InFlightBound.derive(2, null, 6, CORES).prefetch()).isEqualTo(4);
        assertThat(InFlightBound.derive(6, null, 6, CORES).prefetch()).isZero(); // a thread per batch, none ahead
        assertThat(InFlightBound.derive(null, 1, 6, CORES).threads()).isEqualTo(5);
        InFlightBound both = InFlightBound.derive(3, 1, null, CORES);
        assertThat(both.batchesAhead()).isEqualTo(4);
        InFlightBound all = InFlightBound.derive(4, 2, 6, CORES);
        assertThat(all.threads()).isEqualTo(4);
        assertThat(all.prefetch()).isEqualTo(2);
    }

    @Test
    void oneSetWithoutTheBoundKeepsTheOtherDefault() {
        assertThat(InFlightBound.derive(5, null, null, CORES).batchesAhead()).isEqualTo(7);
        assertThat(InFlightBound.derive(null, 0, null, CORES).batchesAhead()).isEqualTo(8);
    }

    @Test
    void theDefaultThreadsOfAMachineWithMoreCoresThanTheBoundStayWithinIt() {
        InFlightBound b = InFlightBound.derive(null, null, null, 4096);
        assertThat(b.threads()).isEqualTo(PipelineOptions.MAX_IN_FLIGHT - 2);
        assertThat(b.batchesAhead()).isEqualTo(PipelineOptions.MAX_IN_FLIGHT);
        assertThat(InFlightBound.derive(null, 0, null, 4096).threads()).isEqualTo(PipelineOptions.MAX_IN_FLIGHT - 2);
        // a prefetch set that leaves no room for the cores is still refused, naming the sum
        assertThatThrownBy(() -> InFlightBound.derive(null, 10, null, 4096))
                .hasMessage("threads + prefetch <= 1024 required but was 1032");
    }

    @Test
    void contradictionsAreRefusedNamingTheValues() {
        assertThatThrownBy(() -> InFlightBound.derive(4, 2, 5, CORES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchesAhead = threads + prefetch required but was batchesAhead 5, threads 4, prefetch 2"
                        + " (set two of the three; the third follows)");
        assertThatThrownBy(() -> InFlightBound.derive(4, null, 3, CORES))
                .hasMessage("threads <= batchesAhead required but was threads 4, batchesAhead 3"
                        + " (a thread without a batch to assemble idles)");
        assertThatThrownBy(() -> InFlightBound.derive(null, 3, 3, CORES))
                .hasMessage("prefetch < batchesAhead required but was prefetch 3, batchesAhead 3"
                        + " (at least one decode thread)");
    }

    @Test
    void aSumAboveTheLimitIsRefusedEvenWhenEachPartIsWithinIt() {
        assertThatThrownBy(() -> InFlightBound.derive(1000, 1000, null, CORES))
                .hasMessage("threads + prefetch <= 1024 required but was 2000");
        assertThatThrownBy(() -> InFlightBound.derive(null, 1000, null, 100))
                .hasMessage("threads + prefetch <= 1024 required but was 1100");
        assertThat(InFlightBound.derive(null, 1000, null, 24).batchesAhead()).isEqualTo(1024);
    }

    @Test
    void whatWasSetIsKeptAndTakesPartInEquality() {
        InFlightBound ahead = InFlightBound.derive(null, null, 6, CORES);
        assertThat(ahead.askedAhead()).isEqualTo(6);
        assertThat(ahead.askedThreads()).isNull();
        assertThat(ahead.askedPrefetch()).isNull();
        InFlightBound explicit = InFlightBound.derive(6, 0, null, CORES);
        // the same numbers, reached differently: a changed copy would derive differently, so they differ
        assertThat(explicit.threads()).isEqualTo(ahead.threads());
        assertThat(explicit.prefetch()).isEqualTo(ahead.prefetch());
        assertThat(explicit).isNotEqualTo(ahead);
        assertThat(InFlightBound.derive(null, null, 6, CORES)).isEqualTo(ahead).hasSameHashCodeAs(ahead);
    }
}
