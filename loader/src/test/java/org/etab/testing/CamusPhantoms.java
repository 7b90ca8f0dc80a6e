package org.etab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.etab.datasets.camus.CamusPhantom;
import org.etab.datasets.camus.CamusRelease;

/**
 * Phantom CAMUS datasets for tests in every module (shipped in the loader's test-jar), one per release.
 *
 * <p>Each is generated once per JVM, on first use, into a temporary directory deleted when the JVM exits.
 * Tests must treat it as read-only: it is shared by every test class in the fork.
 *
 * <p>Threading: safe from any thread; concurrent first calls generate once (holder idiom).
 */
public final class CamusPhantoms {

    /**
     * Patients in each phantom: the original release puts 2 of them in {@code testing/} (no ground truth);
     * the 2023 release lists 6 / 1 / 1 for training / validation / testing.
     */
    public static final int PATIENTS = 8;

    /** Seed of both phantoms. */
    public static final long SEED = 20240618L;

    private CamusPhantoms() {}

    /**
     * The phantom of one release; its release folders ({@code training/}+{@code testing/}, or
     * {@code database_nifti/}+{@code database_split/}) lie directly under the returned directory.
     */
    public static Path camus(CamusRelease release) {
        return release == CamusRelease.MHD ? Original.ROOT : Nifti.ROOT;
    }

    private static final class Original {
        static final Path ROOT = generate(CamusRelease.MHD);
    }

    private static final class Nifti {
        static final Path ROOT = generate(CamusRelease.NIFTI);
    }

    private static Path generate(CamusRelease release) {
        try {
            Path dir = Files.createTempDirectory("etab-camus-phantom-");
            Path root = dir.resolve("camus-" + release.name().toLowerCase());
            new CamusPhantom(new CamusPhantom.Options(PATIENTS, SEED, release)).write(root);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "etab-camus-phantom-cleanup"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("could not generate the CAMUS phantom (" + release + ")", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp directory left behind is harmless
        }
    }
}
