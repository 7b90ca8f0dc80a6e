package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.etab.synth.PhantomFiles;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;

/** The files of the shared phantom: layout, headers, FileList values and tracing structure. */
class EchoNetPhantomLayoutTest {

    private final Path root = PhantomDatasets.echonet();

    @Test
    void layoutIsExactlyEchoNetDynamics() throws IOException {
        try (Stream<Path> top = Files.list(root)) {
            assertThat(top.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("FileList.csv", "VolumeTracings.csv", "Videos", EchoNetPhantom.MARKER);
        }
        assertThat(Files.readAllLines(root.resolve("FileList.csv")).get(0))
                .isEqualTo("FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split");
        assertThat(Files.readAllLines(root.resolve("VolumeTracings.csv")).get(0))
                .isEqualTo("FileName,X1,Y1,X2,Y2,Frame");
        List<PhantomFiles.Row> rows = PhantomFiles.fileList(root);
        assertThat(rows).hasSize(PhantomDatasets.ECHONET_VIDEOS);
        Set<String> expectedVideos = rows.stream().map(r -> r.name() + ".avi").collect(Collectors.toSet());
        try (Stream<Path> videos = Files.list(root.resolve("Videos"))) {
            assertThat(videos.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expectedVideos);
        }
    }

    @Test
    void fileListRowsLookLikeTheRealOnes() throws IOException {
        List<PhantomFiles.Row> rows = PhantomFiles.fileList(root);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.name()).matches("0X[0-9A-F]{16}");
            assertThat(r.height()).isEqualTo(112);
            assertThat(r.width()).isEqualTo(112);
            assertThat(r.fps()).isIn(30, 50);
            assertThat(r.frames()).isBetween(80, 220);
            assertThat(r.edv()).isBetween(40.0, 250.0);
            assertThat(r.esv()).isPositive().isLessThan(r.edv());
            assertThat(r.ef()).isBetween(10.0, 85.0);
        });
        assertThat(rows)
                .extracting(PhantomFiles.Row::name)
                .doesNotHaveDuplicates()
                .isSorted();
        assertThat(rows).extracting(PhantomFiles.Row::fps).contains(30, 50);
        Map<String, Long> splits =
                rows.stream().collect(Collectors.groupingBy(PhantomFiles.Row::split, Collectors.counting()));
        assertThat(splits).containsOnlyKeys("TRAIN", "VAL", "TEST");
        assertThat(splits.get("TRAIN")).isEqualTo(9); // 75 % of 12
        // EF on both sides of the 50 % cardiomyopathy cut, so CM targets have both classes.
        assertThat(rows).anySatisfy(r -> assertThat(r.ef()).isLessThan(50));
        assertThat(rows).anySatisfy(r -> assertThat(r.ef()).isGreaterThan(50));
    }

    @Test
    void everyVideoHasAnEsThenAnEdTracingOf21RowsInsideTheVideo() throws IOException {
        List<PhantomFiles.Row> rows = PhantomFiles.fileList(root);
        Map<String, List<PhantomFiles.Group>> tracings = PhantomFiles.tracings(root);
        assertThat(tracings.keySet())
                .containsExactlyElementsOf(
                        rows.stream().map(r -> r.name() + ".avi").toList());
        for (PhantomFiles.Row r : rows) {
            List<PhantomFiles.Group> groups = tracings.get(r.name() + ".avi");
            assertThat(groups).as(r.name()).hasSize(2);
            PhantomFiles.Group es = groups.get(0);
            PhantomFiles.Group ed = groups.get(1);
            assertThat(es.rows()).hasSize(21);
            assertThat(ed.rows()).hasSize(21);
            assertThat(es.frame()).isNotEqualTo(ed.frame());
            assertThat(List.of(es.frame(), ed.frame()))
                    .allSatisfy(f -> assertThat(f).isBetween(0, r.frames() - 1));
            // The first group is the small one: the reference trusts this order.
            assertThat(PhantomFiles.volumeMl(es, 1)).isLessThan(PhantomFiles.volumeMl(ed, 1));
            for (PhantomFiles.Group g : groups) {
                for (double[] c : g.rows()) {
                    for (double v : c) {
                        assertThat(v).isBetween(0.0, 111.0);
                    }
                }
            }
        }
    }

    @Test
    void chordsArePerpendicularToTheLongAxisAndEvenlySpacedAlongIt() throws IOException {
        for (List<PhantomFiles.Group> groups : PhantomFiles.tracings(root).values()) {
            for (PhantomFiles.Group g : groups) {
                double[] axis = g.axis();
                double ax = axis[2] - axis[0];
                double ay = axis[3] - axis[1];
                double length = Math.hypot(ax, ay);
                List<double[]> chords = g.chords();
                for (int k = 0; k < chords.size(); k++) {
                    double[] c = chords.get(k);
                    double cx = c[2] - c[0];
                    double cy = c[3] - c[1];
                    assertThat((cx * ax + cy * ay) / (Math.hypot(cx, cy) * length))
                            .isCloseTo(0, within(1e-3));
                    // the chord midpoint's position along the axis, as a fraction from the apex
                    double mx = (c[0] + c[2]) / 2 - axis[0];
                    double my = (c[1] + c[3]) / 2 - axis[1];
                    assertThat((mx * ax + my * ay) / (length * length)).isCloseTo((k + 0.5) / 20, within(1e-3));
                }
            }
        }
    }

    @Test
    void volumesAndEfAreTheMethodOfDisksOnTheWrittenTracings() throws IOException {
        Map<String, List<PhantomFiles.Group>> tracings = PhantomFiles.tracings(root);
        for (PhantomFiles.Row r : PhantomFiles.fileList(root)) {
            List<PhantomFiles.Group> groups = tracings.get(r.name() + ".avi");
            double esv = PhantomFiles.volumeMl(groups.get(0), EchoNetPhantom.PIXEL_SPACING_CM);
            double edv = PhantomFiles.volumeMl(groups.get(1), EchoNetPhantom.PIXEL_SPACING_CM);
            assertThat(r.esv()).as(r.name()).isCloseTo(esv, within(1e-6));
            assertThat(r.edv()).as(r.name()).isCloseTo(edv, within(1e-6));
            assertThat(r.ef()).as(r.name()).isCloseTo(100 * (edv - esv) / edv, within(1e-6));
        }
    }
}
