package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.etab.batch.BoundedWait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ring's allocation, round-robin hand-out, bounded wait and freeing, on the fake device. */
class SlotRingTest {
    final FakeDevice device = new FakeDevice();

    static BoundedWait bounded(long warnMs, long timeoutMs) {
        return new BoundedWait(
                "a device ring slot", Duration.ofMillis(warnMs), Duration.ofMillis(timeoutMs), Duration.ZERO);
    }

    @AfterEach
    void noViolations() {
        assertThat(device.violations()).isEmpty();
    }

    @Test
    void allocatesEverySlotOnceAndHandsThemOutRoundRobin() {
        try (SlotRing ring = new SlotRing(device, 3, 100, bounded(1000, 5000))) {
            assertThat(ring.size()).isEqualTo(3);
            assertThat(device.liveBuffers()).isEqualTo(6);
            assertThat(device.liveStreamsAndEvents()).isEqualTo(15);
            SlotRing.Slot a = ring.take();
            SlotRing.Slot b = ring.take();
            SlotRing.Slot c = ring.take();
            assertThat(new int[] {a.index, b.index, c.index}).containsExactly(0, 1, 2);
            assertThat(a.input.bytes()).isEqualTo(100);
            assertThat(a.output.bytes()).isEqualTo(400); // float32 per uint8
            assertThat(ring.free()).isZero();
            ring.giveBack(b);
            ring.giveBack(a);
            assertThat(ring.take()).isSameAs(b); // first freed, first taken
            assertThat(ring.take()).isSameAs(a);
            ring.giveBack(a);
            ring.giveBack(b);
            ring.giveBack(c);
            assertThat(ring.free()).isEqualTo(3);
        }
        assertThat(device.liveBuffers()).isZero();
        assertThat(device.liveStreamsAndEvents()).isZero();
    }

    @Test
    void aRingWithEverySlotOutWaitsThenFailsSayingWhy() {
        try (SlotRing ring = new SlotRing(device, 1, 10, bounded(20, 150))) {
            ring.take();
            long t0 = System.nanoTime();
            assertThatThrownBy(ring::take)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("all 1 are held by the consumer")
                    .hasMessageContaining("Close each DeviceBatch");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(150);
        }
    }

    @Test
    void aSlotGivenBackEndsTheWait() throws Exception {
        try (SlotRing ring = new SlotRing(device, 1, 10, bounded(1000, 10_000))) {
            SlotRing.Slot only = ring.take();
            Thread t = new Thread(() -> {
                sleep(100);
                ring.giveBack(only);
            });
            t.start();
            assertThat(ring.take()).isSameAs(only);
            t.join();
            ring.giveBack(only);
        }
    }

    @Test
    void closingEndsAWaitAndFreesSlotsOutAsTheyComeBack() throws Exception {
        SlotRing ring = new SlotRing(device, 2, 10, bounded(20, 10_000));
        SlotRing.Slot a = ring.take();
        SlotRing.Slot b = ring.take();
        Thread closer = new Thread(() -> {
            sleep(100);
            ring.close();
        });
        closer.start();
        assertThatThrownBy(ring::take).hasMessage("device feeder closed while waiting for a ring slot");
        closer.join();
        assertThat(ring.freed()).isZero();
        assertThat(device.liveBuffers()).isEqualTo(4);
        ring.giveBack(a);
        assertThat(ring.freed()).isEqualTo(1);
        ring.giveBack(b);
        ring.close(); // idempotent
        assertThat(ring.freed()).isEqualTo(2);
        assertThat(device.liveBuffers()).isZero();
        assertThat(device.liveStreamsAndEvents()).isZero();
    }

    @Test
    void aFailedAllocationFreesWhatItGot() {
        AtomicInteger mallocs = new AtomicInteger();
        Device failing = (Device) Proxy.newProxyInstance(
                Device.class.getClassLoader(), new Class<?>[] {Device.class}, (proxy, method, args) -> {
                    if (method.getName().equals("malloc") && mallocs.incrementAndGet() == 4) {
                        throw new IllegalStateException("out of device memory");
                    }
                    try {
                        return method.invoke(device, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        // slot 0 allocates 2 buffers, slot 1 gets its input and fails on its output
        assertThatThrownBy(() -> new SlotRing(failing, 3, 10, bounded(20, 100))).hasMessage("out of device memory");
        assertThat(device.liveBuffers()).isZero();
        assertThat(device.liveStreamsAndEvents()).isZero();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
