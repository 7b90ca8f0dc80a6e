package org.etab.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.function.IntToLongFunction;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.batch.SampleInfo;
import org.etab.config.EtabConfig;
import org.etab.metrics.ContinuedMeters;
import org.etab.metrics.JvmMeters;
import org.etab.metrics.MetricsServer;
import org.etab.pipeline.BatchIterator;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ResumeState;
import org.etab.source.DatasetRegistry;
import org.etab.source.IndexProblem;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleException;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code etab export}: one {@code <id>.x.npy} (input) and {@code <id>.y.npy} (target) per sample, and
 * {@code manifest.csv} with one row per sample in delivery order (plus a last column {@code label_scheme} when the
 * target has label schemes, TMED-2's view and AS: the scheme in force, default or not; and a last column
 * {@code layout} when samples are clips: {@code cthw} or {@code tchw}, the axes of the {@code .x.npy} arrays). With {@code --clip-start all} a video gives
 * several samples: the second and later are named {@code <id>_1}, {@code <id>_2}, ... ({@code <id>__1} when a real
 * sample is called {@code <id>_1}: {@link ExportIds}). With {@code --frame-size native}, samples keep their own
 * size; CAMUS sizes differ per patient, so its samples are exported size group by size group (each in plan order;
 * {@code --limit} counts over all of them; {@code --resume} counts one sequence over them, {@link ExportGroups}). A sample whose id is too long for a file name fails alone
 * ({@link ExportIds#unwritable}): in the report and RESULT's {@code failed}, with no files and no manifest row.
 *
 * <p>Interruption: each file is written to a temporary name and moved into place; each sample's manifest and report
 * rows are flushed right after its files; on SIGINT/SIGTERM a shutdown hook lets the sample in hand finish and closes
 * both. {@code --resume} repairs the manifest and report back to the saved position ({@link ExportRepair}) and goes
 * on from there.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write each sample as NumPy .npy files plus manifest.csv (delivery order).")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    SelectionOptions selection;

    @Mixin
    RunOptions run;

    @Mixin
    MetricsLinger linger;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    /** The epoch exported: {@code --start-epoch}. */
    private int epoch;

    /**
     * Held while one sample's files and rows are written, and by the shutdown hook: a SIGINT or SIGTERM lets the
     * sample in hand finish, then closes the manifest and the report, so every row has its files and every file its
     * row.
     */
    private final Object writing = new Object();

    private boolean stopping; // guarded by writing

    /** Samples delivered whose files could not be named ({@link ExportIds#unwritable}): failed, not delivered. */
    private final List<SampleFailure> unwritten = new ArrayList<>();

    private long unwrittenFrames;

    /**
     * Hides {@code --per-epoch} (of the shared {@link RunOptions}) from export's help: export writes one epoch and
     * refuses the flag, so its help does not offer it; a user who passes it still gets the refusal's reason.
     */
    static void hideUnusedOptions(CommandSpec spec) {
        OptionSpec perEpoch = spec.findOption("--per-epoch");
        spec.remove(perEpoch);
        spec.addOption(perEpoch.toBuilder().hidden(true).build());
    }

    @Override
    public Integer call() throws IOException {
        if (!run.device.equals("auto") && !run.device.equals("cpu")) {
            // .npy files are written from host batches: a device would only be set up and never used
            throw new IllegalArgumentException("export writes host arrays to .npy files; --device " + run.device
                    + " is not used by export (leave it out, or say cpu)");
        }
        if (run.epochs != 1) {
            // one epoch's samples are one set of files; a second epoch would overwrite or duplicate them
            throw new IllegalArgumentException("export writes one epoch (--start-epoch E picks which); --epochs "
                    + run.epochs + " does not apply to it (leave it out)");
        }
        if (run.perEpoch) {
            throw new IllegalArgumentException(
                    "export writes one epoch; --per-epoch does not apply to it (its summary has the rates)");
        }
        run.metrics.check();
        linger.check(run.metrics);
        epoch = run.startEpoch();
        EtabConfig cfg = selection.loadConfig();
        SampleOptions sampleOptions = selection.sampleOptions(cfg);
        PipelineOptions options = run.pipelineOptions(cfg, selection.limit);
        selection.checkSource(cfg);
        OutputPaths.check(
                selection.remoteRoot() ? null : selection.datasetRoot(cfg),
                out,
                List.of(
                        new OutputPaths.Output("--report", run.report),
                        new OutputPaths.Output("--resume", run.resume)));
        // native sizes that differ (CAMUS) export one size group after the other
        List<OpenedDataset> groups = sampleOptions.nativeSize() && !selection.remoteRoot()
                ? Datasets.openNative(
                        selection.dataset,
                        selection.datasetRoot(cfg),
                        selection.split,
                        selection.view,
                        selection.fold,
                        sampleOptions)
                : List.of(selection.open(cfg));
        if (!run.batchGiven() && !options.dropLast()) {
            options = ExportGroups.fittingBatch(groups, options);
        }
        MeterRegistry registry = run.metrics.registry();
        try (JvmMeters jvm = run.metrics.jvmMeters(registry); // bound first: the first scrape has the process's
                MetricsServer server = run.metrics.serve("export", registry);
                // one pipeline per size group: their meters as one pipeline's, kept until the run has ended
                ContinuedMeters meters = new ContinuedMeters(registry)) {
            int code;
            try (OutputLock lock = OutputLock.take(out); // one export at a time into --out
                    OutputLock report = OutputLock.file("--report", run.report);
                    OutputLock resume = OutputLock.file("--resume", run.resume)) {
                code = export(groups, sampleOptions, options, meters);
            }
            linger.await("export", server); // after RESULT, as bench does; the run's meters are still there
            return code;
        } finally {
            groups.forEach(OpenedDataset::close);
        }
    }

    private int export(
            List<OpenedDataset> groups, SampleOptions sampleOptions, PipelineOptions options, ContinuedMeters meters)
            throws IOException {
        if (!run.quiet) {
            groups.forEach(BenchCommand::reportIndex);
        }
        boolean resuming = run.resume != null && Files.exists(run.resume);
        ResumeState state = resuming
                ? savedState(sampleOptions.seed())
                : new ResumeState(sampleOptions.seed(), epoch, 0, run.rank, run.world);
        String scheme = DatasetRegistry.resolveLabelScheme(
                DatasetRegistry.get(selection.dataset), sampleOptions.target(), sampleOptions.labelScheme());
        // clips name their axes (stills are always [C, H, W])
        String layout = sampleOptions.clip().video() ? sampleOptions.layout().cliName() : null;
        ManifestRows rows = new ManifestRows(scheme, layout);
        Set<String> real = new HashSet<>();
        for (OpenedDataset g : groups) {
            g.source().plan(epoch).forEach(p -> real.add(p.id()));
        }
        ExportIds ids = new ExportIds(real);
        List<ExportGroups.Group> parts = ExportGroups.plan(groups, options, epoch, ids);
        Path manifestFile = out.resolve("manifest.csv");
        if (!resuming && Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            // its .npy files are not deleted (they may be all a user has of that run): say they stay
            System.err.println("etab export: replacing " + Terminal.safe(manifestFile.toString())
                    + " of an earlier export; that export's .npy files not written again stay in the folder");
        }
        // the epoch's order over all groups, before the limit: a resumed export may raise its limit, not reorder
        IntToLongFunction order = OrderFingerprint.perEpoch(
                groups.stream().map(OpenedDataset::source).toList(), sampleOptions);
        long length = parts.stream().mapToLong(ExportGroups.Group::size).sum();
        if (resuming) {
            checkResume(state, order, length);
        } else if (length == 0) { // also under --quiet: else a RESULT line of zeros is unexplained
            long records = groups.stream().mapToLong(OpenedDataset::records).sum();
            // each rejected row once, whichever native size group lists it
            long rejected = groups.stream()
                    .flatMap(g -> g.rejected().stream())
                    .distinct()
                    .count();
            System.err.println("etab export: nothing to export: " + run.whyNothingPlanned(records, rejected, options));
        }
        // the report's index rows come first: a repaired report has them already
        long kept = resuming
                ? ExportRepair.repair(
                        out, manifestFile, run.report, ids.slots(), state.position(), rejected(parts), state.consumed())
                : -1;
        boolean rejectedWritten = kept >= 0;
        long start = System.nanoTime();
        BenchRunner.Totals totals = new BenchRunner.Totals(0, 0, 0, 0, List.of(), 0);
        // resuming appends to the manifest the run already wrote (repaired to the saved position); a link named
        // manifest.csv would be written through (into whatever it names), so a new manifest replaces it, and a
        // resumed one refuses it (the repair wrote a file there)
        if (!resuming && Files.isSymbolicLink(manifestFile)) {
            Files.delete(manifestFile);
        }
        OpenOption[] mode = resuming
                ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS}
                : new OpenOption[] {
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS
                };
        try (RunRecorder recorder = new RunRecorder(run.report, kept, run.resume, state, order);
                CsvWriter manifest = CsvWriter.builder().build(Files.newBufferedWriter(manifestFile, mode))) {
            if (!resuming || Files.size(manifestFile) == 0) {
                manifest.writeRecord(rows.header());
                manifest.flush();
            }
            Thread hook = new Thread(() -> finishOnSignal(recorder, manifest), "etab-export-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                for (ExportGroups.Group part : parts) {
                    // a group done before an interruption starts at its end: nothing more to export
                    long startAt = part.startAt(state.position());
                    ids.select(part.index());
                    try (Pipeline pipeline =
                            new Pipeline(part.data().source(), part.options(), meters.next(), HostAllocator.NATIVE)) {
                        if (!rejectedWritten) {
                            recorder.rejected(pipeline.account().rejections());
                        }
                        if (part.size() > 0) { // else --drop-last left nothing of it to export
                            exportEpoch(pipeline, startAt, part.offset(), manifest, recorder, ids, rows);
                        }
                        totals = totals.plus(pipeline.account(), ids::named); // the report's names
                    }
                }
                // RESULT while the hook is there: a signal after the last write and before it still says so
                totals = totals.undelivered(unwritten, unwrittenFrames);
                BenchRunner.Result r = new BenchRunner.Result(
                        totals, (System.nanoTime() - start) / 1e9, Launch.peakRssMb(), "cpu (host batches)");
                if (!run.quiet) {
                    BenchRunner.printSummary(r, System.err, run.everyFailure());
                }
                System.out.println(r.resultLine());
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: it closes the files
                }
            }
        }
        return 0;
    }

    /** The --resume file's state, refused unless it is this export's (seed, rank and world, epoch). */
    private ResumeState savedState(long seed) {
        ResumeState saved = ResumeState.read(run.resume);
        BenchResume.naming(run.resume, () -> saved.requireCompatible(seed, run.rank, run.world));
        if (saved.epoch() != epoch) {
            throw new IllegalArgumentException(
                    run.resume + " is for epoch " + saved.epoch() + ", not --start-epoch " + epoch);
        }
        return saved;
    }

    /** Refuses a saved state of another order or past the export's end, then says where the export goes on. */
    private void checkResume(ResumeState saved, IntToLongFunction order, long length) {
        BenchResume.naming(run.resume, () -> saved.requireSameOrder(order.applyAsLong(epoch)));
        if (saved.position() > length) {
            throw BenchResume.pastTheEnd(run.resume, saved.position(), length);
        }
        if (saved.position() == length) { // also under --quiet: else a RESULT line of zeros is unexplained
            System.err.println("etab export: " + Terminal.safe(run.resume) + " is at the end of this export (" + length
                    + " samples): nothing left to do");
        } else if (!run.quiet) {
            System.err.println("etab export: resuming at position " + saved.position() + " of " + length + " ("
                    + Terminal.safe(run.resume) + ")");
        }
    }

    /**
     * One epoch of one pipeline (one size group) from {@code startAt}: per sample, its .npy pair (each written to a
     * temporary name and moved into place), then its manifest row and report row, flushed; a failure's report row
     * comes before the batch it fell in; the resume state after each batch, {@code offset} (where the group starts
     * in the export's sequence) plus the group's own position.
     */
    private void exportEpoch(
            Pipeline pipeline,
            long startAt,
            long offset,
            CsvWriter manifest,
            RunRecorder recorder,
            ExportIds ids,
            ManifestRows rows)
            throws IOException {
        long planned = pipeline.schedule(epoch, startAt, pipeline.options().batchSize())
                .size();
        // failures arrive on decode threads as they happen; the report takes them in sequence order
        PriorityBlockingQueue<SampleFailure> failures =
                new PriorityBlockingQueue<>(16, Comparator.comparingLong(SampleFailure::sequence));
        pipeline.onFailure(failures::add);
        // through the pipeline's iteration, as bench's loop: it records the writer's wait for each batch
        // (etab.consumer.wait, the dashboard's stall), which a plain toIterable would not
        try (Progress progress = new Progress("export", planned, "samples", Launch.interactive(run.quiet));
                BatchIterator<Batch> batches = pipeline.iterate(pipeline.batches(epoch, startAt), 2)) {
            while (batches.hasNext()) {
                exportBatch(batches.next(), pipeline, offset, failures, manifest, recorder, ids, rows, progress);
            }
        } catch (RuntimeException e) {
            // stopped by a failure (--on-error fail) or an error: what failed before it is still reported
            reportFailures(failures, Long.MAX_VALUE, recorder, ids);
            throw ids.underFileId(e);
        }
        reportFailures(failures, Long.MAX_VALUE, recorder, ids);
        synchronized (writing) {
            awaitShutdownIfStopping();
            // the group's whole schedule is done: a trailing batch whose samples all failed is never delivered, so
            // without this a resume would try it again
            recorder.saveState(epoch, offset + startAt + planned);
        }
    }

    /** One batch's samples: their .npy pairs, manifest and report rows, then the resume state after it. */
    private void exportBatch(
            Batch batch,
            Pipeline pipeline,
            long offset,
            PriorityBlockingQueue<SampleFailure> failures,
            CsvWriter manifest,
            RunRecorder recorder,
            ExportIds ids,
            ManifestRows rows,
            Progress progress)
            throws IOException {
        try (batch) {
            reportFailures(failures, batch.nextPosition(), recorder, ids);
            for (int i = 0; i < batch.size(); i++) {
                SampleInfo info = batch.samples().get(i);
                SampleFailure unwritable = ids.unwritable(info);
                if (unwritable != null) {
                    failUnwritable(unwritable, info, recorder, pipeline.options());
                    continue;
                }
                String id = ids.of(info);
                synchronized (writing) {
                    awaitShutdownIfStopping();
                    NpyFile.writePair(
                            batch.features(),
                            batch.labels(),
                            i,
                            out.resolve(id + ".x.npy"),
                            out.resolve(id + ".y.npy"));
                    manifest.writeRecord(rows.row(id, info, batch.labels(), i));
                    manifest.flush();
                    recorder.delivered(info, id);
                }
            }
            synchronized (writing) {
                awaitShutdownIfStopping();
                recorder.saveState(epoch, offset + batch.nextPosition());
            }
            progress.step(batch.size());
        }
    }

    /**
     * A sample whose files cannot be named fails alone: reported in its place in the sequence and counted failed
     * instead of delivered; under {@code --on-error fail} it stops the export as any failed sample does.
     */
    private void failUnwritable(SampleFailure failure, SampleInfo info, RunRecorder recorder, PipelineOptions options) {
        synchronized (writing) {
            awaitShutdownIfStopping();
            recorder.failed(failure);
        }
        unwritten.add(failure);
        unwrittenFrames += info.validFrames();
        if (options.onError() == ErrorPolicy.FAIL) {
            throw new SampleException(failure);
        }
    }

    /** Reports the failures before {@code position} in this rank's sequence, in order, under their file ids. */
    private void reportFailures(
            PriorityBlockingQueue<SampleFailure> failures, long position, RunRecorder recorder, ExportIds ids) {
        synchronized (writing) {
            awaitShutdownIfStopping();
            while (failures.peek() != null && failures.peek().sequence() < position) {
                recorder.failed(ids.named(failures.poll()));
            }
        }
    }

    /** The index's rejected rows of every group, as the groups' pipelines count them (on rank 0 only). */
    private List<IndexProblem> rejected(List<ExportGroups.Group> parts) {
        List<IndexProblem> rows = new ArrayList<>();
        if (run.rank == 0) {
            parts.forEach(p -> rows.addAll(p.data().source().rejected()));
        }
        return rows;
    }

    /**
     * The shutdown hook: waits for the sample being written, closes the manifest and the report, and says where
     * {@code --resume} goes on.
     */
    private void finishOnSignal(RunRecorder recorder, CsvWriter manifest) {
        synchronized (writing) {
            stopping = true;
            try {
                manifest.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("etab export: cannot finish the manifest: " + Terminal.safe(e.getMessage()));
            }
            String resume = recorder.stop();
            System.err.println(System.lineSeparator() + "etab export: stopped by a signal; manifest.csv lists every "
                    + "sample whose files are whole"
                    + (resume == null ? " (no --resume: a new export starts over)" : "; " + resume));
        }
    }

    /** After the shutdown hook closed the files, the export thread writes nothing more; the JVM is ending. */
    private void awaitShutdownIfStopping() {
        while (stopping) {
            try {
                writing.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("export stopped: the process is shutting down", e);
            }
        }
    }
}
