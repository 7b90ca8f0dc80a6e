package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.etab.source.DatasetPhantom;
import org.etab.source.DatasetRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code etab synth}: writes a phantom dataset in the real dataset's exact layout, with the generator the dataset
 * registers. A phantom's settings ({@code release} for CAMUS) come from the flag of the same name.
 */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = "Write a phantom dataset: the real dataset's files and index, in its layout.")
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // description: DatasetHelp (lists the registered datasets)
    @Option(names = "--dataset", defaultValue = Etab.DEFAULT_DATASET)
    String dataset;

    @Option(
            names = "--release",
            defaultValue = "nifti",
            description = "CAMUS release: mhd (original) or nifti (2023; default: ${DEFAULT-VALUE}).")
    String release;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Directory to write (new, or an earlier phantom).")
    Path out;

    @Option(
            names = "--videos",
            defaultValue = "200",
            description = "EchoNet videos, 1..100000 (default: ${DEFAULT-VALUE}).")
    int videos;

    // description: DatasetHelp (names the datasets whose phantoms count patients)
    @Option(names = "--patients", defaultValue = "50")
    int patients;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed; the same seed writes the same bytes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--quiet",
            description = "No progress bar, and no summary line (etab synth: what was written, and where) at the end.")
    boolean quiet;

    @Override
    public Integer call() {
        if (!DatasetRegistry.names().contains(dataset.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("dataset '" + dataset + "' has no phantom generator; available: "
                    + String.join(", ", DatasetRegistry.names()));
        }
        DatasetPhantom phantom = DatasetRegistry.get(dataset).phantom();
        boolean inVideos = phantom.unit().equals("videos");
        String name = DatasetRegistry.get(dataset).name();
        // a flag meant for another dataset's phantom would otherwise be dropped without a word
        refuseUnused(
                inVideos ? "--patients" : "--videos",
                name + " counts " + phantom.unit() + ": use " + (inVideos ? "--videos" : "--patients"));
        for (OptionSpec flag : spec.options()) {
            String knob = flag.longestName().substring(2);
            if (KNOBS.contains(knob) && !phantom.knobs().contains(knob)) {
                refuseUnused(flag.longestName(), name + "'s phantom has no setting '" + knob + "'");
            }
        }
        int count = inVideos ? videos : patients;
        if (count < 1 || count > DatasetPhantom.MAX_COUNT) { // the phantom's own message names no flag
            throw new IllegalArgumentException((inVideos ? "--videos" : "--patients") + " must be 1.."
                    + DatasetPhantom.MAX_COUNT + " but was " + count);
        }
        DatasetPhantom.Written w = write(phantom, out, count, seed, knobs(phantom), Launch.interactive(quiet));
        if (!quiet) {
            System.err.println("etab synth: " + w.summary() + " in " + Terminal.safe(out.toString()));
        }
        return 0;
    }

    /** Flags that set a phantom's setting of the same name ({@link DatasetPhantom#knobs()}). */
    private static final Set<String> KNOBS = Set.of("release");

    private void refuseUnused(String flag, String why) {
        if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
            throw new IllegalArgumentException(flag + " does not apply to --dataset " + dataset + ": " + why);
        }
    }

    /** The phantom's settings that this command has a flag for, with the flags' values. */
    private Map<String, String> knobs(DatasetPhantom phantom) {
        Map<String, String> knobs = new LinkedHashMap<>();
        for (String knob : phantom.knobs()) {
            OptionSpec flag = spec.findOption("--" + knob);
            if (flag != null && flag.getValue() != null) {
                knobs.put(knob, flag.getValue().toString());
            }
        }
        return knobs;
    }

    /** Writes the EchoNet-Dynamic phantom (for {@code etab demo}). */
    static DatasetPhantom.Written write(Path out, int videos, long seed, boolean showProgress) {
        return write(DatasetRegistry.get("echonet").phantom(), out, videos, seed, Map.of(), showProgress);
    }

    private static DatasetPhantom.Written write(
            DatasetPhantom phantom, Path out, int count, long seed, Map<String, String> knobs, boolean showProgress) {
        try (Progress progress = new Progress("synth", phantom.steps(count), phantom.stepUnit(), showProgress)) {
            return phantom.write(out, count, seed, knobs, n -> progress.step(1));
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write the phantom: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // a setting's error starts with its name, which is also the flag's
            for (String knob : knobs.keySet()) {
                if (e.getMessage() != null && e.getMessage().startsWith(knob + " ")) {
                    throw new IllegalArgumentException("--" + e.getMessage(), e);
                }
            }
            throw e;
        }
    }
}
