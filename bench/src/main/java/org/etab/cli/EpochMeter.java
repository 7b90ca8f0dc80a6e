package org.etab.cli;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Per-epoch lines for soak and first-epoch runs: rate, resident memory and JavaCPP's native byte counts. An epoch's
 * line covers the time from the previous epoch's last batch (or the start) to its own last batch having been taken
 * by the consumer (with {@code --device cuda}: ready on the device), so each epoch is
 * charged with making its own batches: closing it at the next epoch's first batch instead would charge epoch 0
 * with one batch of epoch 1 and give the last epoch one batch for free. An epoch whose planned samples do not
 * all arrive (failures under skip) closes at the next epoch's first batch, or at the end. A first epoch with
 * nothing planned (a resume saved at its end) prints no line; the next epoch's clock starts with the stream.
 */
final class EpochMeter {
    private final int firstEpoch;
    private final long[] planned;
    private int epoch;
    private boolean open;
    private long clips;
    private final LongSupplier clock;
    private long startNanos;
    // CPU and JIT time per epoch: on a shared machine, CPU per clip tells a cold epoch from a warm one when
    // the wall clock cannot
    private long startCpu;
    private long startJit;

    /**
     * @param firstEpoch the first epoch streamed
     * @param planned    the samples planned for each epoch from {@code firstEpoch} on
     */
    EpochMeter(int firstEpoch, long[] planned) {
        this(firstEpoch, planned, System::nanoTime);
    }

    EpochMeter(int firstEpoch, long[] planned, LongSupplier clock) {
        this.firstEpoch = firstEpoch;
        this.epoch = firstEpoch;
        this.planned = planned.clone();
        // a first epoch with nothing left to stream (a resume saved at its end) gets no line: else it would be
        // charged with making the next epoch's first batch, and that epoch's line would get it for free
        this.open = planned.length > 0 && planned[0] > 0;
        this.clock = clock;
        // the management beans load on first use (tens of milliseconds): here, not in epoch 0's time
        startCpu = processCpuNanos();
        startJit = jitMillis();
        startNanos = clock.getAsLong();
    }

    /** Starts the first epoch's clock: call right before the stream starts. */
    void start() {
        startCpu = processCpuNanos();
        startJit = jitMillis();
        startNanos = clock.getAsLong();
    }

    /** Counts a batch the consumer took; an epoch's line is printed once its planned samples have all arrived. */
    void seen(int batchEpoch, int samples) {
        if (batchEpoch != epoch) {
            if (open) {
                report();
            }
            epoch = batchEpoch;
            open = true;
        }
        clips += samples;
        int i = epoch - firstEpoch;
        if (i >= 0 && i < planned.length && clips >= planned[i]) {
            report();
        }
    }

    /** Prints the line of the epoch still open, if any (at the end of the stream). */
    void finish() {
        if (open) {
            report();
        }
    }

    private void report() {
        long now = clock.getAsLong(); // also the next epoch's start: the time spent printing is the next epoch's
        double s = (now - startNanos) / 1e9;
        long cpu = processCpuNanos();
        long jit = jitMillis();
        System.err.printf(
                Locale.ROOT,
                "EPOCH %d clips=%d clips_per_s=%.1f rss_mb=%d native_tracked_mb=%.1f "
                        + "heap_used_mb=%d cpu_s=%.3f jit_ms=%d%n",
                epoch,
                clips,
                clips / s,
                Launch.rssMb(),
                org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                (cpu - startCpu) / 1e9,
                jit - startJit);
        open = false;
        clips = 0;
        startNanos = now;
        startCpu = cpu;
        startJit = jit;
    }

    /** CPU time of the whole process (every thread, JIT compilers and GC included), or 0 where unknown. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime())
                : 0;
    }

    /** Milliseconds the JIT compilers have spent so far, or 0 where unknown. */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }
}
