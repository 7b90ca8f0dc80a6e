package org.etab.datasets.tmed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.etab.testing.TmedPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TmedPhantom: layout, labels and splits (read back with plain string splitting, not the reader under test),
 * determinism, the directory guard, and that views are recognizably different images.
 */
class TmedPhantomTest {

    @TempDir
    Path tmp;

    /** One fold-file row, columns found by name. */
    record Row(String key, String folder, String view, String diagnosis, String viewSplit, String diagnosisSplit) {
        String patient() {
            return key.substring(0, key.indexOf('s'));
        }
    }

    static List<Row> fold(Path root, int fold) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve(TmedPhantom.foldFile(fold)));
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertThat(f).hasSize(header.size());
            rows.add(new Row(
                    f[header.indexOf("query_key")],
                    f[header.indexOf("SourceFolder")],
                    f[header.indexOf("view_label")],
                    f[header.indexOf("diagnosis_label")],
                    f[header.indexOf("view_classifier_split")],
                    f[header.indexOf("diagnosis_classifier_split")]));
        }
        return rows;
    }

    @Test
    void writesTheRealLayoutWithEveryLabelAndSplit() throws IOException {
        Path root = TmedPhantoms.tmed();
        assertThat(root.resolve(TmedPhantom.MARKER)).isRegularFile();
        List<String> labelLines = Files.readAllLines(root.resolve("labels_per_image.csv"));
        assertThat(labelLines.get(0)).isEqualTo("query_key,view_label,diagnosis_label");
        Map<String, String> labels = new HashMap<>();
        for (String l : labelLines.subList(1, labelLines.size())) {
            String[] f = l.split(",", -1);
            labels.put(f[0], f[1] + "/" + f[2]);
        }
        List<Row> fold0 = fold(root, 0);
        assertThat(Files.readAllLines(root.resolve("TMED2_fold0_labeledpart.csv"))
                        .get(0))
                .as("an unnamed pandas index column, and the columns by name")
                .startsWith(",")
                .contains(
                        "query_key",
                        "SourceFolder",
                        "view_label",
                        "diagnosis_label",
                        "view_classifier_split",
                        "diagnosis_classifier_split");
        assertThat(fold0).hasSize(labels.size());
        assertThat(fold0)
                .extracting(Row::view)
                .containsOnly(TmedPhantom.VIEWS.toArray(String[]::new))
                .contains(TmedPhantom.VIEWS.toArray(String[]::new));
        assertThat(fold0)
                .extracting(Row::diagnosis)
                .contains(TmedPhantom.DIAGNOSES.toArray(String[]::new))
                .containsOnly(TmedPhantom.DIAGNOSES.toArray(String[]::new));
        assertThat(fold0).extracting(Row::folder).containsOnly(TmedPhantom.DIAGNOSIS_FOLDER, TmedPhantom.VIEW_FOLDER);
        for (Row r : fold0) {
            assertThat(r.key()).matches("\\d+s1_\\d\\.png");
            assertThat(labels.get(r.key())).isEqualTo(r.view() + "/" + r.diagnosis());
            assertThat(r.folder())
                    .isEqualTo(
                            r.diagnosis().equals("Not_Provided")
                                    ? TmedPhantom.VIEW_FOLDER
                                    : TmedPhantom.DIAGNOSIS_FOLDER);
            BufferedImage img =
                    ImageIO.read(root.resolve(r.folder()).resolve(r.key()).toFile());
            assertThat(img.getType()).as("8-bit gray PNG").isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
            assertThat(img.getWidth()).isEqualTo(112);
            assertThat(img.getHeight()).isEqualTo(112);
        }
        Set<String> foldSplits = new HashSet<>();
        for (int f = 0; f < 3; f++) {
            List<Row> rows = fold(root, f);
            assertThat(rows)
                    .extracting(Row::key)
                    .isEqualTo(fold0.stream().map(Row::key).toList());
            assertThat(rows).extracting(Row::viewSplit).contains("train", "val", "test");
            assertThat(rows).extracting(Row::diagnosisSplit).contains("train", "val", "test");
            Map<String, String> byPatient = new HashMap<>();
            for (Row r : rows) {
                String split = r.viewSplit() + "/" + r.diagnosisSplit();
                assertThat(byPatient.computeIfAbsent(r.patient(), p -> split))
                        .as("a patient is in one split")
                        .isEqualTo(split);
            }
            foldSplits.add(rows.stream().map(Row::viewSplit).toList().toString());
            TmedIndex index = TmedReader.read(root, f);
            assertThat(index.problems()).isEmpty();
            assertThat(index.records()).hasSize(rows.size());
        }
        assertThat(foldSplits).as("folds split differently").hasSize(3);
    }

    @Test
    void sameSeedGivesByteIdenticalFilesAnotherSeedOthers() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        TmedPhantom.Summary sa = new TmedPhantom(new TmedPhantom.Options(6, 7)).write(a);
        new TmedPhantom(new TmedPhantom.Options(6, 7)).write(b);
        new TmedPhantom(new TmedPhantom.Options(6, 8)).write(c);
        Map<String, byte[]> filesA = contents(a);
        Map<String, byte[]> filesB = contents(b);
        assertThat(filesA.keySet()).isEqualTo(filesB.keySet());
        filesA.forEach((name, bytes) -> assertThat(filesB.get(name)).as(name).isEqualTo(bytes));
        assertThat(filesA.keySet().stream().filter(n -> n.endsWith(".png"))).hasSize(sa.images());
        assertThat(sa.images()).isBetween(6 * 5, 6 * 7);
        assertThat(sa.bytes())
                .isEqualTo(filesA.values().stream().mapToLong(x -> x.length).sum());
        assertThat(contents(c).get("labels_per_image.csv")).isNotEqualTo(filesA.get("labels_per_image.csv"));
    }

    @Test
    void refusesANonEmptyDirectoryThatIsNotAPhantom() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("TMED2"));
        Files.writeString(real.resolve("labels_per_image.csv"), "query_key\n");
        TmedPhantom phantom = new TmedPhantom(new TmedPhantom.Options(1, 1));
        assertThatThrownBy(() -> phantom.write(real))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("non-empty directory")
                .hasMessageContaining(TmedPhantom.MARKER);
        assertThat(real.resolve("labels_per_image.csv")).hasContent("query_key");
        assertThat(real.resolve(TmedPhantom.foldFile(0))).doesNotExist();
        assertThatThrownBy(() -> phantom.write(real.resolve("labels_per_image.csv")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> new TmedPhantom.Options(0, 1)).hasMessage("patients in 1..100000 required but was 0");
        assertThatThrownBy(() -> new TmedPhantom.Options(100_001, 1))
                .hasMessage("patients in 1..100000 required but was 100001");
    }

    @Test
    void rewritesAnEarlierPhantomWithoutLeavingStaleImages() throws IOException {
        Path out = tmp.resolve("phantom");
        new TmedPhantom(new TmedPhantom.Options(8, 5)).write(out);
        Files.writeString(out.resolve("README.txt"), "mine");
        TmedPhantom.Summary s = new TmedPhantom(new TmedPhantom.Options(2, 6)).write(out);
        Set<String> listed = new HashSet<>();
        for (Row r : fold(out, 0)) {
            listed.add(r.folder() + "/" + r.key());
        }
        assertThat(contents(out).keySet().stream().filter(n -> n.endsWith(".png")))
                .containsExactlyInAnyOrderElementsOf(listed)
                .hasSize(s.images());
        assertThat(out.resolve("README.txt")).hasContent("mine");
    }

    /**
     * Views differ recognizably: a nearest-centroid classifier (per-view mean image, Euclidean distance) built
     * on one phantom labels the images of another seed correctly.
     */
    @Test
    void viewsAreRecognizablyDifferentImages() throws IOException {
        Path other = tmp.resolve("other");
        new TmedPhantom(new TmedPhantom.Options(10, 99)).write(other);
        double[][] centroids = new double[5][112 * 112];
        int[] counts = new int[5];
        for (Row r : fold(TmedPhantoms.tmed(), 0)) {
            int v = TmedPhantom.VIEWS.indexOf(r.view());
            int[] px = pixels(TmedPhantoms.tmed(), r);
            for (int i = 0; i < px.length; i++) {
                centroids[v][i] += px[i];
            }
            counts[v]++;
        }
        for (int v = 0; v < 5; v++) {
            for (int i = 0; i < centroids[v].length; i++) {
                centroids[v][i] /= counts[v];
            }
        }
        int right = 0;
        List<Row> rows = fold(other, 0);
        for (Row r : rows) {
            int[] px = pixels(other, r);
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int v = 0; v < 5; v++) {
                double d = 0;
                for (int i = 0; i < px.length; i++) {
                    double e = px[i] - centroids[v][i];
                    d += e * e;
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = v;
                }
            }
            right += TmedPhantom.VIEWS.get(best).equals(r.view()) ? 1 : 0;
        }
        assertThat(right).as("correctly classified of %d", rows.size()).isEqualTo(rows.size());
    }

    private static int[] pixels(Path root, Row r) throws IOException {
        Raster raster =
                ImageIO.read(root.resolve(r.folder()).resolve(r.key()).toFile()).getRaster();
        return raster.getSamples(0, 0, 112, 112, 0, new int[112 * 112]);
    }

    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p)) {
                    files.put(root.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }
}
