package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random damage to valid files: every read either succeeds or throws {@link DatasetException}; no
 * other exception or error (OutOfMemoryError, NegativeArraySizeException, ZipException, ...) escapes.
 */
class MutationTest {
    private static final long SEED = 20240611L;
    private static final int CASES_PER_FILE = 700;

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);

    /** Flip a bit, overwrite, insert or delete a few bytes; near the start more often (that is the header). */
    private byte[] mutate(byte[] in) {
        byte[] b = in.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int limit = random.nextBoolean() ? Math.min(b.length, 400) : b.length;
            int at = limit == 0 ? 0 : random.nextInt(limit);
            switch (random.nextInt(5)) {
                case 0:
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                    break;
                case 1:
                    if (b.length > 0) {
                        b[at] = (byte) random.nextInt(256);
                    }
                    break;
                case 2: {
                    byte[] ins = new byte[1 + random.nextInt(4)];
                    random.nextBytes(ins);
                    if (random.nextInt(4) == 0) {
                        ins = new byte[] {(byte) "0123456789-=\n ".charAt(random.nextInt(14))};
                    }
                    byte[] out = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(ins, 0, out, at, ins.length);
                    System.arraycopy(b, at, out, at + ins.length, b.length - at);
                    b = out;
                    break;
                }
                case 3: {
                    int n = Math.min(1 + random.nextInt(4), b.length - at);
                    byte[] out = new byte[b.length - n];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + n, out, at, b.length - at - n);
                    b = out;
                    break;
                }
                default:
                    b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
                    break;
            }
        }
        return b;
    }

    private int[] run(byte[] valid, Path target, Function<Path, ImageVolume> reader) throws IOException {
        int ok = 0;
        int rejected = 0;
        List<String> escaped = new ArrayList<>();
        for (int i = 0; i < CASES_PER_FILE; i++) {
            Files.write(target, mutate(valid));
            try {
                ImageVolume v = reader.apply(target);
                byte[] dst = new byte[v.sliceLength()];
                for (int z = 0; z < v.depth(); z++) {
                    v.sliceAsUint8(z, dst);
                }
                ok++;
            } catch (DatasetException e) {
                assertThat(e.file()).as("the exception names a file").isNotNull();
                rejected++;
            } catch (Throwable t) {
                escaped.add("case " + i + ": " + t);
            }
        }
        assertThat(escaped)
                .as("non-DatasetException failures for " + target.getFileName())
                .isEmpty();
        return new int[] {ok, rejected};
    }

    private static ImageVolume sample() {
        byte[] px = new byte[5 * 4 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        return ImageVolume.ofUint8(5, 4, 3, new double[] {0.3, 0.15, 1}, px, "mem");
    }

    @Test
    void metaImageLocalRawAndCompressed() throws IOException {
        for (boolean compressed : new boolean[] {false, true}) {
            Path valid = dir.resolve("valid_" + compressed + ".mha");
            MetaImageWriter.write(valid, sample(), compressed, true);
            int[] r = run(Files.readAllBytes(valid), dir.resolve("m_" + compressed + ".mha"), MetaImageReader::read);
            assertThat(r[1]).as("most damaged files are rejected").isGreaterThan(CASES_PER_FILE / 3);
        }
    }

    @Test
    void metaImageSeparateHeaderAndData() throws IOException {
        Path valid = dir.resolve("sep.mhd");
        MetaImageWriter.write(valid, sample(), true, false);
        String header = Files.readString(valid).replace("sep.zraw", "h.zraw");
        Files.copy(dir.resolve("sep.zraw"), dir.resolve("h.zraw"));
        run(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII), dir.resolve("h.mhd"), MetaImageReader::read);
        // and the data file damaged under an intact header
        Path mhd = dir.resolve("d.mhd");
        Files.writeString(mhd, header.replace("h.zraw", "d.zraw"));
        run(Files.readAllBytes(dir.resolve("sep.zraw")), dir.resolve("d.zraw"), p -> MetaImageReader.read(mhd));
    }

    @Test
    void niftiPlainAndGzip() throws IOException {
        for (String name : new String[] {"valid.nii", "valid.nii.gz"}) {
            Path valid = dir.resolve(name);
            NiftiWriter.write(valid, sample());
            int[] r = run(Files.readAllBytes(valid), dir.resolve("n_" + name), NiftiReader::read);
            assertThat(r[1]).isGreaterThan(CASES_PER_FILE / 3);
        }
    }
}
