package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.etab.config.EtabConfig;
import org.etab.datasets.camus.CamusInfo;
import org.etab.datasets.camus.CamusRelease;
import org.etab.datasets.echonet.EchoNetIndex;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.tmed.TmedReader;
import org.etab.decode.DatasetException;
import org.etab.decode.DecodeException;
import org.etab.decode.PngGray;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.Mutator;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the text parsers (EchoNet CSVs, TMED-2 CSVs, CAMUS cfg, the config file): whatever the damage,
 * nothing escapes but the parsers' documented exceptions ({@link DatasetException} for dataset files,
 * {@link IllegalArgumentException} for the config), and of PNG headers. The MetaImage and NIfTI readers have their own
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
                    assertThat(t.getMessage())
                            .as("case %d of seed %d names the file", i, seed)
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
                } else if (!p.toString().endsWith(".avi")
                        && !p.toString().endsWith(".png")
                        && !p.toString().contains(".nii")
                        && !p.toString().contains("raw")) {
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
            escaped.addAll(fuzz(
                    file.length(),
                    valid,
                    root.resolve(file),
                    p -> {
                        EchoNetIndex index = EchoNetReader.read(root);
                        index.select("all");
                    },
                    DatasetException.class));
        }
        assertThat(escaped).isEmpty();
    }

    @Test
    void tmedCsvs() throws IOException {
        Path root = copyTree(TmedPhantoms.tmed(), dir.resolve("tmed"));
        List<String> escaped = new ArrayList<>();
        for (String file : List.of("labels_per_image.csv", TmedReader.foldFile(0))) {
            Path valid = Files.copy(root.resolve(file), dir.resolve(file + ".valid"));
            escaped.addAll(fuzz(
                    file.length(), valid, root.resolve(file), p -> TmedReader.read(root, 0), DatasetException.class));
        }
        assertThat(escaped).isEmpty();
    }

    @Test
    void camusCfg() throws IOException {
        Path cfg;
        try (var files = Files.walk(CamusPhantoms.camus(CamusRelease.NIFTI))) {
            cfg = files.filter(p -> p.getFileName().toString().startsWith("Info_"))
                    .findFirst()
                    .orElseThrow();
        }
        Path valid = Files.copy(cfg, dir.resolve("valid.cfg"));
        assertThat(fuzz(7, valid, dir.resolve("Info_4CH.cfg"), CamusInfo::read, DatasetException.class))
                .isEmpty();
    }

    @Test
    void configFile() throws IOException {
        Path valid = Path.of("..", "config", "etab.yaml");
        assertThat(fuzz(
                        11,
                        valid,
                        dir.resolve("etab.yaml"),
                        p -> EtabConfig.load(p, Map.of()),
                        IllegalArgumentException.class))
                .isEmpty();
    }

    /** Rewrites the CRC of every chunk that lies whole in the file, as a damaged file's writer would have. */
    private static void withCrcsRedone(byte[] png) {
        ByteBuffer b = ByteBuffer.wrap(png);
        int at = 8;
        while (at + 12 <= png.length) {
            long length = b.getInt(at) & 0xffffffffL;
            if (length > png.length - at - 12L) {
                return;
            }
            CRC32 crc = new CRC32();
            crc.update(png, at + 4, 4 + (int) length);
            b.putInt(at + 8 + (int) length, (int) crc.getValue());
            at += 12 + (int) length;
        }
    }

    /**
     * PNG (TMED-2's images): the generic damage, plus hostile IHDR fields (width, height, bit depth, colour type)
     * and chunk lengths written over a valid file. Each case decodes or fails with a {@link DecodeException} naming
     * the file, and none allocates more than 256 MB on the heap (the raster of the largest image the limits let
     * through from this file's IDAT is far below that). Three cases in four have their CRCs redone, so that the damage
     * reaches the header checks and ImageIO; the fourth is refused by its CRC.
     */
    @Test
    void pngHeadersAndChunkLengths() throws IOException {
        Path image;
        try (var files = Files.walk(TmedPhantoms.tmed())) {
            image = files.filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow();
        }
        byte[] valid = Files.readAllBytes(image);
        Path target = dir.resolve("fuzz.png");
        Mutator generic = new Mutator(13);
        Random hostile = new Random(17);
        long[] sides = {0, 1, 7, 112, 4096, 8192, 8193, 20000, 65535, 0x7fffffffL, 0x80000000L, 0xffffffffL};
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        List<String> escaped = new ArrayList<>();
        int rejected = 0;
        int decoded = 0;
        try (PngGray png = new PngGray()) {
            PngGray.Image out = new PngGray.Image();
            for (int i = 0; i < 2 * CASES; i++) {
                byte[] bytes;
                if (i % 2 == 0) {
                    bytes = generic.mutate(valid);
                } else {
                    bytes = valid.clone();
                    ByteBuffer b = ByteBuffer.wrap(bytes);
                    switch (hostile.nextInt(4)) {
                        case 0 ->
                            b.putInt(16, (int) sides[hostile.nextInt(sides.length)])
                                    .putInt(20, (int) sides[hostile.nextInt(sides.length)]);
                        case 1 -> b.put(24, (byte) hostile.nextInt(256)).put(25, (byte) hostile.nextInt(256));
                        case 2 -> b.putInt(8, (int) sides[hostile.nextInt(sides.length)]); // IHDR's length
                        default -> b.putInt(33, (int) sides[hostile.nextInt(sides.length)]); // the next chunk's
                    }
                }
                if (i % 4 != 3) {
                    withCrcsRedone(bytes); // three in four reach the header checks and ImageIO, not the CRC check
                }
                Files.write(target, bytes);
                long before = mx.getThreadAllocatedBytes(thread);
                try {
                    png.decode(target, out);
                    decoded++;
                } catch (DecodeException e) {
                    rejected++;
                    assertThat(e.getMessage()).as("case %d names the file", i).startsWith(target + ": ");
                } catch (Throwable t) {
                    escaped.add("case " + i + ": " + t);
                }
                assertThat(mx.getThreadAllocatedBytes(thread) - before)
                        .as("heap allocated by case %d", i)
                        .isLessThan(256L << 20);
            }
        }
        assertThat(escaped).isEmpty();
        assertThat(rejected).isGreaterThan(CASES / 2);
        assertThat(decoded)
                .as("some damage is harmless (e.g. an ancillary byte)")
                .isGreaterThan(0);
    }
}
