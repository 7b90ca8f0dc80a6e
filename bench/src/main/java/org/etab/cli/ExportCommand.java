package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import de.siegmar.fastcsv.writer.CsvWriter;
import org.etab.batch.Batch;
import org.etab.batch.SampleInfo;
import org.etab.config.EtabConfig;
import org.etab.gpu.Nd4jBatches;
import org.etab.api.Datasets;
import org.etab.source.OpenedDataset;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.SampleOptions;
import org.etab.sampling.ResumeState;
import org.etab.pipeline.Pipeline;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code etab export}: one {@code <id>.x.npy} (input) and {@code <id>.y.npy} (target) per sample, and
 * {@code manifest.csv} with one row per sample in delivery order; its last column, {@code layout}, names the axes of
 * the {@code .x.npy} arrays ({@code cthw}, {@code tchw} or {@code chw}). With {@code --clip-start all} a video gives
 * several samples: the second and later are named {@code <id>_1}, {@code <id>_2}, ... With
 * {@code --frame-size native}, samples keep their own size; CAMUS sizes differ per patient, so its samples are
 * exported size group by size group (each in plan order).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write each sample as NumPy .npy files plus manifest.csv (delivery order).")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    SelectionOptions selection;

    @Mixin
    RunOptions run;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    /** The epoch exported: {@code --start-epoch}. */
    private int epoch;

    @Override
    public Integer call() throws IOException {
        if (!run.device.equals("auto") && !run.device.equals("cpu")) {
            // .npy files are written from host batches: a device would only be set up and never used
            throw new IllegalArgumentException("export writes host arrays to .npy files; --device " + run.device
                    + " is not used by export (leave it out, or say cpu)");
        }
        epoch = run.startEpoch();
        EtabConfig cfg = selection.loadConfig();
        SampleOptions sampleOptions = selection.sampleOptions(cfg);
        // native sizes that differ (CAMUS) export one size group after the other
        List<OpenedDataset> groups = sampleOptions.nativeSize() && !selection.remoteRoot()
                ? Datasets.openNative(selection.dataset, selection.datasetRoot(cfg), selection.split, selection.view,
                        selection.fold, sampleOptions)
                : List.of(selection.open(cfg));
        if (!run.quiet) {
            groups.forEach(BenchCommand::reportIndex);
        }
        PipelineOptions options = run.pipelineOptions(cfg, selection.limit);
        ResumeState state = new ResumeState(sampleOptions.seed(), epoch, 0, run.rank, run.world);
        boolean resuming = run.resume != null && Files.exists(run.resume);
        if (run.resume != null && groups.size() > 1) {
            throw new IllegalArgumentException("--resume with native sizes that differ (" + groups.size()
                    + " size groups) is not supported: export with --frame-size LxW, or without --resume");
        }
        if (resuming) {
            state = ResumeState.read(run.resume);
            state.requireCompatible(sampleOptions.seed(), run.rank, run.world);
            if (state.epoch() != epoch) {
                throw new IllegalArgumentException(run.resume + " is for epoch " + state.epoch() + ", not --start-epoch " + epoch);
            }
        }
        Files.createDirectories(out);
        Map<String, Integer> seen = new HashMap<>();
        long start = System.nanoTime();
        BenchRunner.Totals totals = new BenchRunner.Totals(0, 0, 0, 0, List.of());
        // resuming appends to the manifest the run already wrote
        OpenOption[] mode = resuming ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};
        try (RunRecorder recorder = new RunRecorder(run.report, run.resume, state);
                CsvWriter manifest = CsvWriter.builder().build(Files.newBufferedWriter(out.resolve("manifest.csv"), mode))) {
            if (!resuming) {
                manifest.writeRecord("id", "source_id", "x", "y", "epoch", "position", "source_frames", "valid_frames",
                        "label", "layout");
            }
            for (OpenedDataset group : groups) {
                try (Pipeline pipeline = new Pipeline(group.source(), options)) {
                    pipeline.onFailure(recorder::failed);
                    if (resuming) {
                        // ids of the samples already exported, so that repeated ids keep their numbering
                        pipeline.schedule(epoch, 0, options.batchSize()).subList(0, (int) state.position())
                                .forEach(s -> uniqueId(s.plan().id(), seen));
                    }
                    exportEpoch(pipeline, state.position(), manifest, recorder, seen);
                    totals = totals.plus(pipeline.account());
                }
            }
        } finally {
            groups.forEach(OpenedDataset::close);
        }
        BenchRunner.Result r = new BenchRunner.Result(totals, (System.nanoTime() - start) / 1e9, Launch.peakRssMb(),
                "cpu (host batches)");
        if (!run.quiet) {
            BenchRunner.printSummary(r, System.err);
        }
        System.out.println(r.resultLine());
        return 0;
    }

    /** One epoch of one pipeline: an .npy pair and a manifest row per sample, in delivery order. */
    private void exportEpoch(Pipeline pipeline, long startAt, CsvWriter manifest, RunRecorder recorder,
            Map<String, Integer> seen) throws IOException {
        long planned = pipeline.schedule(epoch, startAt, pipeline.options().batchSize()).size();
        String layout = pipeline.source().features().axes().toLowerCase(java.util.Locale.ROOT);
        try (Progress progress = new Progress("export", planned, "samples", Launch.interactive(run.quiet))) {
            for (Batch batch : pipeline.batches(epoch, startAt).toIterable(2)) {
                try (batch) {
                    INDArray x = Nd4jBatches.features(batch);
                    INDArray y = Nd4jBatches.labels(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        SampleInfo info = batch.samples().get(i);
                        String id = uniqueId(info.id(), seen);
                        // dup: ND4J's npy writer writes a view's whole backing buffer, not the view
                        INDArray yi = y.slice(i).dup('c');
                        write(x.slice(i).dup('c'), out.resolve(id + ".x.npy"));
                        write(yi, out.resolve(id + ".y.npy"));
                        manifest.writeRecord(id, info.id(), id + ".x.npy", id + ".y.npy", Integer.toString(info.epoch()),
                                Long.toString(info.position()),
                                Arrays.stream(info.sourceFrames()).mapToObj(Integer::toString).collect(Collectors.joining(" ")),
                                Integer.toString(info.validFrames()), labelText(yi), layout);
                    }
                    manifest.flush();
                    recorder.delivered(batch);
                    progress.step(batch.size());
                }
            }
        }
    }

    private static String uniqueId(String id, Map<String, Integer> seen) {
        int k = seen.merge(id, 1, Integer::sum);
        return k == 1 ? id : id + "_" + (k - 1);
    }

    /** Scalars and pairs in the manifest; masks only in their .npy. */
    private static String labelText(INDArray y) {
        if (y.length() > 4) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < y.length(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(y.dataType().isFPType() ? Double.toString(y.getDouble(i)) : Long.toString(y.getLong(i)));
        }
        return sb.toString();
    }

    private static void write(INDArray a, Path file) {
        try {
            Nd4j.writeAsNumpy(a, file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
