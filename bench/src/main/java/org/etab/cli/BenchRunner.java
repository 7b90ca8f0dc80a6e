package org.etab.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.gpu.Nd4jBatches;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.RunAccount;
import org.etab.source.SampleFailure;
import org.nd4j.linalg.api.ndarray.INDArray;
import reactor.core.publisher.Flux;

/**
 * Streams epochs through a pipeline the way a training loop would (the calling thread consumes each batch,
 * then closes it) and reports the account and the rates. What "consumes" means depends on the device: host
 * batches as they are, ND4J views of them, or device batches ({@link CudaBench}); the loop and its bookkeeping
 * (progress, report, resume state, per-epoch lines) are the same for all.
 */
final class BenchRunner {
    private BenchRunner() {}

    /**
     * What one run delivered and how fast.
     *
     * @param deviceTimes the GPU feeder's device times for the summary (null without one)
     */
    record Result(
            Totals account,
            double seconds,
            long peakRssMb,
            String device,
            double bytesRead,
            double waitSeconds,
            String deviceTimes) {
        Result(RunAccount account, double seconds, long peakRssMb, String device) {
            this(Totals.of(account), seconds, peakRssMb, device, 0, 0, null);
        }

        Result(Totals account, double seconds, long peakRssMb, String device) {
            this(account, seconds, peakRssMb, device, 0, 0, null);
        }

        Result withDevice(String text) {
            return new Result(account, seconds, peakRssMb, text, bytesRead, waitSeconds, deviceTimes);
        }

        Result withDeviceTimes(String text) {
            return new Result(account, seconds, peakRssMb, device, bytesRead, waitSeconds, text);
        }

        double clipsPerSecond() {
            return account.delivered() / seconds;
        }

        double framesPerSecond() {
            return account.frames() / seconds;
        }

        /**
         * The machine-readable last line of {@code etab bench} and {@code export}; {@code rejected} (rows of the
         * selection the index left out) comes last, so that parsers of the older line keep working.
         */
        String resultLine() {
            return String.format(
                    Locale.ROOT,
                    "RESULT planned=%d delivered=%d failed=%d clips=%d seconds=%.3f clips_per_s=%.1f frames_per_s=%.1f "
                            + "peak_rss_mb=%d rejected=%d",
                    account.planned(),
                    account.delivered(),
                    account.failed(),
                    account.delivered(),
                    seconds,
                    clipsPerSecond(),
                    framesPerSecond(),
                    peakRssMb,
                    account.rejected());
        }
    }

    /**
     * What the consumer does with the epochs' host batches, as a training step would.
     *
     * @param <T> what it iterates: host batches, or device batches made from them
     */
    interface Consumer<T> {
        /** The items the loop iterates, made from the host batches of all the epochs. */
        Flux<T> items(Flux<Batch> batches);

        /** Uses the item as a training step would; nothing it starts may still run when it returns. */
        void take(T item);

        /** The item's valid samples. */
        List<SampleInfo> samples(T item);

        /** Where a resumed run continues after this item. */
        long nextPosition(T item);

        /** Gives the item back (its buffers go back to the pipeline). */
        void close(T item);

        /** Items the loop may buffer ahead of the one in hand. */
        default int prefetch() {
            return 2;
        }
    }

    static Result run(Pipeline pipeline, int epochs, RunOptions.Device device, boolean showProgress) {
        return run(pipeline, 0, epochs - 1, 0, device, showProgress, null, false);
    }

    /**
     * Streams epochs {@code firstEpoch .. lastEpoch} (the first from position {@code startAt} of this rank's
     * sequence) as host batches ({@code cpu}) or ND4J views of them ({@code nd4j}), handing each finished batch to
     * {@code recorder} before closing it.
     */
    static Result run(
            Pipeline pipeline,
            int firstEpoch,
            int lastEpoch,
            long startAt,
            RunOptions.Device device,
            boolean showProgress,
            RunRecorder recorder,
            boolean perEpoch) {
        if (device != RunOptions.Device.CPU && device != RunOptions.Device.ND4J) {
            throw new IllegalArgumentException("host batches are consumed on cpu or nd4j, not " + device
                    + " (resolve --device first: DeviceChoice)");
        }
        HostConsumer consumer = new HostConsumer(device == RunOptions.Device.ND4J);
        Result r = run(
                pipeline,
                firstEpoch,
                lastEpoch,
                startAt,
                consumer,
                device == RunOptions.Device.ND4J ? "nd4j (CPU backend, zero-copy views)" : "cpu (host batches)",
                showProgress,
                recorder,
                perEpoch);
        if (Double.isNaN(consumer.checksum)) {
            throw new IllegalStateException("NaN in a batch");
        }
        return r;
    }

    /** The loop: each item is taken, recorded, counted, then closed, on the calling thread. */
    static <T> Result run(
            Pipeline pipeline,
            int firstEpoch,
            int lastEpoch,
            long startAt,
            Consumer<T> consumer,
            String deviceText,
            boolean showProgress,
            RunRecorder recorder,
            boolean perEpoch) {
        int batchSize = pipeline.options().batchSize();
        long total = 0;
        long[] perEpochPlanned = new long[Math.max(0, lastEpoch - firstEpoch + 1)];
        for (int e = firstEpoch; e <= lastEpoch; e++) {
            perEpochPlanned[e - firstEpoch] = pipeline.schedule(e, e == firstEpoch ? startAt : 0, batchSize)
                    .size();
            total += perEpochPlanned[e - firstEpoch];
        }
        EpochMeter meter = perEpoch ? new EpochMeter(firstEpoch, perEpochPlanned) : null;
        long start = System.nanoTime();
        if (meter != null) {
            meter.start();
        }
        RunAccount account = pipeline.account();
        AtomicLong consumed = new AtomicLong(); // samples the loop has taken (the account counts prefetched ones)
        long planned = total;
        try (InterruptNotice notice = InterruptNotice.forRun(consumed, account, planned, start, recorder);
                Progress progress = new Progress("bench", total, "samples", showProgress)) {
            // one stream over the epochs: the next epoch's first batches are assembled while this one ends
            Flux<Batch> all = lastEpoch < firstEpoch ? Flux.empty() : pipeline.batches(firstEpoch, lastEpoch, startAt);
            try {
                for (T item : pipeline.consume(consumer.items(all), consumer.prefetch())) {
                    List<SampleInfo> samples = consumer.samples(item);
                    try {
                        consumer.take(item);
                        if (recorder != null) {
                            recorder.delivered(samples, consumer.nextPosition(item));
                        }
                        if (meter != null) { // after the step: taking its batches is part of the epoch's time
                            meter.seen(samples.get(0).epoch(), samples.size());
                        }
                        consumed.addAndGet(samples.size());
                        progress.step(samples.size());
                    } finally {
                        consumer.close(item);
                    }
                }
            } finally {
                if (recorder != null) {
                    recorder.finish(); // the failures not yet written: after the last batch, or before a stop
                }
            }
            if (meter != null) {
                meter.finish();
            }
            if (recorder != null && lastEpoch >= firstEpoch) {
                // the run's whole schedule is done, failed samples included: a batch whose samples all failed is
                // never delivered, so without this a trailing one would be tried again on every resume
                int last = lastEpoch - firstEpoch;
                recorder.saveState(lastEpoch, (last == 0 ? startAt : 0) + perEpochPlanned[last]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(
                Totals.of(pipeline.account()),
                seconds,
                Launch.peakRssMb(),
                deviceText,
                pipeline.bytesRead(),
                pipeline.consumerWaitSeconds(),
                null);
    }

    /** Host batches as they are, or read through ND4J views (one element of each, so the views are built). */
    private static final class HostConsumer implements Consumer<Batch> {
        private final boolean nd4j;
        double checksum;

        HostConsumer(boolean nd4j) {
            this.nd4j = nd4j;
        }

        @Override
        public Flux<Batch> items(Flux<Batch> batches) {
            return batches;
        }

        @Override
        public void take(Batch batch) {
            if (nd4j) {
                INDArray x = Nd4jBatches.features(batch);
                INDArray y = Nd4jBatches.labels(batch);
                checksum += x.getDouble(0) + y.getDouble(0);
            }
        }

        @Override
        public List<SampleInfo> samples(Batch batch) {
            return batch.samples();
        }

        @Override
        public long nextPosition(Batch batch) {
            return batch.nextPosition();
        }

        @Override
        public void close(Batch batch) {
            batch.close();
        }
    }

    /** The account of one or several pipelines (export of native sizes runs one per size). */
    record Totals(long planned, long delivered, long failed, long frames, List<SampleFailure> failures, long rejected) {
        static Totals of(RunAccount a) {
            return new Totals(a.planned(), a.delivered(), a.failed(), a.frames(), a.failures(), a.rejected());
        }

        Totals plus(RunAccount a) {
            return plus(a, f -> f);
        }

        /** As {@link #plus(RunAccount)}, each failure renamed by {@code naming} (export: to its file id). */
        Totals plus(RunAccount a, java.util.function.UnaryOperator<SampleFailure> naming) {
            List<SampleFailure> all = new java.util.ArrayList<>(failures);
            a.failures().stream().map(naming).forEach(all::add);
            return new Totals(
                    planned + a.planned(),
                    delivered + a.delivered(),
                    failed + a.failed(),
                    frames + a.frames(),
                    all,
                    rejected + a.rejected());
        }

        /**
         * These totals with samples the pipeline delivered but the consumer could not use (export: an id too long
         * for a file name) counted failed instead, so that {@code planned = delivered + failed} still holds.
         */
        Totals undelivered(List<SampleFailure> unused, long unusedFrames) {
            List<SampleFailure> all = new java.util.ArrayList<>(failures);
            all.addAll(unused);
            return new Totals(
                    planned, delivered - unused.size(), failed + unused.size(), frames - unusedFrames, all, rejected);
        }
    }

    /**
     * The end-of-run table: delivered, failed, rates, memory; then the first failures.
     *
     * @param everyFailure where the failures past the first 10 are listed ({@code --report f.csv}), or null when the
     *                     command has no such file
     */
    static void printSummary(Result r, PrintStream out, String everyFailure) {
        Totals a = r.account();
        out.printf(Locale.ROOT, "%n  device       %s%n", r.device());
        if (r.deviceTimes() != null) {
            out.printf(Locale.ROOT, "  on device    %s%n", r.deviceTimes());
        }
        out.printf(
                Locale.ROOT,
                "  planned      %d%n  delivered    %d%n  failed       %d%n",
                a.planned(),
                a.delivered(),
                a.failed());
        if (a.rejected() > 0) {
            out.printf(Locale.ROOT, "  rejected     %d (by the index; listed above and in --report)%n", a.rejected());
        }
        out.printf(
                Locale.ROOT,
                "  seconds      %.2f%n  clips/s      %.1f%n  frames/s     %.0f%n",
                r.seconds(),
                r.clipsPerSecond(),
                r.framesPerSecond());
        if (r.bytesRead() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  MB/s read    %.1f%n  stall        %.1f %% (consumer waiting for data)%n",
                    r.bytesRead() / 1e6 / r.seconds(),
                    100 * r.waitSeconds() / r.seconds());
        }
        out.printf(Locale.ROOT, "  peak RSS     %d MiB%n%n", r.peakRssMb());
        printFailures(a.failures(), out, everyFailure);
    }

    static void printFailures(List<SampleFailure> failures, PrintStream out, String everyFailure) {
        int shown = Math.min(10, failures.size());
        for (int i = 0; i < shown; i++) {
            out.println("  failed: " + Terminal.safe(failures.get(i)));
        }
        if (failures.size() > shown) {
            out.println("  ... and " + (failures.size() - shown) + " more"
                    + (everyFailure != null ? " (" + everyFailure + " lists every one)" : ""));
        }
    }
}
