package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OnceCloseTest {

    @Test
    void onlyTheFirstCallerCloses() {
        OnceClose c = new OnceClose();
        assertThat(c.isClosed()).isFalse();
        assertThat(c.begin(false)).isTrue();
        assertThat(c.isClosed()).isTrue();
        // the first caller's own thread (a hook inside its close) does not wait for itself
        assertThat(c.begin(false)).isFalse();
        c.finished();
        assertThat(c.begin(false)).isFalse();
    }

    @Test
    void aLaterCallerOnAnotherThreadReturnsOnlyOnceTheFirstHasFinished() throws Exception {
        OnceClose c = new OnceClose();
        assertThat(c.begin(false)).isTrue();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> later = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            return c.begin(false);
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100); // time to return, were it not waiting
        assertThat(later).isNotDone();
        c.finished();
        assertThat(later.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aCallerThatMustNotWaitReturnsAtOnce() throws Exception {
        OnceClose c = new OnceClose();
        assertThat(c.begin(false)).isTrue();
        assertThat(CompletableFuture.supplyAsync(() -> c.begin(true)).get(10, TimeUnit.SECONDS))
                .isFalse();
    }

    @Test
    void aWaitingCallerGoesOnWaitingThroughAnInterruptAndKeepsIt() throws Exception {
        OnceClose c = new OnceClose();
        assertThat(c.begin(false)).isTrue();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread t = new Thread(() -> {
            c.begin(false);
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        while (t.getState() != Thread.State.WAITING) {
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(200);
        assertThat(t.isAlive()).as("still waiting for the first close").isTrue();
        c.finished();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(interruptedAfter).isTrue();
    }
}
