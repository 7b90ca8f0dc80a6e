package org.etab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.etab.datasets.tmed.TmedPhantom;

/**
 * A phantom TMED-2 dataset for tests in every module (shipped in the loader's test-jar), beside
 * {@link PhantomDatasets}.
 *
 * <p>Generated once per JVM, on first use, into a temporary directory deleted when the JVM exits. Tests must
 * treat it as read-only: it is shared by every test class in the fork (copy it to damage it).
 *
 * <p>Threading: safe to call from any thread; concurrent first calls generate once (holder idiom).
 */
public final class TmedPhantoms {

    /** Patients in {@link #tmed()}: every view, every diagnosis label (each twice) and every split occur. */
    public static final int TMED_PATIENTS = 12;

    /** Seed of {@link #tmed()}. */
    public static final long TMED_SEED = 20240618L;

    private TmedPhantoms() {}

    /**
     * A small TMED-2 phantom: {@value #TMED_PATIENTS} patients (5-7 images each), seed {@value #TMED_SEED},
     * the CSVs directly under the returned directory.
     */
    public static Path tmed() {
        return Holder.ROOT;
    }

    private static final class Holder {
        static final Path ROOT = generate();

        private static Path generate() {
            try {
                Path dir = Files.createTempDirectory("etab-tmed-phantom-");
                Path root = dir.resolve("tmed");
                new TmedPhantom(new TmedPhantom.Options(TMED_PATIENTS, TMED_SEED)).write(root);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "etab-tmed-phantom-cleanup"));
                return root;
            } catch (IOException e) {
                throw new UncheckedIOException("could not generate the TMED-2 phantom", e);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp directory left behind is harmless
        }
    }
}
