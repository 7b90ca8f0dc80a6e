package org.etab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.datasets.echonet.EchoNetPhantom;

/**
 * Phantom datasets for tests in every module (shipped in the loader's test-jar).
 *
 * <p>Each dataset is generated once per JVM, on first use, into a temporary directory that is deleted
 * when the JVM exits. Tests must treat it as read-only: it is shared by every test class in the fork.
 *
 * <p>Threading: safe to call from any thread; concurrent first calls generate once (holder idiom).
 */
public final class PhantomDatasets {

    /** Videos in {@link #echonet()}: every split and both frame rates (50 and 30 fps) occur. */
    public static final int ECHONET_VIDEOS = 12;

    /** Seed of {@link #echonet()}. */
    public static final long ECHONET_SEED = 20240617L;

    private PhantomDatasets() {}

    /**
     * A small EchoNet-Dynamic phantom: {@value #ECHONET_VIDEOS} videos, seed {@value #ECHONET_SEED}, files
     * directly under the returned directory ({@code FileList.csv}, {@code VolumeTracings.csv},
     * {@code Videos/}).
     */
    public static Path echonet() {
        return EchoNetHolder.ROOT;
    }

    /**
     * {@link #echonet()} copied to {@code dir} with its first video (by name) zeroed, so that its samples fail to
     * decode while the others load.
     *
     * @return the record id of the zeroed video
     */
    public static String echonetWithACorruptVideo(Path dir) throws IOException {
        Path src = echonet();
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Files.createDirectories(dir.resolve("Videos"));
        List<Path> videos;
        try (var listing = Files.list(src.resolve("Videos"))) {
            videos = listing.sorted().toList();
        }
        for (Path v : videos) {
            Files.copy(v, dir.resolve("Videos").resolve(v.getFileName()));
        }
        Path bad = dir.resolve("Videos").resolve(videos.get(0).getFileName());
        Files.write(bad, new byte[4096]);
        String name = bad.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    private static final class EchoNetHolder {
        static final Path ROOT = generate();

        private static Path generate() {
            try {
                Path dir = Files.createTempDirectory("etab-echonet-phantom-");
                Path root = dir.resolve("echonet");
                new EchoNetPhantom(EchoNetPhantom.Options.builder()
                                .videos(ECHONET_VIDEOS)
                                .seed(ECHONET_SEED)
                                .threads(2)
                                .build())
                        .write(root);
                deleteOnExit(dir);
                return root;
            } catch (IOException e) {
                throw new UncheckedIOException("could not generate the EchoNet phantom", e);
            }
        }
    }

    private static void deleteOnExit(Path dir) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try (var paths = Files.walk(dir)) {
                                paths.sorted(java.util.Comparator.reverseOrder())
                                        .forEach(p -> p.toFile().delete());
                            } catch (IOException | UncheckedIOException ignored) {
                                // best effort: a temp directory left behind is harmless
                            }
                        },
                        "etab-phantom-cleanup"));
    }
}
