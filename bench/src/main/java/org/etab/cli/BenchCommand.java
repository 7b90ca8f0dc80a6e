package org.etab.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntToLongFunction;
import org.etab.config.EtabConfig;
import org.etab.gpu.cuda.Device;
import org.etab.metrics.JvmMeters;
import org.etab.metrics.MetricsServer;
import org.etab.pipeline.ErrorPolicy;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ResumeState;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.SampleSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code etab bench}: streams the selection through the pipeline and measures it. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Stream the selection through the pipeline; the last line is "
                + "RESULT planned=.. delivered=.. failed=.. clips=.. seconds=.. clips_per_s=.. frames_per_s=.. peak_rss_mb=.. "
                + "rejected=..")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    SelectionOptions selection;

    @Mixin
    RunOptions run;

    @Mixin
    MetricsLinger linger;

    @Option(
            names = "--verbose",
            description =
                    "Say in full why --device auto fell back to cpu (the CUDA probe's reason); printed even with --quiet.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        // every flag is checked before the device probe, so that a bad one is the only line printed
        EtabConfig cfg = selection.loadConfig();
        SampleOptions asked = selection.sampleOptions(cfg);
        PipelineOptions hostOptions = run.pipelineOptions(cfg, selection.limit);
        linger.check(run.metrics);
        int epoch = run.startEpoch();
        RunOptions.Device device = run.device();
        selection.checkSource(cfg);
        OutputPaths.check(
                selection.remoteRoot() ? null : selection.datasetRoot(cfg),
                null,
                List.of(
                        new OutputPaths.Output("--report", run.report),
                        new OutputPaths.Output("--resume", run.resume)));
        // held from before the saved state is read and the report repaired until the run has ended
        try (OutputLock report = OutputLock.file("--report", run.report);
                OutputLock resume = OutputLock.file("--resume", run.resume)) {
            return stream(cfg, asked, hostOptions, epoch, device, report, resume);
        }
    }

    private int stream(
            EtabConfig cfg,
            SampleOptions asked,
            PipelineOptions hostOptions,
            int epoch,
            RunOptions.Device device,
            OutputLock... locks)
            throws IOException {
        long seed = asked.seed();
        ResumeState state = new ResumeState(seed, epoch, 0, run.rank, run.world);
        ResumeState saved = null;
        if (run.resume != null && Files.exists(run.resume)) {
            saved = ResumeState.read(run.resume);
            ResumeState read = saved;
            BenchResume.naming(run.resume, () -> read.requireCompatible(seed, run.rank, run.world));
            state = saved;
        }
        DeviceChoice choice = DeviceChoice.resolve(device, asked);
        if (!run.quiet || verbose) { // --verbose asks for this line, even when --quiet
            System.err.println("etab bench: " + choice.line(verbose));
        }
        OpenedDataset opened = selection.open(cfg, choice.samples());
        boolean show = Launch.interactive(run.quiet);
        if (!run.quiet) {
            reportIndex(opened);
        }
        SampleSource source = opened.source();
        PipelineOptions options = choice.pipelineOptions(hostOptions);
        long kept = -1; // the sample rows of a report this run continues; -1: a new report
        boolean finished = false; // the saved state is this run's end: nothing to stream
        IntToLongFunction order = OrderFingerprint.perEpoch(List.of(source), asked);
        if (saved != null) {
            // checked before the report is opened, so that a refusal leaves it as it was
            try (Pipeline plan = new Pipeline(source, options)) {
                state = BenchResume.start(saved, epoch, run.epochs, plan, run.resume, order);
                finished = BenchResume.finished(state, epoch + run.epochs - 1, plan);
                if (run.report != null) { // the report goes on across the runs of one state file
                    kept = BenchResume.repairReport(run.report, saved, run.rank == 0 ? source.rejected() : List.of());
                }
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            if (finished) { // also under --quiet: else a run of nothing, its RESULT line all zeros, is unexplained
                System.err.printf(
                        "etab bench: %s is at the end of this run (epoch %d finished, position %d): nothing left "
                                + "to do; to stream further epochs, pass --start-epoch %d%n",
                        Terminal.safe(run.resume), state.epoch(), state.position(), state.epoch() + 1);
            } else if (!run.quiet) {
                System.err.printf(
                        "etab bench: resuming at epoch %d, position %d (%s)%n",
                        state.epoch(), state.position(), Terminal.safe(run.resume));
            }
        }
        int lastEpoch = epoch + run.epochs - 1;
        MeterRegistry registry = run.metrics.registry();
        try (opened;
                JvmMeters jvm = run.metrics.jvmMeters(registry); // bound first: the first scrape has the process's
                MetricsServer server = run.metrics.serve("bench", registry);
                Device gpu = choice.open(); // closed after the pipeline, which frees its pinned batches through it
                Pipeline pipeline = new Pipeline(source, options, registry, DeviceChoice.allocator(gpu));
                RunRecorder recorder = new RunRecorder(run.report, kept, run.resume, state, order)) {
            recorder.releaseWhenClosed(locks); // also when a signal's hook closes it
            pipeline.onFailure(recorder::failedLater); // written in sequence order, before the batch they precede
            if (kept < 0) { // a repaired report has its rejected rows
                recorder.rejected(pipeline.account().rejections());
            }
            if (!run.quiet) {
                System.err.printf(
                        "etab bench: %s, %d records, features %s, labels %s, batch %d, %d threads, rank %d of %d%n",
                        source.dataset(),
                        opened.records(),
                        source.features(),
                        source.labels(),
                        options.batchSize(),
                        options.threads(),
                        run.rank,
                        run.world);
            }
            BenchRunner.Result r = choice.run(
                    pipeline, gpu, registry, state.epoch(), lastEpoch, state.position(), show, recorder, run.perEpoch);
            if (!run.quiet) {
                BenchRunner.printSummary(r, System.err, run.everyFailure());
            }
            if (r.account().planned() == 0 && !finished) {
                System.err.println("etab bench: nothing to stream: "
                        + run.whyNothingPlanned(
                                opened.records(), opened.rejected().size(), options));
            }
            System.out.println(r.resultLine());
            System.out.flush();
            linger.await("bench", server); // the pipeline's meters are still there
            return r.account().failed() > 0 && options.onError() == ErrorPolicy.FAIL ? 1 : 0;
        }
    }

    static void reportIndex(OpenedDataset opened) {
        var problems = opened.problems();
        if (!problems.isEmpty()) {
            // a problem may cover many rows (TMED-2's Not_Provided rows are one): the summary counts the rows rejected
            System.err.printf(
                    "etab: the index reported %d problem%s:%n", problems.size(), problems.size() == 1 ? "" : "s");
            problems.stream().limit(10).map(Terminal::safe).forEach(p -> System.err.println("  " + p));
            if (problems.size() > 10) {
                System.err.println("  ... and " + (problems.size() - 10)
                        + " more (--report FILE lists each row of the selection it rejected)");
            }
        }
    }
}
