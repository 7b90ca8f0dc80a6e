package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracing coordinate written just off a half (46.50000001, 45.49999999) rounds as the reference rounds its
 * float64 value, not as its float32 (exactly 46.5 and 45.5, ties that round to even the other way): the LV mask
 * of the phantom's ED tracing with such values equals the mask with the values the reference rounds to.
 */
class TracingTieRoundingTest {
    @TempDir
    Path dir;

    @Test
    void coordinatesJustOffAHalfRoundLikeTheirFloat64() throws IOException {
        byte[] offHalf = edMask(dir.resolve("off"), "46.50000001", "45.49999999");
        byte[] reference = edMask(dir.resolve("ref"), "47", "45");
        byte[] float32 = edMask(dir.resolve("f32"), "46", "46");
        assertThat(differing(float32, reference))
                .as("pixels the two roundings disagree on")
                .isPositive();
        assertThat(differing(offHalf, reference))
                .as("pixels unlike the reference's mask")
                .isZero();
    }

    private static int differing(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    /** The phantom's index files with the ED tracing's first chord vertex (X1, Y1) of its first video set to x, y. */
    private static byte[] edMask(Path root, String x, String y) throws IOException {
        Path src = PhantomDatasets.echonet();
        Files.createDirectories(root);
        Files.copy(src.resolve(EchoNetReader.FILE_LIST), root.resolve(EchoNetReader.FILE_LIST));
        List<String> lines = Files.readAllLines(src.resolve(EchoNetReader.TRACINGS), StandardCharsets.UTF_8);
        String video = lines.get(1).split(",")[0];
        String esFrame = lines.get(1).split(",")[5];
        int edChord = -1; // the ED group's second row: its first chord
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            if (f[0].equals(video) && !f[5].equals(esFrame)) {
                edChord = i + 1;
                break;
            }
        }
        String[] f = lines.get(edChord).split(",");
        lines.set(edChord, String.join(",", f[0], x, y, f[3], f[4], f[5]));
        Files.write(root.resolve(EchoNetReader.TRACINGS), lines, StandardCharsets.UTF_8);

        EchoNetRecord r = EchoNetReader.read(root).records().get(0);
        assertThat(r.id() + ".avi").isEqualTo(video);
        byte[] mask = new byte[r.frameHeight() * r.frameWidth()];
        LvMask.rasterize(r.ed(), r.frameHeight(), r.frameWidth(), mask);
        return mask;
    }
}
