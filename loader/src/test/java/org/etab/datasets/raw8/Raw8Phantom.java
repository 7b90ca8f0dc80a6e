package org.etab.datasets.raw8;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.etab.source.DatasetPhantom;
import org.etab.synth.Phantoms;

/** Writes {@code count} seeded 24x20 stills (a dark disk on speckle) and their {@code index.csv}. */
final class Raw8Phantom implements DatasetPhantom {
    static final int ROWS = 24;
    static final int COLS = 20;

    @Override
    public String unit() {
        return "images";
    }

    @Override
    public Written write(Path out, int count, long seed, Map<String, String> knobs, IntConsumer progress)
            throws IOException {
        DatasetPhantom.checkKnobs("raw8", knobs, knobs());
        if (count < 1) {
            throw new IllegalArgumentException("images >= 1 required but was " + count);
        }
        Phantoms.claim(out, "raw8 dataset");
        Files.writeString(out.resolve(Phantoms.MARKER), "etab-stream phantom raw8 dataset\n");
        Files.createDirectories(out.resolve("frames"));
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] splits = Phantoms.permutation(count, rnd);
        StringBuilder index = new StringBuilder(Raw8Index.HEADER).append('\n');
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            String id = String.format(Locale.ROOT, "still%03d", i);
            byte[] pixels = new byte[ROWS * COLS];
            int radius = 3 + rnd.nextInt(5);
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    int dr = r - ROWS / 2;
                    int dc = c - COLS / 2;
                    boolean cavity = dr * dr + dc * dc <= radius * radius;
                    pixels[r * COLS + c] = (byte) (cavity ? rnd.nextInt(40) : 120 + rnd.nextInt(120));
                }
            }
            Path file = out.resolve("frames").resolve(id + ".gray");
            Files.write(file, pixels);
            bytes += pixels.length;
            String split = splits[i] < Math.max(1, count * 7 / 10) ? "TRAIN" : splits[i] % 2 == 0 ? "VAL" : "TEST";
            index.append(String.format(
                    Locale.ROOT,
                    "%s,frames/%s.gray,%d,%d,%.1f,%d,%s%n",
                    id,
                    id,
                    ROWS,
                    COLS,
                    20 + 60 * rnd.nextDouble(),
                    i % 2,
                    split));
            progress.accept(i + 1);
        }
        Files.writeString(out.resolve(Raw8Index.FILE), index, StandardCharsets.US_ASCII);
        bytes += index.length();
        return new Written(out, bytes, count + " images, " + bytes + " bytes");
    }
}
