package org.etab.cli;

import java.util.concurrent.Callable;

import org.etab.config.EtabConfig;
import org.etab.dataset.IndexProblem;
import org.etab.pipeline.EchoNetSource;
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
        SelectionOptions.Selection sel = selection.select(cfg);
        boolean show = Launch.interactive(run.quiet);
        if (!run.quiet) {
            reportIndex(sel);
        }
        EchoNetSource source = new EchoNetSource(sel.records(), selection.echoNetOptions(cfg));
        try (Pipeline pipeline = new Pipeline(source, run.pipelineOptions(cfg, selection.limit))) {
            if (!run.quiet) {
                System.err.printf("etab bench: %d videos, features %s, labels %s, batch %d, %d threads%n",
                        sel.records().size(), source.features(), source.labels(), pipeline.options().batchSize(),
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

    static void reportIndex(SelectionOptions.Selection sel) {
        var problems = sel.index().problems();
        if (!problems.isEmpty()) {
            System.err.printf("etab: the index left out %d entries:%n", problems.size());
            problems.stream().limit(10).map(IndexProblem::toString).forEach(p -> System.err.println("  " + p));
            if (problems.size() > 10) {
                System.err.println("  ... and " + (problems.size() - 10) + " more");
            }
        }
    }
}
