package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.camus.CamusPhantom;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.etab.datasets.tmed.TmedPhantom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code etab synth}: writes a phantom dataset in the real dataset's exact layout. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a phantom dataset in the real layout (MJPEG AVIs, FileList.csv, VolumeTracings.csv).")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "echonet", description = "echonet (default), camus or tmed.")
    String dataset;

    @Option(names = "--release", defaultValue = "nifti", description = "CAMUS release: mhd (original) or nifti (2023).")
    String release;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (new, or an earlier phantom).")
    Path out;

    @Option(names = "--videos", defaultValue = "200", description = "EchoNet videos (default: ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--patients", defaultValue = "50", description = "CAMUS or TMED-2 patients (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--seed", defaultValue = "42", description = "Seed; the same seed writes the same bytes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        String what;
        switch (dataset.trim().toLowerCase(Locale.ROOT)) {
            case "echonet" -> {
                EchoNetPhantom.Summary s = write(out, videos, seed, Launch.interactive(quiet));
                what = String.format(Locale.ROOT, "%d videos, %d frames, %.1f MB", s.videos(), s.frames(), s.bytes() / 1e6);
            }
            case "camus" -> {
                CamusRelease r = switch (release.trim().toLowerCase(Locale.ROOT)) {
                    case "mhd" -> CamusRelease.MHD;
                    case "nifti" -> CamusRelease.NIFTI;
                    default -> throw new IllegalArgumentException("--release must be mhd or nifti but was '" + release + "'");
                };
                CamusPhantom.Summary s;
                try (Progress progress = new Progress("synth", patients, "patients", Launch.interactive(quiet))) {
                    s = new CamusPhantom(new CamusPhantom.Options(patients, seed, r)).write(out, n -> progress.step(1));
                }
                what = String.format(Locale.ROOT, "%d patients (%s release), %.1f MB", s.patients(), r, s.bytes() / 1e6);
            }
            case "tmed" -> {
                TmedPhantom.Summary s;
                // about 6 images per patient; the bar's total is an estimate until the run ends
                try (Progress progress = new Progress("synth", 6L * patients, "images", Launch.interactive(quiet))) {
                    s = new TmedPhantom(new TmedPhantom.Options(patients, seed)).write(out, n -> progress.step(1));
                }
                what = String.format(Locale.ROOT, "%d patients, %d images, %.1f MB", s.patients(), s.images(), s.bytes() / 1e6);
            }
            default -> throw new IllegalArgumentException("dataset '" + dataset + "' has no phantom generator; available: "
                    + "echonet, camus, tmed");
        }
        if (!quiet) {
            System.err.println("etab synth: " + what + " in " + out);
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
