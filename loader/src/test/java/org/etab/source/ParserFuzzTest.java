package org.etab.source;

import org.etab.datasets.echonet.EchoNetIndex;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.decode.DatasetException;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.etab.config.EtabConfig;
import org.etab.datasets.camus.CamusInfo;
import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.tmed.TmedReader;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.Mutator;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the text parsers (EchoNet CSVs, TMED-2 CSVs, CAMUS cfg, the config file): whatever the damage,
 * nothing escapes but the parsers' documented exceptions ({@link DatasetException} for dataset files,
 * {@link IllegalArgumentException} for the config). The MetaImage and NIfTI readers have their own
 * {@code MutationTest}.
 */
class ParserFuzzTest {
    private static final int CASES = 400;

    @TempDir
    Path dir;

    /** Mutates {@code file} (a copy of a valid one) {@link #CASES} times and runs {@code parse} on each. */
    private List<String> fuzz(long seed, Path valid, Path target, Consumer<Path> parse, Class<?>... allowed)
            throws IOException {
        byte[] bytes = Files.readAllBytes(valid);
        Mutator m = new Mutator(seed);
        List<String> escaped = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            Files.write(target, m.mutate(bytes));
            try {
                parse.accept(target);
            } catch (Throwable t) {
                boolean documented = false;
                for (Class<?> c : allowed) {
                    documented |= c.isInstance(t);
                }
                if (documented) {
                    rejected++;
                    assertThat(t.getMessage()).as("case %d of seed %d names the file", i, seed)
                            .contains(target.getFileName().toString());
                } else {
                    escaped.add("seed " + seed + " case " + i + ": " + t);
                }
            }
        }
        Files.write(target, bytes);
        assertThat(rejected).as("some damage must be rejected").isGreaterThan(0);
        return escaped;
    }

    private Path copyTree(Path src, Path to) throws IOException {
        try (var files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dst = to.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else if (!p.toString().endsWith(".avi") && !p.toString().endsWith(".png")
                        && !p.toString().contains(".nii") && !p.toString().contains("raw")) {
                    Files.copy(p, dst); // the parsers under test never open media files
                }
            }
        }
        return to;
    }

    @Test
    void echoNetCsvs() throws IOException {
        Path root = copyTree(PhantomDatasets.echonet(), dir.resolve("echonet"));
        List<String> escaped = new ArrayList<>();
        for (String file : List.of("FileList.csv", "VolumeTracings.csv")) {
            Path valid = Files.copy(root.resolve(file), dir.resolve(file + ".valid"));
            escaped.addAll(fuzz(file.length(), valid, root.resolve(file), p -> {
                EchoNetIndex index = EchoNetReader.read(root);
                index.select("all");
            }, DatasetException.class));
        }
        assertThat(escaped).isEmpty();
    }

    @Test
    void tmedCsvs() throws IOException {
        Path root = copyTree(TmedPhantoms.tmed(), dir.resolve("tmed"));
        List<String> escaped = new ArrayList<>();
        for (String file : List.of("labels_per_image.csv", TmedReader.foldFile(0))) {
            Path valid = Files.copy(root.resolve(file), dir.resolve(file + ".valid"));
            escaped.addAll(fuzz(file.length(), valid, root.resolve(file), p -> TmedReader.read(root, 0),
                    DatasetException.class));
        }
        assertThat(escaped).isEmpty();
    }

    @Test
    void camusCfg() throws IOException {
        Path cfg;
        try (var files = Files.walk(CamusPhantoms.camus(CamusRelease.NIFTI))) {
            cfg = files.filter(p -> p.getFileName().toString().startsWith("Info_")).findFirst().orElseThrow();
        }
        Path valid = Files.copy(cfg, dir.resolve("valid.cfg"));
        assertThat(fuzz(7, valid, dir.resolve("Info_4CH.cfg"), CamusInfo::read, DatasetException.class)).isEmpty();
    }

    @Test
    void configFile() throws IOException {
        Path valid = Path.of("..", "config", "etab.yaml");
        assertThat(fuzz(11, valid, dir.resolve("etab.yaml"), p -> EtabConfig.load(p, Map.of()),
                IllegalArgumentException.class)).isEmpty();
    }
}
