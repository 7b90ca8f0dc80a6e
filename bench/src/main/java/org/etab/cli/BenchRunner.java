package org.etab.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import org.etab.batch.Batch;
import org.etab.gpu.Nd4jBatches;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.RunAccount;
import org.etab.pipeline.SampleFailure;
import org.nd4j.linalg.api.ndarray.INDArray;
import reactor.core.publisher.Flux;

/**
 * Streams epochs through a pipeline the way a training loop would (the calling thread consumes each batch,
 * then closes it) and reports the account and the rates.
 */
final class BenchRunner {
    private BenchRunner() {
    }

    /** What one run delivered and how fast. */
    record Result(Totals account, double seconds, long peakRssMb, String device, double bytesRead, double waitSeconds) {
        Result(RunAccount account, double seconds, long peakRssMb, String device) {
            this(Totals.of(account), seconds, peakRssMb, device, 0, 0);
        }

        Result(Totals account, double seconds, long peakRssMb, String device) {
            this(account, seconds, peakRssMb, device, 0, 0);
        }

        double clipsPerSecond() {
            return account.delivered() / seconds;
        }

        double framesPerSecond() {
            return account.frames() / seconds;
        }

        /** The machine-readable last line of {@code etab bench}. */
        String resultLine() {
            return String.format(Locale.ROOT,
                    "RESULT planned=%d delivered=%d failed=%d clips=%d seconds=%.3f clips_per_s=%.1f frames_per_s=%.1f peak_rss_mb=%d",
                    account.planned(), account.delivered(), account.failed(), account.delivered(), seconds,
                    clipsPerSecond(), framesPerSecond(), peakRssMb);
        }
    }

    static Result run(Pipeline pipeline, int epochs, RunOptions.Device device, boolean showProgress) {
        return run(pipeline, 0, epochs - 1, 0, device, showProgress, null, false);
    }

    /**
     * Streams epochs {@code firstEpoch .. lastEpoch} (the first from position {@code startAt} of this rank's
     * sequence), handing each finished batch to {@code recorder} before closing it.
     */
    static Result run(Pipeline pipeline, int firstEpoch, int lastEpoch, long startAt, RunOptions.Device device,
            boolean showProgress, RunRecorder recorder, boolean perEpoch) {
        int batchSize = pipeline.options().batchSize();
        long total = 0;
        for (int e = firstEpoch; e <= lastEpoch; e++) {
            total += pipeline.schedule(e, e == firstEpoch ? startAt : 0, batchSize).size();
        }
        long start = System.nanoTime();
        double checksum = 0;
        try (Progress progress = new Progress("bench", total, "samples", showProgress)) {
            Flux<Batch> all = Flux.range(firstEpoch, Math.max(0, lastEpoch - firstEpoch + 1))
                    .concatMap(e -> pipeline.batches(e, e == firstEpoch ? startAt : 0), 0);
            EpochMeter meter = perEpoch ? new EpochMeter(firstEpoch) : null;
            for (Batch batch : pipeline.consume(all)) {
                if (meter != null) {
                    meter.seen(batch.samples().get(0).epoch(), batch.size());
                }
                try (batch) {
                    if (device == RunOptions.Device.ND4J) {
                        INDArray x = Nd4jBatches.features(batch);
                        INDArray y = Nd4jBatches.labels(batch);
                        // touch one element of each so the views are really built and read
                        checksum += x.getDouble(0) + y.getDouble(0);
                    }
                    if (recorder != null) {
                        recorder.delivered(batch);
                    }
                    progress.step(batch.size());
                }
            }
            if (meter != null) {
                meter.report();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Double.isNaN(checksum)) {
            throw new IllegalStateException("NaN in a batch");
        }
        return new Result(Totals.of(pipeline.account()), seconds, Launch.peakRssMb(),
                device == RunOptions.Device.ND4J ? "nd4j (CPU backend, zero-copy views)" : "cpu (host batches)",
                pipeline.metrics().bytesRead(), pipeline.metrics().consumerWaitSeconds());
    }

    /** Per-epoch lines for soak runs: rate, resident memory and JavaCPP's native byte counts. */
    private static final class EpochMeter {
        private int epoch;
        private long clips;
        private long startNanos = System.nanoTime();

        EpochMeter(int firstEpoch) {
            this.epoch = firstEpoch;
        }

        /** Counts a batch the consumer took; the first batch of a new epoch closes the previous one's line. */
        void seen(int batchEpoch, int samples) {
            if (batchEpoch != epoch) {
                report();
                epoch = batchEpoch;
            }
            clips += samples;
        }

        void report() {
            double s = (System.nanoTime() - startNanos) / 1e9;
            System.err.printf(Locale.ROOT, "EPOCH %d clips=%d clips_per_s=%.1f rss_mb=%d native_tracked_mb=%.1f "
                    + "heap_used_mb=%d%n", epoch, clips, clips / s,
                    Launch.rssMb(), org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
            clips = 0;
            startNanos = System.nanoTime();
        }
    }

    /** The account of one or several pipelines (export of native sizes runs one per size). */
    record Totals(long planned, long delivered, long failed, long frames, List<SampleFailure> failures) {
        static Totals of(RunAccount a) {
            return new Totals(a.planned(), a.delivered(), a.failed(), a.frames(), a.failures());
        }

        Totals plus(RunAccount a) {
            List<SampleFailure> all = new java.util.ArrayList<>(failures);
            all.addAll(a.failures());
            return new Totals(planned + a.planned(), delivered + a.delivered(), failed + a.failed(), frames + a.frames(), all);
        }
    }

    /** The end-of-run table: delivered, failed, rates, memory; then the first failures. */
    static void printSummary(Result r, PrintStream out) {
        Totals a = r.account();
        out.printf(Locale.ROOT, "%n  device       %s%n", r.device());
        out.printf(Locale.ROOT, "  planned      %d%n  delivered    %d%n  failed       %d%n", a.planned(), a.delivered(), a.failed());
        out.printf(Locale.ROOT, "  seconds      %.2f%n  clips/s      %.1f%n  frames/s     %.0f%n", r.seconds(),
                r.clipsPerSecond(), r.framesPerSecond());
        if (r.bytesRead() > 0) {
            out.printf(Locale.ROOT, "  MB/s read    %.1f%n  stall        %.1f %% (consumer waiting for data)%n",
                    r.bytesRead() / 1e6 / r.seconds(), 100 * r.waitSeconds() / r.seconds());
        }
        out.printf(Locale.ROOT, "  peak RSS     %d MiB%n%n", r.peakRssMb());
        printFailures(a.failures(), out);
    }

    static void printFailures(List<SampleFailure> failures, PrintStream out) {
        int shown = Math.min(10, failures.size());
        for (int i = 0; i < shown; i++) {
            out.println("  failed: " + failures.get(i));
        }
        if (failures.size() > shown) {
            out.println("  ... and " + (failures.size() - shown) + " more");
        }
    }
}
