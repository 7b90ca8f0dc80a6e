package org.etab.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.etab.datasets.echonet.EchoNetPhantom;
import org.junit.jupiter.api.Test;

/** The beating model over many random hearts: traced frames are true extrema, EF and volumes spread realistically. */
class PhantomHeartTest {

    @Test
    void edIsAVolumeMaximumAndEsTheFollowingMinimumInsideTheVideo() {
        SplittableRandom seeds = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            int fps = i % 8 == 0 ? 30 : 50;
            int frames = EchoNetPhantom.MIN_FRAMES
                    + seeds.nextInt(EchoNetPhantom.MAX_FRAMES - EchoNetPhantom.MIN_FRAMES + 1);
            PhantomHeart h = new PhantomHeart(new SplittableRandom(seeds.nextLong()), fps, frames);
            int ed = h.edFrame;
            int es = h.esFrame;
            assertThat(ed).isBetween(1, frames - 2);
            assertThat(es).isBetween(ed + 1, frames - 2);
            assertThat(h.volumeProxy(ed))
                    .isGreaterThanOrEqualTo(h.volumeProxy(ed - 1))
                    .isGreaterThan(h.volumeProxy(ed + 1));
            assertThat(h.volumeProxy(es))
                    .isLessThanOrEqualTo(h.volumeProxy(es - 1))
                    .isLessThan(h.volumeProxy(es + 1));
            // ES follows ED by the systole: a bit over a third of the cycle.
            double systoleFrames = (es - ed) / (h.periodSeconds * fps);
            assertThat(systoleFrames).isBetween(0.3, 0.46);
            assertThat(h.periodSeconds).isBetween(0.6, 1.1);
        }
    }

    @Test
    void efAndVolumesSpreadOverRealisticRanges() {
        SplittableRandom seeds = new SplittableRandom(2);
        int below50 = 0;
        double minEf = 100;
        double maxEf = 0;
        double minEdv = 1e9;
        double maxEdv = 0;
        int n = 500;
        for (int i = 0; i < n; i++) {
            PhantomHeart h = new PhantomHeart(new SplittableRandom(seeds.nextLong()), 50, 120);
            double edv = EchoNetPhantom.diskVolumeMl(h.tracing(h.edFrame));
            double esv = EchoNetPhantom.diskVolumeMl(h.tracing(h.esFrame));
            double ef = 100 * (edv - esv) / edv;
            below50 += ef < 50 ? 1 : 0;
            minEf = Math.min(minEf, ef);
            maxEf = Math.max(maxEf, ef);
            minEdv = Math.min(minEdv, edv);
            maxEdv = Math.max(maxEdv, edv);
        }
        assertThat(minEf).isBetween(12.0, 25.0);
        assertThat(maxEf).isBetween(70.0, 80.0);
        assertThat(below50 / (double) n).isBetween(0.3, 0.7);
        assertThat(minEdv).isBetween(50.0, 90.0);
        assertThat(maxEdv).isBetween(150.0, 230.0);
    }

    @Test
    void tracingIsTheLongAxisThenTwentyChordsFromApexToBase() {
        PhantomHeart h = new PhantomHeart(new SplittableRandom(3), 50, 100);
        double[][] t = h.tracing(h.edFrame);
        assertThat(t).hasDimensions(4, 21);
        // row 0 starts at the apex; chord 1 is nearest the apex, chord 20 nearest the annulus
        double[] apex = {t[0][0], t[1][0]};
        double[] base = {t[2][0], t[3][0]};
        double first = Math.hypot((t[0][1] + t[2][1]) / 2 - apex[0], (t[1][1] + t[3][1]) / 2 - apex[1]);
        double last = Math.hypot((t[0][20] + t[2][20]) / 2 - base[0], (t[1][20] + t[3][20]) / 2 - base[1]);
        double length = Math.hypot(base[0] - apex[0], base[1] - apex[1]);
        assertThat(first / length).isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(last / length).isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(apex[1]).isLessThan(base[1]); // apex at the top of the image, near the probe
        assertThat(t[0][10]).isLessThan(t[2][10]); // (X1, Y1) on the image-left (septal) wall
    }
}
