package org.etab.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.etab.api.DataTools;
import org.etab.config.EtabConfig;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code etab split}: ETAB's {@code training_data_split} of the selection's samples, as {@code train.csv},
 * {@code val.csv} and {@code test.csv} (one sample id a line, in the split's order). The samples are those
 * {@code EtabDataset.loadData(limit, false)} would load, in the same order, taken from the index without decoding:
 * a sample that would fail only when decoded is still listed.
 */
@Command(
        name = "split",
        mixinStandardHelpOptions = true,
        description = "ETAB training_data_split (scikit-learn's, seed 42 unless --seed): train.csv, val.csv, test.csv.")
final class SplitCommand implements Callable<Integer> {
    /** Selection flags that shape pixels or the order, which a list of ids does not have: refused when given. */
    static final String[] UNUSED_FLAGS = {
        "--shuffle=false", "--frame-size", "--channels", "--dtype", "--normalize", "--resize", "--antialias", "--layout"
    };

    /** split's {@code --seed}: the split's own, not the config's seed of the order and clips. */
    static final String SEED_HELP = "Seed of the split's shuffle with --random true: NumPy's legacy RandomState, as"
            + " ETAB's split, 0..4294967295 (default: 42, whatever the config's seed).";

    @Mixin
    SelectionOptions selection;

    @Option(
            names = "--train-frac",
            paramLabel = "F",
            defaultValue = "0.5",
            description = "Training fraction, in (0, 1) (ETAB train_frac; default: ${DEFAULT-VALUE}).")
    double trainFrac;

    @Option(
            names = "--val-frac",
            paramLabel = "F",
            defaultValue = "0.1",
            description = "Validation fraction of all samples (ETAB val_frac; default: ${DEFAULT-VALUE}).")
    double valFrac;

    @Option(
            names = "--random",
            arity = "1",
            paramLabel = "true|false",
            defaultValue = "true",
            description = "Shuffle as scikit-learn does (default: ${DEFAULT-VALUE}); false keeps the index order.")
    boolean random;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws IOException {
        selection.refuseUnused("it writes sample ids, shuffled as --random says", UNUSED_FLAGS);
        // checked before any work, naming the flags: DataTools checks the same, naming none
        double valOfRest = valFrac / (1 - trainFrac); // as DataTools.splitPositions tests it
        if (!(trainFrac > 0 && trainFrac < 1) || !(valOfRest > 0 && valOfRest < 1)) {
            throw new IllegalArgumentException("--train-frac must be in (0, 1) and --val-frac > 0, with --train-frac + "
                    + "--val-frac < 1, but were --train-frac " + trainFrac + " --val-frac " + valFrac);
        }
        long seed = selection.sample.seed != null ? selection.sample.seed : DataTools.SEED;
        if (random && (seed < 0 || seed > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException(
                    "--seed must be 0..4294967295 (NumPy's legacy seeding) with --random true but was " + seed);
        }
        EtabConfig cfg = selection.loadConfig();
        String[] names = {"train.csv", "val.csv", "test.csv"};
        // the three files, links resolved: none may replace a file of the dataset, as bench and export check theirs
        OutputPaths.check(
                selection.remoteRoot() ? null : selection.datasetRoot(cfg),
                null,
                java.util.Arrays.stream(names)
                        .map(n -> new OutputPaths.Output("--out", out.resolve(n)))
                        .toList());
        // the list ETAB splits is the loaded data in index order; the split does its own shuffling
        SampleOptions options =
                selection.sampleOptions(cfg).toBuilder().shuffle(false).build();
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (OpenedDataset opened = selection.open(cfg, options)) {
            List<SamplePlan> plans = opened.source().plan(0);
            int take = selection.limit > 0 ? (int) Math.min(plans.size(), selection.limit) : plans.size();
            for (SamplePlan p : plans.subList(0, take)) {
                // a sample known to fail at plan time is never loaded, so never split; a video's several clips
                // (--clip-start all) are one id, in one part: split across parts they would leak
                if (p.failure() == null && seen.add(p.id())) {
                    ids.add(p.id());
                }
            }
        }
        int[][] parts = DataTools.splitPositions(ids.size(), trainFrac, valFrac, random, seed);
        Files.createDirectories(out);
        // each part to a temporary name, then all three moved into place: a write that fails (a full disk) leaves
        // the folder as it was, never a cut train.csv beside an earlier split's test.csv
        Path[] tmp = new Path[names.length];
        try {
            for (int k = 0; k < names.length; k++) {
                tmp[k] = out.resolve(names[k] + ".tmp");
                Files.deleteIfExists(tmp[k]); // a link there would be followed; the file is made new
                // one id per line, quoted as CSV when it must be (an id with a comma or a quote)
                try (CsvWriter w = CsvWriter.builder()
                        .lineDelimiter(LineDelimiter.LF)
                        .build(Files.newBufferedWriter(
                                tmp[k],
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE))) {
                    for (int p : parts[k]) {
                        w.writeRecord(ids.get(p));
                    }
                } catch (UncheckedIOException e) { // FastCSV's, from a write that fails
                    throw e.getCause();
                }
            }
            for (int k = 0; k < names.length; k++) {
                Files.move(
                        tmp[k],
                        out.resolve(names[k]),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            for (Path t : tmp) {
                if (t != null) {
                    Files.deleteIfExists(t);
                }
            }
            throw new UncheckedIOException(out + ": cannot write the split: " + e.getMessage(), e);
        }
        System.out.println("SPLIT samples=" + ids.size() + " train=" + parts[0].length + " val=" + parts[1].length
                + " test=" + parts[2].length + " seed=" + seed + " random=" + random);
        return 0;
    }
}
