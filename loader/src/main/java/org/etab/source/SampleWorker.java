package org.etab.source;

import java.time.Duration;
import org.etab.batch.BatchPool;
import org.etab.decode.Deadline;

/**
 * Produces samples into batch slots: decode, transform and target, written straight into the slot.
 *
 * <p>Threading: confined; the pipeline lends a worker to one decode thread at a time.
 * Ownership: the worker owns its decoder and scratch memory and frees them in {@link #close()}.
 */
public interface SampleWorker extends AutoCloseable {

    /** The deadline to pass to {@link #load(SamplePlan, BatchPool.Buffers, int, long)} when there is none. */
    long NO_DEADLINE = Deadline.NONE;

    /**
     * The deadline for a sample started at {@code startNanos} with a timeout.
     *
     * @param startNanos a {@code System.nanoTime()} value
     * @param timeout    the sample's timeout; zero: none
     * @return {@code startNanos + timeout}, or {@link #NO_DEADLINE} for a zero timeout or one beyond the clock's range
     */
    static long deadline(long startNanos, Duration timeout) {
        if (timeout.isZero()) {
            return NO_DEADLINE;
        }
        try {
            return Deadline.after(startNanos, timeout.toNanos());
        } catch (ArithmeticException e) {
            return NO_DEADLINE; // longer than 292 years
        }
    }

    /**
     * Whether a deadline has passed, compared so that neither {@code nanoTime}'s origin nor {@link #NO_DEADLINE}
     * overflows.
     *
     * @param deadlineNanos a deadline from {@link #deadline}, or {@link #NO_DEADLINE}
     * @return true once {@code System.nanoTime()} is past it; never for {@link #NO_DEADLINE}
     */
    static boolean pastDeadline(long deadlineNanos) {
        return Deadline.passed(deadlineNanos);
    }

    /**
     * Writes every element of slot {@code slot} of {@code buffers} (features and labels) for {@code plan}, giving up
     * with a {@link SampleException} (stage {@code timeout}) once {@code System.nanoTime()} passes
     * {@code deadlineNanos}: a worker checks it between its reads and hands it to the reads that can stall (the
     * pipeline also fails a sample that ends after it).
     *
     * @param plan          the sample, with no {@link SamplePlan#failure()}
     * @param buffers       the batch buffers being filled
     * @param slot          the slot, {@code 0 <= slot < batch size}
     * @param deadlineNanos the {@code System.nanoTime()} value after which to give up, or {@link #NO_DEADLINE}
     * @return what producing it cost
     * @throws SampleException when the sample cannot be produced or the deadline passed; the slot's content is then
     *                         undefined
     */
    LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot, long deadlineNanos);

    /**
     * As {@link #load(SamplePlan, BatchPool.Buffers, int, long)} with no deadline.
     *
     * @param plan    the sample, with no {@link SamplePlan#failure()}
     * @param buffers the batch buffers being filled
     * @param slot    the slot, {@code 0 <= slot < batch size}
     * @return what producing it cost
     * @throws SampleException when the sample cannot be produced; the slot's content is then undefined
     */
    default LoadStats load(SamplePlan plan, BatchPool.Buffers buffers, int slot) {
        return load(plan, buffers, slot, NO_DEADLINE);
    }

    /**
     * Frees the decoder and scratch memory; the pipeline calls it once, when it closes, after its decode threads
     * have stopped. Declares no checked exception, unlike {@link AutoCloseable#close()}.
     */
    @Override
    void close();

    /**
     * What producing one sample cost, for metrics.
     *
     * @param validFrames   clip positions holding decoded frames (the rest zero padding)
     * @param framesDecoded frames the decoder decoded for it
     * @param bytesRead     bytes read for it
     */
    record LoadStats(int validFrames, int framesDecoded, long bytesRead) {}
}
