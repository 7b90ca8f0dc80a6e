package org.etab.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.config.EtabConfig;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Compares dataset roots (local disk, a URL, a URL behind a slow link) in one JVM, taking turns: every root gets a
 * pipeline, all are warmed up, then each round streams {@code --turn} epochs from each root in turn (the order
 * rotating from round to round) and times them. On a shared machine whose speed drifts by several per cent from
 * minute to minute, turns a few seconds apart see the same machine, which separate runs minutes apart do not; and
 * every root runs with the JIT warm for all of them.
 *
 * <p>Not an {@code etab} subcommand: a measuring tool run by its own {@code main}, as
 * {@code bench/remote/remote-bench.sh} does:
 *
 * <pre>java -cp ... org.etab.cli.InterleavedBench --roots local=DIR,http=URL,... [etab bench flags]</pre>
 *
 * Prints one TURN line per timed turn and, per root, the median of its turn rates and the median of its rate over
 * the first root's in the same round (a paired ratio, insensitive to drift between rounds).
 */
@Command(
        name = "interleaved-bench",
        mixinStandardHelpOptions = true,
        description = "Time dataset roots in turns within one JVM.")
public final class InterleavedBench implements Callable<Integer> {
    @Mixin
    SelectionOptions selection;

    @Mixin
    RunOptions run;

    @Option(
            names = "--roots",
            required = true,
            split = ",",
            paramLabel = "LABEL=ROOT",
            description = "The roots to compare, the first one the reference.")
    List<String> roots;

    @Option(names = "--rounds", defaultValue = "10", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--turn",
            defaultValue = "5",
            description = "Epochs per root per round (default: ${DEFAULT-VALUE}).")
    int turn;

    @Option(
            names = "--warmup",
            defaultValue = "20",
            description = "Untimed epochs per root first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        EtabConfig cfg = selection.loadConfig();
        Map<String, String> byLabel = new LinkedHashMap<>();
        for (String r : roots) {
            int eq = r.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--roots takes LABEL=ROOT but was '" + r + "'");
            }
            byLabel.put(r.substring(0, eq), r.substring(eq + 1));
        }
        List<String> labels = new ArrayList<>(byLabel.keySet());
        List<OpenedDataset> opened = new ArrayList<>();
        List<Pipeline> pipelines = new ArrayList<>();
        try {
            PipelineOptions options = run.pipelineOptions(cfg, selection.limit);
            for (String label : labels) {
                selection.root = byLabel.get(label);
                OpenedDataset o = selection.open(cfg);
                opened.add(o);
                pipelines.add(new Pipeline(o.source(), options, new SimpleMeterRegistry(), HostAllocator.NATIVE));
            }
            int[] epoch = new int[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                for (int e = 0; e < warmup; e++) {
                    stream(pipelines.get(i), epoch[i]++);
                }
            }
            double[][] rates = new double[labels.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < labels.size(); k++) {
                    int i = (round + k) % labels.size(); // each root goes first as often as the others
                    long clips = 0;
                    long t0 = System.nanoTime();
                    for (int e = 0; e < turn; e++) {
                        clips += stream(pipelines.get(i), epoch[i]++);
                    }
                    rates[i][round] = clips / ((System.nanoTime() - t0) / 1e9);
                    System.out.printf(
                            Locale.ROOT,
                            "TURN round=%d root=%s clips=%d clips_per_s=%.1f%n",
                            round,
                            labels.get(i),
                            clips,
                            rates[i][round]);
                }
            }
            for (int i = 0; i < labels.size(); i++) {
                double[] ratio = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    ratio[round] = rates[i][round] / rates[0][round];
                }
                var account = pipelines.get(i).account();
                System.out.printf(
                        Locale.ROOT,
                        "ROOT %s median_clips_per_s=%.1f median_ratio_vs_%s=%.3f min_ratio=%.3f "
                                + "max_ratio=%.3f delivered=%d failed=%d%n",
                        labels.get(i),
                        median(rates[i]),
                        labels.get(0),
                        median(ratio),
                        Arrays.stream(ratio).min().orElse(0),
                        Arrays.stream(ratio).max().orElse(0),
                        account.delivered(),
                        account.failed());
            }
            return 0;
        } finally {
            for (Pipeline p : pipelines) {
                p.close();
            }
            for (OpenedDataset o : opened) {
                o.close();
            }
        }
    }

    /** One epoch, each batch closed as it arrives (the consumer of {@code etab bench}); returns the clips. */
    private static long stream(Pipeline pipeline, int epoch) {
        long clips = 0;
        for (Batch b : pipeline.batches(epoch).toIterable(2)) {
            try (b) {
                clips += b.size();
            }
        }
        return clips;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new InterleavedBench()).execute(args));
    }
}
