package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.etab.synth.PhantomFiles;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

/**
 * The tracing of a frame outlines the dark cavity drawn in THAT frame, as the decoder sees it: the polygon
 * X1[1:] ++ reverse(X2[1:]) against the dark region around the cavity centre, thresholded on the decoded
 * frame. The same polygon moved by a few pixels, or the other frame's tracing, must fit clearly worse, so
 * the bound below separates right from wrong geometry.
 */
class EchoNetPhantomTracingGeometryTest {

    private static final int SIZE = 112;
    /** Blood decodes far below 60 and the myocardium far above it. */
    private static final int DARK = 60;

    private static final double GOOD_IOU = 0.88;

    private final Path root = PhantomDatasets.echonet();

    @Test
    void tracingPolygonsMatchTheDarkCavityOfTheirOwnFrames() throws IOException {
        Map<String, List<PhantomFiles.Group>> tracings = PhantomFiles.tracings(root);
        for (PhantomFiles.Row r : PhantomFiles.fileList(root)) {
            Path video = root.resolve("Videos").resolve(r.name() + ".avi");
            PhantomFiles.Group es = tracings.get(r.name() + ".avi").get(0);
            PhantomFiles.Group ed = tracings.get(r.name() + ".avi").get(1);
            boolean[] edDark = darkCavity(PhantomFiles.decodeGray(video, ed.frame()), ed);
            boolean[] esDark = darkCavity(PhantomFiles.decodeGray(video, es.frame()), es);

            double edIou = iou(edDark, polygonMask(ed, 0, 0));
            double esIou = iou(esDark, polygonMask(es, 0, 0));
            assertThat(edIou).as("%s ED frame %d", r.name(), ed.frame()).isGreaterThan(GOOD_IOU);
            assertThat(esIou).as("%s ES frame %d", r.name(), es.frame()).isGreaterThan(GOOD_IOU);

            // Wrong geometry fails the same bound: the polygon 4 px off across the ventricle, 6 px along it...
            assertThat(iou(edDark, polygonMask(ed, 4, 0))).as(r.name()).isLessThan(GOOD_IOU);
            assertThat(iou(edDark, polygonMask(ed, 0, 6))).as(r.name()).isLessThan(GOOD_IOU);
            // ...and each frame is fitted better by its own tracing than by the other one.
            assertThat(iou(edDark, polygonMask(es, 0, 0))).as(r.name()).isLessThan(edIou);
            assertThat(iou(esDark, polygonMask(ed, 0, 0))).as(r.name()).isLessThan(esIou);
        }
    }

    /** 4-connected dark pixels reachable from the dark pixel nearest the tracing's centre. */
    private static boolean[] darkCavity(int[] gray, PhantomFiles.Group g) {
        double sx = 0;
        double sy = 0;
        for (double[] c : g.chords()) {
            sx += c[0] + c[2];
            sy += c[1] + c[3];
        }
        int n = 2 * g.chords().size();
        int seed = nearestDark(gray, (int) Math.round(sx / n), (int) Math.round(sy / n));
        boolean[] out = new boolean[SIZE * SIZE];
        if (seed < 0) {
            return out;
        }
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        out[seed] = true;
        queue.add(seed);
        while (!queue.isEmpty()) {
            int p = queue.poll();
            int x = p % SIZE;
            int y = p / SIZE;
            int[][] next = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
            for (int[] q : next) {
                if (q[0] < 0 || q[1] < 0 || q[0] >= SIZE || q[1] >= SIZE) {
                    continue;
                }
                int i = q[1] * SIZE + q[0];
                if (!out[i] && gray[i] < DARK) {
                    out[i] = true;
                    queue.add(i);
                }
            }
        }
        return out;
    }

    private static int nearestDark(int[] gray, int x, int y) {
        for (int r = 0; r <= 3; r++) {
            for (int dy = -r; dy <= r; dy++) {
                for (int dx = -r; dx <= r; dx++) {
                    int i = (y + dy) * SIZE + x + dx;
                    if (gray[i] < DARK) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** Pixels whose centre lies inside X1[1:] ++ reverse(X2[1:]) (crossing-number test), shifted by (dx, dy). */
    static boolean[] polygonMask(PhantomFiles.Group g, double dx, double dy) {
        List<double[]> chords = g.chords();
        int n = chords.size();
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int k = 0; k < n; k++) {
            px[k] = chords.get(k)[0] + dx;
            py[k] = chords.get(k)[1] + dy;
            px[2 * n - 1 - k] = chords.get(k)[2] + dx;
            py[2 * n - 1 - k] = chords.get(k)[3] + dy;
        }
        boolean[] mask = new boolean[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean inside = false;
                for (int i = 0, j = px.length - 1; i < px.length; j = i++) {
                    if ((py[i] > y) != (py[j] > y) && x < (px[j] - px[i]) * (y - py[i]) / (py[j] - py[i]) + px[i]) {
                        inside = !inside;
                    }
                }
                mask[y * SIZE + x] = inside;
            }
        }
        return mask;
    }

    static double iou(boolean[] a, boolean[] b) {
        int both = 0;
        int either = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) {
                both++;
            }
            if (a[i] || b[i]) {
                either++;
            }
        }
        return either == 0 ? 0 : both / (double) either;
    }
}
