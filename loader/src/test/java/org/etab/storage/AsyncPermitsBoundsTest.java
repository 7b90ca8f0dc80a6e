package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/** AsyncPermits at its edges: the smallest capacity and request, and requests that fit exactly what is free. */
class AsyncPermitsBoundsTest {
    @Test
    void aCapacityOfOneIsTheSmallestAndARequestOfOneTheSmallest() {
        assertThatThrownBy(() -> new AsyncPermits(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity >= 1 required but was 0");
        AsyncPermits one = new AsyncPermits(1);
        assertThat(one.capacity()).isEqualTo(1);
        assertThatThrownBy(() -> one.acquire(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n >= 1 required but was 0");
        List<AsyncPermits.Permit> held = new ArrayList<>();
        one.acquire(1).subscribe(held::add);
        assertThat(held).singleElement().satisfies(p -> assertThat(p.amount).isEqualTo(1));
        assertThat(one.inUse()).isEqualTo(1);
    }

    @Test
    void aTryForNothingTakesOneUnit() {
        AsyncPermits permits = new AsyncPermits(3);
        AsyncPermits.Permit p = permits.tryAcquire(0);
        assertThat(p.amount).isEqualTo(1);
        assertThat(permits.inUse()).isEqualTo(1);
    }

    @Test
    void aGrantCancelledBeforeItIsDeliveredGivesItsUnitsBack() {
        AsyncPermits permits = new AsyncPermits(5);
        List<AsyncPermits.Permit> delivered = new ArrayList<>();
        permits.acquire(3).subscribe(new BaseSubscriber<AsyncPermits.Permit>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                cancel(); // before the units, free at once, are granted and delivered
            }

            @Override
            protected void hookOnNext(AsyncPermits.Permit p) {
                delivered.add(p);
            }
        });
        assertThat(delivered).isEmpty();
        assertThat(permits.inUse()).isZero();
        assertThat(permits.tryAcquire(5)).isNotNull();
    }

    @Test
    void requestsForExactlyWhatIsFreeAreGrantedAtOnceOrOnTheRelease() {
        AsyncPermits permits = new AsyncPermits(10);
        AsyncPermits.Permit six = permits.tryAcquire(6);
        AsyncPermits.Permit four = permits.tryAcquire(4);
        assertThat(four).as("exactly the 4 left").isNotNull();
        assertThat(permits.tryAcquire(1)).isNull();

        List<AsyncPermits.Permit> waited = new ArrayList<>();
        permits.acquire(6).subscribe(waited::add);
        assertThat(permits.waiting()).isEqualTo(1);
        six.release(); // frees exactly the 6 the waiter asks for
        assertThat(waited).singleElement().satisfies(p -> assertThat(p.amount).isEqualTo(6));
        assertThat(permits.waiting()).isZero();

        four.release();
        permits.acquire(4).subscribe(waited::add); // exactly the 4 free again, nobody waiting
        assertThat(waited).hasSize(2);
        assertThat(permits.inUse()).isEqualTo(10);
        assertThat(permits.peakInUse()).isEqualTo(10);
    }
}
