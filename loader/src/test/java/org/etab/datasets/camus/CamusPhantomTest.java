package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageReader;
import org.etab.decode.NiftiReader;
import org.etab.testing.CamusPhantoms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamusPhantomTest {
    @TempDir
    Path tmp;

    @Test
    void originalLayoutHasEveryFileAndEveryMetaImageStorage() throws IOException {
        Path root = CamusPhantoms.camus(CamusRelease.MHD);
        assertThat(root.resolve(CamusPhantom.MARKER)).isRegularFile();
        Path p1 = root.resolve("training/patient0001");
        for (String view : new String[] {"2CH", "4CH"}) {
            for (String part : new String[] {"ED", "ES", "ED_gt", "ES_gt", "sequence"}) {
                assertThat(p1.resolve("patient0001_" + view + "_" + part + ".mhd"))
                        .isRegularFile();
            }
            assertThat(p1.resolve("Info_" + view + ".cfg")).isRegularFile();
        }
        assertThat(root.resolve("testing/patient0007/patient0007_4CH_ED.mhd")).isRegularFile();
        assertThat(root.resolve("testing/patient0008/patient0008_2CH_sequence.mhd"))
                .isRegularFile();
        try (Stream<Path> files = Files.walk(root.resolve("testing"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("_gt"));
        }
        // patient0001 .raw, patient0002 .zraw, patient0003 LOCAL
        assertThat(root.resolve("training/patient0001/patient0001_2CH_ED.raw")).isRegularFile();
        assertThat(root.resolve("training/patient0002/patient0002_2CH_ED.zraw")).isRegularFile();
        assertThat(Files.readString(
                        root.resolve("training/patient0002/patient0002_2CH_ED.mhd"),
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .containsIgnoringCase("CompressedData = True");
        assertThat(Files.list(root.resolve("training/patient0003"))
                        .map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.endsWith("raw"));
        String cfg = Files.readString(p1.resolve("Info_4CH.cfg"));
        assertThat(cfg)
                .contains("ED: ")
                .contains("ES: ")
                .contains("NbFrame: ")
                .contains("LVef: ")
                .contains("ImageQuality: ")
                .doesNotContain("FrameRate");
    }

    @Test
    void niftiLayoutHasHalfSequencesAndSplitLists() throws IOException {
        Path root = CamusPhantoms.camus(CamusRelease.NIFTI);
        Path p1 = root.resolve("database_nifti/patient0001");
        for (String view : new String[] {"2CH", "4CH"}) {
            for (String part : new String[] {"ED", "ES", "ED_gt", "ES_gt", "half_sequence", "half_sequence_gt"}) {
                assertThat(p1.resolve("patient0001_" + view + "_" + part + ".nii.gz"))
                        .isRegularFile();
            }
        }
        List<String> listed = new ArrayList<>();
        for (String s : new String[] {"training", "validation", "testing"}) {
            List<String> names = Files.readAllLines(root.resolve("database_split/subgroup_" + s + ".txt"));
            assertThat(names).isNotEmpty();
            listed.addAll(names);
        }
        assertThat(listed).hasSize(CamusPhantoms.PATIENTS).doesNotHaveDuplicates();
        assertThat(Files.readString(p1.resolve("Info_2CH.cfg")))
                .contains("EF: ")
                .contains("FrameRate: ");
    }

    @Test
    void imagesAreNonSquareAndLabelMapsMatchThePixels() {
        for (CamusRelease release : CamusRelease.values()) {
            CamusIndex index = CamusReader.read(CamusPhantoms.camus(release));
            for (CamusRecord r : index.select("train", "both")) {
                ImageVolume ed = read(r.ed());
                ImageVolume gt = read(r.edGt());
                ImageVolume seq = read(r.sequence());
                assertThat(ed.width()).isBetween(200, 360).isNotEqualTo(ed.height());
                assertThat(ed.height()).isBetween(200, 360);
                assertThat(ed.depth()).isEqualTo(1);
                assertThat(seq.depth()).isEqualTo(r.frames()).isBetween(10, 20);
                assertThat(gt.width()).isEqualTo(ed.width());
                byte[] px = new byte[ed.sliceLength()];
                byte[] lb = new byte[ed.sliceLength()];
                ed.sliceAsUint8(0, px);
                gt.sliceAsLabels(0, lb);
                long[] count = new long[4];
                for (int i = 0; i < px.length; i++) {
                    int v = px[i] & 0xff;
                    int l = lb[i];
                    count[l]++;
                    switch (l) {
                        case 1, 3 -> assertThat(v).isLessThan(40);
                        case 2 -> assertThat(v).isGreaterThan(160);
                        default -> assertThat(v).isBetween(70, 120);
                    }
                }
                assertThat(java.util.Arrays.stream(count).min().getAsLong()).isGreaterThan(100);
                // the ED file is the ED frame of the sequence
                byte[] frame = new byte[seq.sliceLength()];
                seq.sliceAsUint8(r.edIndex(), frame);
                assertThat(frame).isEqualTo(px);
            }
        }
    }

    @Test
    void edIsTheLargestCavityAndEsTheSmallestInEveryHalfSequence() {
        CamusIndex index = CamusReader.read(CamusPhantoms.camus(CamusRelease.NIFTI));
        for (CamusRecord r : index.records()) {
            ImageVolume gt = read(r.sequenceGt());
            byte[] lb = new byte[gt.sliceLength()];
            int[] area = new int[gt.depth()];
            for (int t = 0; t < gt.depth(); t++) {
                gt.sliceAsLabels(t, lb);
                for (byte b : lb) {
                    area[t] += b == 1 ? 1 : 0;
                }
            }
            for (int t = 0; t < area.length; t++) {
                assertThat(area[t]).isBetween(area[r.esIndex()], area[r.edIndex()]);
            }
            assertThat(area[r.edIndex()]).isGreaterThan(area[r.esIndex()]);
        }
        assertThat(index.records()).anyMatch(r -> r.edFrame() > r.esFrame());
    }

    @Test
    void efIsOnePerPatientOnBothSidesOfFifty() {
        Map<String, Double> ef = new TreeMap<>();
        for (CamusRecord r :
                CamusReader.read(CamusPhantoms.camus(CamusRelease.MHD)).records()) {
            Double other = ef.putIfAbsent(r.patient(), r.ef().orElseThrow());
            if (other != null) {
                assertThat(r.ef()).hasValue(other);
            }
        }
        assertThat(ef.values()).anyMatch(v -> v < 50).anyMatch(v -> v > 50).allMatch(v -> v > 10 && v < 90);
    }

    @Test
    void sameSeedSameBytesAndForeignDirectoriesAreRefused() throws Exception {
        for (CamusRelease release : CamusRelease.values()) {
            CamusPhantom phantom = new CamusPhantom(new CamusPhantom.Options(3, 5, release));
            Path a = tmp.resolve("a-" + release);
            Path b = tmp.resolve("b-" + release);
            CamusPhantom.Summary s = phantom.write(a);
            phantom.write(b);
            assertThat(s.patients()).isEqualTo(3);
            assertThat(s.acquisitions()).isEqualTo(6);
            assertThat(s.bytes()).isEqualTo(totalBytes(a));
            assertThat(contents(a)).isEqualTo(contents(b));
            // a rerun over a phantom replaces it; a smaller one leaves no stale patients
            new CamusPhantom(new CamusPhantom.Options(1, 5, release)).write(a);
            assertThat(CamusReader.read(a).records()).hasSize(2);
        }
        Path foreign = Files.createDirectories(tmp.resolve("real"));
        Files.writeString(foreign.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> new CamusPhantom(new CamusPhantom.Options(1, 1, CamusRelease.MHD)).write(foreign))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(CamusPhantom.MARKER);
        assertThat(foreign.resolve("keep.txt")).hasContent("x");
        assertThatThrownBy(() -> new CamusPhantom.Options(0, 1, CamusRelease.MHD))
                .hasMessageContaining("patients in 1..100000 required but was 0");
        assertThatThrownBy(() -> new CamusPhantom.Options(100_001, 1, CamusRelease.MHD))
                .hasMessageContaining("patients in 1..100000 required but was 100001");
    }

    @Test
    void phaseIsZeroAtEdOneAtEsAndBetweenElsewhere() {
        assertThat(CamusPhantom.phase(3, 3, 9)).isZero();
        assertThat(CamusPhantom.phase(9, 3, 9)).isEqualTo(1.0);
        assertThat(CamusPhantom.phase(6, 3, 9)).isEqualTo(0.5);
        assertThat(CamusPhantom.phase(9, 12, 4)).isEqualTo(0.375);
        for (int t = 0; t < 20; t++) {
            assertThat(CamusPhantom.phase(t, 12, 4)).isBetween(0.0, 1.0);
        }
        assertThat(CamusPhantom.phase(0, 3, 9)).isGreaterThan(0).isLessThan(1);
        assertThat(CamusPhantom.phase(15, 3, 9)).isGreaterThan(0).isLessThan(1);
    }

    private static ImageVolume read(Path p) {
        return p.toString().endsWith(".mhd") ? MetaImageReader.read(p) : NiftiReader.read(p);
    }

    /** File name to SHA-256 of its bytes. */
    private static Map<String, String> contents(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.put(
                        root.relativize(p).toString(),
                        java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private static long totalBytes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
