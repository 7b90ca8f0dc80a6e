package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.etab.synth.EchoNetPhantom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code etab synth}: writes a phantom dataset in the real dataset's exact layout. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a phantom dataset in the real layout (MJPEG AVIs, FileList.csv, VolumeTracings.csv).")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "echonet", description = "echonet (camus and tmed: not yet).")
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (new, or an earlier phantom).")
    Path out;

    @Option(names = "--videos", defaultValue = "200", description = "Number of videos (default: ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--seed", defaultValue = "42", description = "Seed; the same seed writes the same bytes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
        if (!"echonet".equals(dataset.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("dataset '" + dataset + "' has no phantom generator yet; available: echonet");
        }
        EchoNetPhantom.Summary s = write(out, videos, seed, Launch.interactive(quiet));
        if (!quiet) {
            System.err.printf(Locale.ROOT, "etab synth: %d videos, %d frames, %.1f MB in %s%n", s.videos(), s.frames(),
                    s.bytes() / 1e6, s.root());
        }
        return 0;
    }

    static EchoNetPhantom.Summary write(Path out, int videos, long seed, boolean showProgress) {
        try (Progress progress = new Progress("synth", videos, "videos", showProgress)) {
            return new EchoNetPhantom(EchoNetPhantom.Options.of(videos, seed)).write(out, n -> progress.step(1));
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write the phantom: " + e.getMessage(), e);
        }
    }
}
