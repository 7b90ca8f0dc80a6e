package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.etab.storage.BodyReservation.Outcome;
import org.junit.jupiter.api.Test;

class BodyReservationTest {

    @Test
    void aReservationIsMadeOnceKeptAcrossAttemptsAndGivenBackOnce() {
        AsyncPermits budget = new AsyncPermits(1000);
        BodyReservation r = new BodyReservation(budget);
        assertThat(r.reserve(600, true)).isEqualTo(Outcome.HELD);
        assertThat(r.reserve(600, true)).as("a resume of the same object").isEqualTo(Outcome.HELD);
        assertThat(budget.inUse()).isEqualTo(600);
        assertThat(r.reserved()).isEqualTo(600);
        r.release();
        r.release();
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aLargerBodyThanReservedIsAChangedObject() {
        AsyncPermits budget = new AsyncPermits(1000);
        BodyReservation r = new BodyReservation(budget);
        assertThat(r.reserve(300, true)).isEqualTo(Outcome.HELD);
        assertThat(r.reserve(400, true)).isEqualTo(Outcome.TOO_SMALL);
        assertThat(budget.inUse()).isEqualTo(300);
    }

    @Test
    void aBodyWithoutALengthAfterASizedOneIsReservedAfreshForItsBound() {
        AsyncPermits budget = new AsyncPermits(1000);
        BodyReservation r = new BodyReservation(budget);
        assertThat(r.reserve(300, true)).isEqualTo(Outcome.HELD);
        assertThat(r.reserve(800, false)).isEqualTo(Outcome.HELD);
        assertThat(budget.inUse()).isEqualTo(800);
        assertThat(r.reserved()).isEqualTo(800);
    }

    @Test
    void noFreeBudgetIsSaidAndAGrantHeldLaterIsUsed() {
        AsyncPermits budget = new AsyncPermits(1000);
        AsyncPermits.Permit other = budget.tryAcquire(900);
        BodyReservation r = new BodyReservation(budget);
        assertThat(r.reserve(500, true)).isEqualTo(Outcome.NONE_FREE);
        assertThat(r.reserved()).isZero();
        other.release();
        r.hold(budget.tryAcquire(500));
        assertThat(r.reserve(500, true)).isEqualTo(Outcome.HELD);
        assertThat(budget.inUse()).isEqualTo(500);
    }

    @Test
    void aBodyAboveTheWholeBudgetNeedsOnlyTheBudget() {
        AsyncPermits budget = new AsyncPermits(1000);
        BodyReservation r = new BodyReservation(budget);
        r.hold(budget.tryAcquire(5000)); // as the store grants a body larger than its budget: the whole budget
        assertThat(r.reserve(5000, true)).isEqualTo(Outcome.HELD);
    }

    @Test
    void aBodyWithoutALengthWithinTheSizedReservationKeepsItWhileAnotherDownloadWaits() {
        AsyncPermits budget = new AsyncPermits(1000);
        BodyReservation r = new BodyReservation(budget);
        assertThat(r.reserve(800, true)).isEqualTo(Outcome.HELD);
        List<AsyncPermits.Permit> other = new ArrayList<>();
        budget.acquire(1000).subscribe(other::add); // another download waits for the whole budget
        // a retry's answer without a length, whose bound is exactly the 800 held: no need to give them back
        assertThat(r.reserve(800, false)).isEqualTo(Outcome.HELD);
        assertThat(r.reserved()).isEqualTo(800);
        assertThat(other).isEmpty();
    }

    @Test
    void forgettingGivesBackSoTheNextVersionIsSizedAfresh() {
        AsyncPermits budget = new AsyncPermits(1000);
        BodyReservation r = new BodyReservation(budget);
        assertThat(r.reserve(300, true)).isEqualTo(Outcome.HELD);
        r.forget();
        assertThat(budget.inUse()).isZero();
        assertThat(r.reserve(700, true)).isEqualTo(Outcome.HELD);
        assertThat(budget.inUse()).isEqualTo(700);
    }
}
