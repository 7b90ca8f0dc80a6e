package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.etab.synth.PhantomFiles;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

/** Every phantom video decodes with JavaCV as EchoNet's do: MJPEG, 112x112, the listed rate and length. */
class EchoNetPhantomVideoTest {

    private final Path root = PhantomDatasets.echonet();

    @Test
    void everyVideoDecodesWithTheListedFormatRateAndFrameCount() throws IOException {
        for (PhantomFiles.Row r : PhantomFiles.fileList(root)) {
            try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(
                    root.resolve("Videos").resolve(r.name() + ".avi").toFile())) {
                grabber.start();
                assertThat(grabber.getFormat()).as(r.name()).isEqualTo("avi");
                assertThat(grabber.getVideoCodecName()).as(r.name()).isEqualTo("mjpeg");
                assertThat(grabber.getImageWidth()).isEqualTo(112);
                assertThat(grabber.getImageHeight()).isEqualTo(112);
                assertThat(grabber.getFrameRate()).as(r.name()).isEqualTo(r.fps());
                assertThat(grabber.getLengthInVideoFrames()).as(r.name()).isEqualTo(r.frames());
                int decoded = 0;
                Frame f;
                while ((f = grabber.grabImage()) != null) {
                    assertThat(f.imageChannels).isEqualTo(3);
                    decoded++;
                }
                assertThat(decoded).as(r.name()).isEqualTo(r.frames());
            }
        }
    }

    @Test
    void framesAreGraySectorsBlackOutsideWithADarkCavityInABrightWall() throws IOException {
        PhantomFiles.Row r = PhantomFiles.fileList(root).get(0);
        PhantomFiles.Group ed =
                PhantomFiles.tracings(root).get(r.name() + ".avi").get(1);
        int[] gray =
                PhantomFiles.decodeGray(root.resolve("Videos").resolve(r.name() + ".avi"), ed.frame()); // asserts B=G=R
        // Outside the fan (top corners) is black; the middle of the fan is not.
        assertThat(gray[2 * 112 + 2]).isLessThanOrEqualTo(3);
        assertThat(gray[2 * 112 + 109]).isLessThanOrEqualTo(3);
        // Along the middle chord: dark at the cavity centre, bright just outside both walls.
        double[] c = ed.chords().get(10);
        double cx = (c[0] + c[2]) / 2;
        double cy = (c[1] + c[3]) / 2;
        double ux = (c[2] - c[0]) / Math.hypot(c[2] - c[0], c[3] - c[1]);
        double uy = (c[3] - c[1]) / Math.hypot(c[2] - c[0], c[3] - c[1]);
        double cavity = mean(gray, cx, cy);
        double septum = mean(gray, c[0] - 3 * ux, c[1] - 3 * uy);
        double lateral = mean(gray, c[2] + 3 * ux, c[3] + 3 * uy);
        assertThat(cavity).isLessThan(35);
        assertThat(septum).isGreaterThan(cavity + 60);
        assertThat(lateral).isGreaterThan(cavity + 60);
    }

    /** Mean of the 3x3 pixels around (x, y). */
    private static double mean(int[] gray, double x, double y) {
        int cx = (int) Math.round(x);
        int cy = (int) Math.round(y);
        double sum = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                sum += gray[(cy + dy) * 112 + cx + dx];
            }
        }
        return sum / 9;
    }
}
