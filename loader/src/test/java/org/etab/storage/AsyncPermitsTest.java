package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

class AsyncPermitsTest {
    @Test
    void waitersAreServedInOrderAndNoOneJumpsTheQueue() {
        AsyncPermits permits = new AsyncPermits(10);
        List<String> order = new ArrayList<>();
        List<AsyncPermits.Permit> held = new ArrayList<>();
        permits.acquire(6).subscribe(p -> {
            order.add("a");
            held.add(p);
        });
        permits.acquire(8).subscribe(p -> {
            order.add("b");
            held.add(p);
        });
        permits.acquire(1).subscribe(p -> {
            order.add("c");
            held.add(p);
        });
        assertThat(order).containsExactly("a"); // c would fit but waits behind b
        assertThat(permits.tryAcquire(1)).isNull();
        held.get(0).release();
        held.get(0).release(); // idempotent
        assertThat(order).containsExactly("a", "b", "c");
        assertThat(permits.inUse()).isEqualTo(9);
        assertThat(permits.peakInUse()).isEqualTo(9);
    }

    @Test
    void aCancelledWaiterLeavesNothingBehindAndUnblocksThoseBehindIt() {
        AsyncPermits permits = new AsyncPermits(4);
        AsyncPermits.Permit first = permits.tryAcquire(3);
        List<String> got = new ArrayList<>();
        Disposable big = permits.acquire(4).subscribe(p -> got.add("big"));
        permits.acquire(1).subscribe(p -> got.add("small"));
        assertThat(got).isEmpty();
        big.dispose();
        assertThat(got).containsExactly("small");
        first.release();
        assertThat(permits.inUse()).isEqualTo(1);
    }

    @Test
    void aRequestAboveTheCapacityIsClampedAndRunsAlone() {
        AsyncPermits permits = new AsyncPermits(5);
        List<AsyncPermits.Permit> held = new ArrayList<>();
        permits.acquire(50).subscribe(held::add);
        assertThat(held).singleElement().satisfies(p -> assertThat(p.amount).isEqualTo(5));
        held.get(0).release();
        assertThat(permits.inUse()).isZero();
    }
}
