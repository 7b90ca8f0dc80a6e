package org.etab.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.etab.batch.DType;
import org.etab.batch.Sample;
import org.etab.bench.Workloads;
import org.etab.datasets.echonet.EchoNetIndex;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.datasets.echonet.EchoNetSource;
import org.etab.gpu.cuda.Device;
import org.etab.metrics.JvmMeters;
import org.etab.metrics.MetricsServer;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.viz.VideoTools;
import org.etab.viz.Visualization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code etab demo}: makes the phantom EchoNet set if it is absent, streams workload W1 through the pipeline
 * with a progress bar, prints the summary, and writes an LV overlay PNG and a clip GIF.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Phantom EchoNet data through the real pipeline (workload W1), plus an LV overlay PNG and a clip GIF.")
final class DemoCommand implements Callable<Integer> {
    /** Where demo writes its phantom set when no --root is given, relative to the installation. */
    static final String PHANTOM = "phantom/echonet";

    @Option(
            names = "--root",
            paramLabel = "DIR",
            description = "Phantom dataset directory (default: phantom/echonet of the installation).")
    Path root;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the PNG and GIF go (default: out/demo of the installation).")
    Path out;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Epochs of W1 to stream (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "Decode threads, 1..1022 (with the 2 batches demo prefetches, at most 1024 in flight); 0 or left "
                            + "out: all cores.")
    Integer threads;

    @Option(
            names = "--quiet",
            description = "No progress bar, summary table or notes on stderr (the phantom being written, W1 and the "
                    + "device, where the pictures went); the RESULT line stays.")
    boolean quiet;

    @Option(
            names = "--device",
            defaultValue = "auto",
            description = "auto (default: cuda when a GPU is usable, else cpu), " + "cpu, nd4j or cuda: as for bench.")
    String device;

    @Option(
            names = "--verbose",
            description = "Say in full why --device auto fell back to cpu (the CUDA probe's reason).")
    boolean verbose;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    MetricsLinger linger;

    /** The batches demo assembles ahead beyond one per thread (the pipeline's default). */
    private static final int DEMO_PREFETCH = 2;
    /** The built-in phantom set: 200 videos (150 TRAIN), seed 42. */
    private static final int PHANTOM_VIDEOS = 200;

    private static final long PHANTOM_SEED = 42;
    /** TRAIN videos tried for the pictures before the demo gives up on them. */
    private static final int PICTURE_TRIES = 10;

    @Override
    public Integer call() {
        Path data = root != null ? root : Launch.home().resolve(PHANTOM);
        Path pictures = out != null ? out : Launch.home().resolve("out/demo");
        boolean show = Launch.interactive(quiet);
        SampleOptions w1 = Workloads.w1().build();
        // the flags first, then the device probe, then any work
        if (epochs < 1 || epochs > RunOptions.MAX_EPOCHS) {
            throw new IllegalArgumentException("--epochs must be 1.." + RunOptions.MAX_EPOCHS + " but was " + epochs);
        }
        // demo prefetches 2 batches (the pipeline's default): threads + 2 is what PipelineOptions bounds
        int maxThreads = PipelineOptions.MAX_IN_FLIGHT - DEMO_PREFETCH;
        if (threads != null && (threads < 0 || threads > maxThreads)) {
            throw new IllegalArgumentException("--threads must be 1.." + maxThreads + " (with the " + DEMO_PREFETCH
                    + " batches demo prefetches, at most " + PipelineOptions.MAX_IN_FLIGHT
                    + " in flight), or 0 for all cores, but was " + threads);
        }
        int t = threads == null || threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        if (t > maxThreads) { // all cores, on a machine with more than maxThreads of them
            t = maxThreads;
        }
        PipelineOptions hostOptions = PipelineOptions.builder()
                .batchSize(20)
                .threads(t)
                .prefetch(DEMO_PREFETCH)
                .build();
        metrics.check();
        linger.check(metrics);
        // the pictures are named after a video: inside the dataset they could replace one of its files
        OutputPaths.check(data, null, List.of(new OutputPaths.Output("--out", pictures)));
        DeviceChoice choice = DeviceChoice.resolve(RunOptions.Device.parse(device), w1);
        ensurePhantom(data, PHANTOM_VIDEOS, show, this::say);
        EchoNetIndex index = EchoNetReader.read(data);
        List<EchoNetRecord> train = index.select("train");
        PipelineOptions po = choice.pipelineOptions(hostOptions);
        say(String.format(
                Locale.ROOT,
                "etab demo: W1 = %d TRAIN videos, EF target, 32-frame clips at 25 fps, RGB 112x112 "
                        + "normalized float32, batch 20, %d decode threads, %d epoch%s, %s",
                train.size(),
                t,
                epochs,
                epochs == 1 ? "" : "s",
                choice.line(verbose)));
        MeterRegistry registry = metrics.registry();
        try (JvmMeters jvm = metrics.jvmMeters(registry); // bound first: the first scrape has the process's
                MetricsServer server = metrics.serve("demo", registry);
                Device gpu = choice.open();
                Pipeline pipeline = new Pipeline(
                        new EchoNetSource(train, choice.samples()), po, registry, DeviceChoice.allocator(gpu))) {
            BenchRunner.Result r = choice.run(pipeline, gpu, registry, 0, epochs - 1, 0, show, null, false);
            if (!quiet) {
                BenchRunner.printSummary(r, System.err, null); // demo has no --report
            }
            drawPictures(train, pipeline.account().failures(), pictures);
            System.out.println(r.resultLine());
            System.out.flush();
            linger.await("demo", server); // after RESULT, as bench does; the pipeline's meters are still there
        }
        return 0;
    }

    /**
     * The pictures of the first TRAIN video whose pictures can be made: one the run did not fail, tried in index
     * order, at most {@value #PICTURE_TRIES} of them; each that cannot (no file, no tracings) is named with why. The
     * pictures are a view of the run, not its result: a dataset whose first videos are damaged still gets its RESULT.
     */
    private void drawPictures(List<EchoNetRecord> train, List<SampleFailure> failed, Path dir) {
        Set<String> failedIds = new HashSet<>();
        failed.forEach(f -> failedIds.add(f.id()));
        int tried = 0;
        for (EchoNetRecord rec : train) {
            if (failedIds.contains(rec.id())) {
                continue;
            }
            if (tried++ == PICTURE_TRIES) {
                break;
            }
            String why = drawPictures(rec, dir);
            if (why == null) {
                return;
            }
            say("etab demo: no pictures of " + Terminal.safe(rec.id()) + ": " + Terminal.safe(why));
        }
        say("etab demo: no pictures: no TRAIN video the run delivered could be drawn"
                + (tried > PICTURE_TRIES ? " (tried the first " + PICTURE_TRIES + ")" : ""));
    }

    /**
     * plot_segment of the ED frame with its LV mask, and create_echo_clip of a 32-frame clip.
     *
     * @return why the video's pictures cannot be made (its sample failed), or null once both are written
     */
    private String drawPictures(EchoNetRecord rec, Path dir) {
        SampleOptions ed = SampleOptions.builder()
                .target(Target.LV_SEG)
                .video(false)
                .frameSize(0, 0)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(42)
                .shuffle(false)
                .build();
        SampleOptions clip = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(32)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.FIRST)
                .frameSize(0, 0)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(42)
                .shuffle(false)
                .build();
        PipelineOptions one = PipelineOptions.builder().threads(1).batchSize(1).build();
        int h = rec.frameHeight();
        int w = rec.frameWidth();
        Path png = dir.resolve(rec.id() + "_lv_overlay.png");
        Path gif = dir.resolve(rec.id() + "_clip.gif");
        try (Pipeline p = new Pipeline(new EchoNetSource(List.of(rec), ed), one);
                Sample s = p.samples(0).blockFirst()) {
            if (s == null) {
                return whyNone(p);
            }
            Visualization.plotSegment(s.features().slotBytes(0), s.labels().slotBytes(0), h, w, true, Color.RED, png);
        }
        try (Pipeline p = new Pipeline(new EchoNetSource(List.of(rec), clip), one);
                Sample s = p.samples(0).blockFirst()) {
            if (s == null) {
                return whyNone(p);
            }
            byte[] all = s.features().slotBytes(0);
            byte[][] frames = new byte[s.info().validFrames()][];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = java.util.Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
            }
            VideoTools.createEchoClip(frames, h, w, VideoTools.FRAME_MILLIS, gif);
        }
        say("etab demo: wrote " + png + " and " + gif);
        return null;
    }

    /** Why a one-sample pipeline gave no sample: its failure's reason. */
    private static String whyNone(Pipeline p) {
        List<SampleFailure> failures = p.account().failures();
        return failures.isEmpty() ? "no sample was planned" : failures.get(0).reason();
    }

    /**
     * Writes the phantom set to {@code data} unless it is there. Two demos started together on a fresh installation
     * would otherwise both write it, each deleting the other's videos: the second waits for the first, through a lock
     * beside the folder, and then finds it written (its FileList.csv, written last, says so).
     */
    static void ensurePhantom(Path data, int videos, boolean show, Consumer<String> say) {
        Path fileList = data.resolve("FileList.csv");
        if (Files.isRegularFile(fileList)) {
            return;
        }
        Path abs = data.toAbsolutePath();
        Path lockFile = abs.resolveSibling("." + abs.getFileName() + ".etab-lock");
        try {
            Files.createDirectories(abs.getParent());
            try (OutputLock lock = OutputLock.await(
                    lockFile,
                    () -> say.accept("etab demo: waiting for another etab demo to write the phantom set to "
                            + Terminal.safe(data)))) {
                if (!Files.isRegularFile(fileList)) {
                    say.accept("etab demo: writing the phantom EchoNet-Dynamic set (" + videos + " videos, seed "
                            + PHANTOM_SEED + ") to " + Terminal.safe(data));
                    SynthCommand.write(data, videos, PHANTOM_SEED, show);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(data + ": cannot lock the phantom set's folder: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another etab demo's phantom set", e);
        }
    }

    private void say(String line) {
        if (!quiet) {
            System.err.println(line);
        }
    }
}
