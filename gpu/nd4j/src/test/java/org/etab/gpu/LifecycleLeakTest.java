package org.etab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineProbe;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link EtabDataSetIterator}'s lifecycle run many times in one JVM (a hyper-parameter sweep fitting one network per
 * trial): afterwards no thread, file descriptor or JavaCPP native byte may be left of it, and no pooled buffer out.
 * Each lifecycle runs twice first, so that what the JVM, ND4J and FFmpeg load once is in the baseline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleLeakTest {
    private static final int CYCLES = 40;
    /** Native bytes allocated once, late (measured in the loader: 8 bytes); a leaked batch is kilobytes. */
    private static final long ONE_TIME_NATIVE_BYTES = 1024;
    /** How long the threads and descriptors of the last cycles may take to end. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private interface Cycle {
        void run(int i) throws Exception;
    }

    private record Counts(Map<String, Integer> threads, long fds, long nativeBytes) {}

    @ParameterizedTest
    @EnumSource(EtabDataSetIterator.Ownership.class)
    void aPipelineAndItsIteratorPerTrialLeaveNothing(EtabDataSetIterator.Ownership ownership) throws Exception {
        leavesNothing("a pipeline per trial, " + ownership, i -> {
            try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, i);
                    EtabDataSetIterator it =
                            EtabDataSetIterator.builder(p).ownership(ownership).build()) {
                while (it.hasNext()) {
                    it.next();
                }
                it.reset(); // the next epoch, stopped early twice
                it.next();
                it.reset();
                it.next();
            }
        });
    }

    @Test
    void iteratorsOverOnePipelineStoppedEarlyLeaveNoBufferOut() throws Exception {
        try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, 3)) {
            leavesNothing("iterators stopped early on one pipeline", false, i -> {
                try (EtabDataSetIterator it = EtabDataSetIterator.builder(p)
                        .ownership(EtabDataSetIterator.Ownership.VIEW)
                        .firstEpoch(i)
                        .build()) {
                    it.next();
                }
                assertThat(PipelineProbe.batchPool(p).outstanding()).isZero();
            });
            // the pool made its buffers once and reused them: batchesAhead + consumerHeld at most
            assertThat(PipelineProbe.batchPool(p).allocated())
                    .isLessThanOrEqualTo(
                            p.options().batchesAhead() + p.options().consumerHeld());
        }
    }

    @Test
    void fittingANetworkPerTrialLeavesNothing() throws Exception {
        leavesNothing("DL4J fit per trial", i -> {
            try (Pipeline p = EtabDataSetIteratorTest.stills(Target.EF, i);
                    EtabDataSetIterator it = EtabDataSetIterator.of(p)) {
                Dl4jFitTest.tinyNetwork().fit(it);
            }
        });
    }

    private static void leavesNothing(String what, Cycle cycle) throws Exception {
        leavesNothing(what, true, cycle);
    }

    /**
     * @param nativeBytes whether to count native bytes: not while a pipeline stays open across the cycles, whose pool
     *                    may allocate a buffer late (up to its bound, which the caller checks)
     */
    private static void leavesNothing(String what, boolean nativeBytes, Cycle cycle) throws Exception {
        cycle.run(0);
        cycle.run(1);
        Counts before = counts(nativeBytes);
        for (int i = 2; i < CYCLES + 2; i++) {
            cycle.run(i);
        }
        long deadline = System.nanoTime() + SETTLE_NANOS;
        Counts after = counts(nativeBytes);
        while (!settled(before, after) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = counts(nativeBytes);
        }
        Counts last = after;
        assertSoftly(soft -> {
            soft.assertThat(newThreads(before, last))
                    .as("%s: threads left", what)
                    .isEmpty();
            soft.assertThat(last.fds()).as("%s: descriptors left", what).isLessThanOrEqualTo(before.fds());
            soft.assertThat(last.nativeBytes() - before.nativeBytes())
                    .as("%s: native bytes left", what)
                    .isLessThanOrEqualTo(ONE_TIME_NATIVE_BYTES);
        });
    }

    private static boolean settled(Counts before, Counts after) {
        return newThreads(before, after).isEmpty()
                && after.fds() <= before.fds()
                && after.nativeBytes() <= before.nativeBytes();
    }

    /** Threads by name (digits folded: "etab-decode-7" is "etab-decode-#"), native bytes once the GC freed its own. */
    private static Counts counts(boolean nativeBytes) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(10);
            Pointer.deallocateReferences();
        }
        Map<String, Integer> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                threads.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return new Counts(threads, descriptors(), nativeBytes ? Pointer.totalBytes() : 0);
    }

    private static Map<String, Integer> newThreads(Counts before, Counts after) {
        Map<String, Integer> extra = new TreeMap<>();
        after.threads().forEach((name, n) -> {
            if (n > before.threads().getOrDefault(name, 0)) {
                extra.put(name, n - before.threads().getOrDefault(name, 0));
            }
        });
        return extra;
    }

    /** Open descriptors (Linux), less the class path's jars, which the JVM opens as it loads classes and keeps. */
    private static long descriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return !Files.readSymbolicLink(fd).toString().endsWith(".jar");
                        } catch (IOException closedMeanwhile) {
                            return false;
                        }
                    })
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
