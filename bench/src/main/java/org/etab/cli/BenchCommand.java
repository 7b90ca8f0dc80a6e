package org.etab.cli;

import java.util.concurrent.Callable;

import org.etab.config.EtabConfig;
import org.etab.dataset.IndexProblem;
import org.etab.api.Datasets;
import org.etab.pipeline.SampleSource;
import org.etab.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code etab bench}: streams the selection through the pipeline and measures it. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Stream the selection through the pipeline; the last line is "
                + "RESULT planned=.. delivered=.. failed=.. clips=.. seconds=.. clips_per_s=.. frames_per_s=.. peak_rss_mb=..")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    SelectionOptions selection;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        EtabConfig cfg = selection.loadConfig();
        Datasets.Opened opened = selection.open(cfg);
        boolean show = Launch.interactive(run.quiet);
        if (!run.quiet) {
            reportIndex(opened);
        }
        SampleSource source = opened.source();
        try (Pipeline pipeline = new Pipeline(source, run.pipelineOptions(cfg, selection.limit))) {
            if (!run.quiet) {
                System.err.printf("etab bench: %s, %d records, features %s, labels %s, batch %d, %d threads%n",
                        source.dataset(), opened.records(), source.features(), source.labels(), pipeline.options().batchSize(),
                        pipeline.options().threads());
            }
            BenchRunner.Result r = BenchRunner.run(pipeline, run.epochs, run.device(), show);
            if (!run.quiet) {
                BenchRunner.printSummary(r, System.err);
            }
            System.out.println(r.resultLine());
            return 0;
        }
    }

    static void reportIndex(Datasets.Opened opened) {
        var problems = opened.problems();
        if (!problems.isEmpty()) {
            System.err.printf("etab: the index left out %d entries:%n", problems.size());
            problems.stream().limit(10).map(IndexProblem::toString).forEach(p -> System.err.println("  " + p));
            if (problems.size() > 10) {
                System.err.println("  ... and " + (problems.size() - 10) + " more");
            }
        }
    }
}
