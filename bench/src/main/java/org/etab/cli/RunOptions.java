package org.etab.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.etab.config.EtabConfig;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.Sharding;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a run streams: batch, threads, epochs, device, order, errors, output. */
public final class RunOptions {
    @Option(
            names = "--batch",
            paramLabel = "B",
            description = "Samples per batch, 1..65536 (default: the config's, 20 if unset).")
    Integer batch;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "Decode threads, 1..1024, and with --prefetch at most 1024 in all; 0: all cores (default: the "
                            + "config's, all cores if unset).")
    Integer threads;

    @Option(
            names = "--prefetch",
            paramLabel = "N",
            description = "Batches assembled ahead beyond one per thread (default: the config's, 2 if unset).")
    Integer prefetch;

    @Option(
            names = "--epochs",
            paramLabel = "E",
            defaultValue = "1",
            description = "Epochs to stream (default: ${DEFAULT-VALUE}); export writes one (see --start-epoch).")
    int epochs;

    @Option(
            names = "--start-epoch",
            paramLabel = "E",
            description = "Epoch to start at: its seeded order and clips (default 0); export writes this one epoch.")
    Integer startEpoch;

    // the old name of --start-epoch, hidden because users read "--epoch 2" as "--epochs 2"; still works, with a warning
    @Option(names = "--epoch", paramLabel = "E", hidden = true)
    Integer deprecatedEpoch;

    @Option(
            names = "--device",
            defaultValue = "auto",
            description = "auto (default: cuda when a GPU is usable, else cpu), "
                    + "cpu (host batches), nd4j (INDArray views) or cuda (pinned uint8 upload, normalized on the GPU); "
                    + "export takes auto or cpu only, and writes host batches either way.")
    String device;

    @Option(
            names = "--ordered",
            arity = "1",
            defaultValue = "true",
            description = "Deliver in plan order (deterministic) (default: ${DEFAULT-VALUE}).")
    boolean ordered;

    @Option(
            names = "--drop-last",
            arity = "1",
            defaultValue = "false",
            description = "Drop each epoch's last partial batch, and with --world the tail that would need repeats "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean dropLast;

    @Option(
            names = "--on-error",
            defaultValue = "skip",
            description = "skip (report and go on) or fail (stop at the first) (default: ${DEFAULT-VALUE}).")
    String onError;

    @Option(
            names = "--quiet",
            description =
                    "No progress bar, summary table or failed: lines (the RESULT line stays; --report lists every failure).")
    boolean quiet;

    @Option(
            names = "--per-epoch",
            description =
                    "Print a line per epoch on stderr, once its last batch is taken: clips/s, RSS, native bytes, heap "
                            + "used, the process's CPU seconds and the JIT's compile milliseconds (compilations that ended in "
                            + "the epoch, summed over the compiler threads) (soak and first-epoch runs).")
    boolean perEpoch;

    @Option(names = "--rank", defaultValue = "0", description = "This rank, 0..world-1 (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(
            names = "--world",
            defaultValue = "1",
            description = "Ranks sharing each epoch (default: ${DEFAULT-VALUE}).")
    int world;

    @Option(
            names = "--resume",
            paramLabel = "FILE",
            description = "Resume state: read at start if present, saved after every batch.")
    Path resume;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description =
                    "CSV of every row of the selection: id,status,stage,reason (delivered, failed, or rejected by the index).")
    Path report;

    /** Where every failure is listed, for the summary's last line: the --report file given, or how to ask for one. */
    String everyFailure() {
        return "--report " + (report != null ? Terminal.safe(report) : "FILE");
    }

    @Option(
            names = "--sample-timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "A sample taking longer fails with stage timeout; 0: no limit (default: ${DEFAULT-VALUE}).")
    double sampleTimeout;

    @Mixin
    MetricsOptions metrics;

    /** The most epochs one run streams: a run keeps a few numbers per epoch, and the last epoch must be an int. */
    static final int MAX_EPOCHS = 1_000_000;
    /** The highest start epoch: with {@link #MAX_EPOCHS} more, still an int. */
    static final int MAX_START_EPOCH = 1_000_000_000;

    /**
     * The epoch to start at, from {@code --start-epoch} or the deprecated {@code --epoch}; the latter prints its
     * warning line on stderr here, so call this once per run.
     */
    int startEpoch() {
        if (deprecatedEpoch != null && startEpoch != null) {
            throw new IllegalArgumentException("--epoch is the old name of --start-epoch; give only --start-epoch");
        }
        if (deprecatedEpoch != null) {
            System.err.println("etab: --epoch is deprecated; use --start-epoch");
        }
        int e = startEpoch != null ? startEpoch : deprecatedEpoch != null ? deprecatedEpoch : 0;
        if (e < 0 || e > MAX_START_EPOCH) {
            throw new IllegalArgumentException("--start-epoch must be 0.." + MAX_START_EPOCH + " but was " + e);
        }
        return e;
    }

    /** The pipeline's options; it also checks the run's flags, so call it before any slower work (the device probe). */
    /** Whether {@code --batch} was given (a configuration file's batch is a default, as the built-in one). */
    boolean batchGiven() {
        return batch != null;
    }

    PipelineOptions pipelineOptions(EtabConfig cfg, long limit) {
        EtabConfig.PipelineDefaults d = cfg.pipeline();
        int b = batch != null ? batch : d.batch();
        int t = threads != null ? threads : d.threads();
        int p = prefetch != null ? prefetch : d.prefetch();
        // named as the user gave them, a flag or a config key; PipelineOptions.build() checks the same bounds for
        // library callers
        checkRange(batch != null ? "--batch" : cfg.describe("batch"), b, 1, PipelineOptions.MAX_BATCH_SIZE);
        String threadsName = threads != null ? "--threads" : cfg.describe("threads");
        if (t < 0) {
            throw new IllegalArgumentException(threadsName + " must be 1..1024, or 0 for all cores, but was " + t);
        }
        if (t == 0) {
            t = Runtime.getRuntime().availableProcessors();
        }
        checkRange(threadsName, t, 1, PipelineOptions.MAX_IN_FLIGHT);
        String prefetchName = prefetch != null ? "--prefetch" : cfg.describe("prefetch");
        checkRange(prefetchName, p, 0, PipelineOptions.MAX_IN_FLIGHT);
        if (t + p > PipelineOptions.MAX_IN_FLIGHT) { // the batches in flight; the library's message names no flag
            throw new IllegalArgumentException(threadsName + " + " + prefetchName + " must be <= "
                    + PipelineOptions.MAX_IN_FLIGHT + " but was " + t + " + " + p + " = " + (t + p));
        }
        checkRange("--epochs", epochs, 1, MAX_EPOCHS);
        if (resume != null && !ordered) {
            throw new IllegalArgumentException(
                    "--resume needs --ordered true: unordered delivery has no resume position");
        }
        long maxTimeout = PipelineOptions.MAX_TIMEOUT.toSeconds();
        if (!(sampleTimeout >= 0 && sampleTimeout <= maxTimeout)) {
            throw new IllegalArgumentException(
                    "--sample-timeout must be 0.." + maxTimeout + " seconds (0: no limit) but was " + sampleTimeout);
        }
        metrics.check();
        // checked here, naming the flags: the library's Sharding and ErrorPolicy name none
        if (world < 1) {
            throw new IllegalArgumentException("--world must be >= 1 but was " + world);
        }
        if (rank < 0 || rank >= world) {
            throw new IllegalArgumentException(
                    "--rank must be 0.." + (world - 1) + " (with --world " + world + ") but was " + rank);
        }
        ErrorPolicy policy;
        try {
            policy = ErrorPolicy.parse(onError);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--on-error must be skip or fail but was '" + onError + "'", e);
        }
        // one flag for both tails, as PyTorch's DistributedSampler and DataLoader both call it drop_last
        return PipelineOptions.builder()
                .batchSize(b)
                .dropLast(dropLast)
                .threads(t)
                .prefetch(p)
                .ordered(ordered)
                .onError(policy)
                .limit(limit)
                .sharding(new Sharding(rank, world, dropLast))
                .sampleTimeout(Duration.ofNanos((long) (sampleTimeout * 1e9)))
                .build();
    }

    /**
     * Why a run with {@code records} records planned no sample, for one stderr line (also under --quiet: a RESULT line
     * of zeros would be unexplained): the index rejected every row of the selection ({@code rejected} of them), or the
     * flags that can leave every record out.
     */
    String whyNothingPlanned(long records, long rejected, PipelineOptions options) {
        if (records == 0) {
            return rejected == 0
                    ? "the selection has no record"
                    : "the index rejected all " + rejected + " rows of the selection (a row it cannot use is never "
                            + "planned)";
        }
        List<String> causes = new ArrayList<>();
        if (options.limit() > 0) {
            causes.add("--limit " + options.limit());
        }
        if (world > 1) {
            causes.add("--world " + world + " (rank " + rank + ")");
        }
        if (dropLast) {
            causes.add("--drop-last true, which drops each epoch's last partial batch (up to "
                    + (options.batchSize() - 1) + " samples)");
        }
        return records + " records, and no sample planned from them"
                + (causes.isEmpty() ? "" : ": " + String.join(", ", causes));
    }

    private static void checkRange(String flag, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(flag + " must be " + min + ".." + max + " but was " + value);
        }
    }

    Device device() {
        return Device.parse(device);
    }

    /** Where batches go after the host pipeline; {@link #AUTO} is resolved by {@link DeviceChoice}. */
    enum Device {
        CPU,
        ND4J,
        CUDA,
        AUTO;

        static Device parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "cpu" -> CPU;
                case "nd4j" -> ND4J;
                case "cuda" -> CUDA;
                case "auto" -> AUTO;
                default ->
                    throw new IllegalArgumentException(
                            "--device must be auto, cpu, nd4j or cuda but was '" + text + "'");
            };
        }
    }
}
