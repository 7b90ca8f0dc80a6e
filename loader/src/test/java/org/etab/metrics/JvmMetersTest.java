package org.etab.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two bindings on one registry (two pipelines or jobs in one process) register each meter and record each GC pause once. */
class JvmMetersTest {

    @Test
    void twoBindingsOnOneRegistryRecordEachCollectionOnce() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JvmMeters a = JvmMeters.bindTo(registry);
        JvmMeters b = JvmMeters.bindTo(registry);
        try {
            assertEachCollectionRecordedOnce(registry, "both bound");
            a.close();
            assertEachCollectionRecordedOnce(registry, "a closed: b still records");
        } finally {
            a.close();
            b.close();
        }
        // no listener left: the pause count stops growing
        long recorded = recorded(registry);
        collect();
        Thread.sleep(500);
        assertThat(recorded(registry)).as("both closed").isEqualTo(recorded);
    }

    @Test
    void aRegistryBoundAgainAfterItsLastCloseRecordsAgain() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JvmMeters.bindTo(registry).close();
        try (JvmMeters again = JvmMeters.bindTo(registry)) {
            assertEachCollectionRecordedOnce(registry, "bound again");
        }
    }

    @Test
    void aSecondBindingRegistersNoMeterAgain() {
        // every registration passes the registry's filters, a repeated one too (which Micrometer then warns about)
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> registrations = new ArrayList<>();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                registrations.add(id.getName());
                return id;
            }
        });
        try (JvmMeters a = JvmMeters.bindTo(registry)) {
            int once = registrations.size();
            assertThat(registrations).contains("jvm.memory.used", "process.cpu.usage", "jvm.threads.live");
            try (JvmMeters b = JvmMeters.bindTo(registry)) {
                assertThat(registrations).as("after the second binding").hasSize(once);
            }
            assertThat(registry.find("jvm.memory.used").meters())
                    .as("one binding still open")
                    .isNotEmpty();
        }
        assertThat(registry.find("jvm.memory.used").meters())
                .as("the last binding closed")
                .isEmpty();
        try (JvmMeters again = JvmMeters.bindTo(registry)) {
            assertThat(registry.find("jvm.memory.used").meters())
                    .as("bound again")
                    .isNotEmpty();
        }
    }

    @Test
    void theLastCloseLeavesMetersTheRegistryHeldBefore() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JvmThreadMetrics().bindTo(registry); // a framework's own binding, before ours
        JvmMeters.bindTo(registry).close();
        assertThat(registry.find("jvm.threads.live").meters()).isNotEmpty();
        assertThat(registry.find("jvm.memory.used").meters()).isEmpty();
    }

    /** Collects five times: the pauses recorded meanwhile are the collections the JVM made, each once. */
    private static void assertEachCollectionRecordedOnce(MeterRegistry registry, String when)
            throws InterruptedException {
        settle(registry);
        long collections = gcCount();
        long recorded = recorded(registry);
        collect();
        collections = gcCount() - collections;
        // GC notifications arrive on their own thread: wait for every collection to be recorded, then a little more
        // for a second copy of each
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (recorded(registry) - recorded < collections && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(collections).as(when).isPositive();
        assertThat(recorded(registry) - recorded).as(when).isEqualTo(collections);
    }

    /** Waits until no collection is left to be recorded (one the JVM made on its own before the measure). */
    private static void settle(MeterRegistry registry) throws InterruptedException {
        long recorded;
        do {
            recorded = recorded(registry);
            Thread.sleep(200);
        } while (recorded(registry) != recorded);
    }

    private static void collect() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
    }

    private static long recorded(MeterRegistry registry) {
        return registry.find("jvm.gc.pause").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    /** Collections so far; G1 on Java 17 (the test JVM's) reports every one of them as a pause. */
    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }
}
