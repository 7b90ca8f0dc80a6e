package org.etab.datasets.tmed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.RunAccount;
import org.etab.sampling.ClipStart;
import org.etab.source.DatasetFiles;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.Split;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.testing.TmedPhantoms;
import org.etab.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TmedSource through the real Pipeline on the phantom; expectations from the CSV and PNGs read independently. */
class TmedSourceTest {
    private static final List<String> VIEWS = List.of("PLAX", "PSAX", "A4C", "A2C", "A4CorA2CorOther");
    private static final Map<String, Integer> AS =
            Map.of("no_AS", 0, "mild_AS", 1, "mildtomod_AS", 1, "moderate_AS", 2, "severe_AS", 2);

    @TempDir
    Path tmp;

    /** The fold-0 file of {@code root}, by plain splitting: id -> {view, diagnosis, SourceFolder, query_key}. */
    private static Map<String, String[]> csv(Path root) {
        try {
            List<String> lines = Files.readAllLines(root.resolve("TMED2_fold0_labeledpart.csv"));
            List<String> h = List.of(lines.get(0).split(",", -1));
            Map<String, String[]> rows = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                String key = f[h.indexOf("query_key")];
                rows.put(key.replace(".png", ""), new String[] {
                    f[h.indexOf("view_label")], f[h.indexOf("diagnosis_label")], f[h.indexOf("SourceFolder")], key
                });
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] png(Path root, String[] row) {
        try {
            Raster r =
                    ImageIO.read(root.resolve(row[2]).resolve(row[3]).toFile()).getRaster();
            return r.getSamples(0, 0, 112, 112, 0, new int[112 * 112]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SampleOptions options(Target target, int size, int channels, boolean normalize, DType dtype) {
        return SampleOptions.builder()
                .target(target)
                .video(false)
                .frameSize(size, size)
                .channels(channels)
                .normalize(normalize)
                .dtype(dtype)
                .seed(3)
                .shuffle(true)
                .build();
    }

    interface SlotCheck {
        void accept(Batch b, int slot, String id);
    }

    private static RunAccount each(TmedSource source, SlotCheck check) {
        try (Pipeline p = new Pipeline(
                source,
                PipelineOptions.builder().batchSize(5).threads(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    for (int i = 0; i < b.size(); i++) {
                        check.accept(b, i, b.samples().get(i).id());
                    }
                }
            }
            return p.account();
        }
    }

    @Test
    void viewPlaxVsPsaxGivesNormalizedRgbStillsAndTheCsvClass() {
        Path root = TmedPhantoms.tmed();
        Map<String, String[]> rows = csv(root);
        List<TmedRecord> records = TmedReader.read(root).select("all", "PLAX+PSAX", Target.VIEW);
        TmedSource source = new TmedSource(records, options(Target.VIEW, 0, 3, true, DType.FLOAT32));
        assertThat(source.dataset()).isEqualTo("tmed");
        assertThat(source.features().shape()).containsExactly(3, 112, 112);
        assertThat(source.features().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(source.labels().shape()).containsExactly(1);
        assertThat(source.labels().dtype()).isEqualTo(DType.INT32);
        List<Integer> seen = new ArrayList<>();
        RunAccount a = each(source, (b, i, id) -> {
            String[] row = rows.get(id);
            int label = b.labels().slotInts(i)[0];
            assertThat(label).isEqualTo(VIEWS.indexOf(row[0])).isIn(0, 1);
            seen.add(label);
            int[] gray = png(root, row);
            float[] x = b.features().slotFloats(i);
            float[] mean = {0.485f, 0.456f, 0.406f};
            float[] std = {0.229f, 0.224f, 0.225f};
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < gray.length; k += 37) {
                    assertThat(x[c * 112 * 112 + k])
                            .isCloseTo((gray[k] / 255f - mean[c]) / std[c], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        });
        assertThat(a.delivered()).isEqualTo(records.size()).isGreaterThan(20);
        assertThat(a.failed()).isZero();
        assertThat(seen).contains(0, 1);
    }

    @Test
    void asGivesRawGrayBytesAndTheOfficialClassAndSkipsNotProvided() {
        Path root = TmedPhantoms.tmed();
        Map<String, String[]> rows = csv(root);
        TmedIndex.Selection sel = TmedReader.read(root).selection("all", "all", Target.AS);
        assertThat(sel.problems())
                .singleElement()
                .extracting(p -> p.reason())
                .asString()
                .startsWith("skipped ");
        TmedSource source = new TmedSource(sel.records(), options(Target.AS, 0, 1, false, DType.UINT8));
        assertThat(source.features().shape()).containsExactly(1, 112, 112);
        assertThat(source.features().dtype()).isEqualTo(DType.UINT8);
        List<Integer> seen = new ArrayList<>();
        RunAccount a = each(source, (b, i, id) -> {
            String[] row = rows.get(id);
            assertThat(row[1]).isNotEqualTo("Not_Provided");
            int label = b.labels().slotInts(i)[0];
            assertThat(label).isEqualTo(AS.get(row[1]));
            seen.add(label);
            byte[] x = b.features().slotBytes(i);
            int[] gray = png(root, row);
            for (int k = 0; k < gray.length; k++) {
                if ((x[k] & 0xff) != gray[k]) {
                    throw new AssertionError(id + " pixel " + k + ": " + (x[k] & 0xff) + " != " + gray[k]);
                }
            }
        });
        long notProvided =
                rows.values().stream().filter(r -> r[1].equals("Not_Provided")).count();
        assertThat(notProvided).isPositive();
        assertThat(a.delivered())
                .isEqualTo(rows.size() - notProvided)
                .isEqualTo(sel.records().size());
        assertThat(seen).contains(0, 1, 2);
    }

    @Test
    void framesAreResizedBilinearlyIntoEveryChannel() {
        Path root = TmedPhantoms.tmed();
        Map<String, String[]> rows = csv(root);
        List<TmedRecord> records = TmedReader.read(root).select("train", "AP4CH", Target.VIEW);
        assertThat(records).allSatisfy(r -> assertThat(r.viewSplit()).isEqualTo(Split.TRAIN));
        TmedSource source = new TmedSource(records, options(Target.VIEW, 56, 3, false, DType.FLOAT32));
        assertThat(source.features().shape()).containsExactly(3, 56, 56);
        RunAccount a = each(source, (b, i, id) -> {
            assertThat(b.labels().slotInts(i)).containsExactly(2);
            int[] g = png(root, rows.get(id));
            float[] x = b.features().slotFloats(i);
            for (int r = 0; r < 56; r++) {
                for (int c = 0; c < 56; c++) {
                    // half-pixel centres: output (r, c) samples source (2r + 0.5, 2c + 0.5), the 2x2 mean
                    int s = 2 * r * 112 + 2 * c;
                    float want = (g[s] + g[s + 1] + g[s + 112] + g[s + 113]) / 4f / 255f;
                    for (int ch = 0; ch < 3; ch++) {
                        float got = x[ch * 56 * 56 + r * 56 + c];
                        if (Math.abs(got - want) > 1e-5f) {
                            throw new AssertionError(id + " (" + ch + "," + r + "," + c + "): " + got + " != " + want);
                        }
                    }
                }
            }
        });
        assertThat(a.delivered()).isEqualTo(records.size()).isPositive();
    }

    @Test
    void videoAndUnavailableTargetsFailWhenBuilt() {
        List<TmedRecord> records = TmedReader.read(TmedPhantoms.tmed()).select("all", "all", Target.VIEW);
        SampleOptions video = SampleOptions.builder()
                .target(Target.VIEW)
                .clipLength(16)
                .fps(0)
                .padding(true)
                .clipStart(ClipStart.FIRST)
                .frameSize(112, 112)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(1)
                .shuffle(false)
                .build();
        assertThatThrownBy(() -> new TmedSource(records, video))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TMED-2 has still images only: video=true is not available");
        for (Target t : List.of(Target.EF, Target.CM, Target.LV_SEG, Target.ES_ED)) {
            assertThatThrownBy(() -> new TmedSource(records, options(t, 112, 3, true, DType.FLOAT32)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("target '" + t.etabName() + "' is not available for tmed; available: view, AS");
        }
        assertThat(TmedSource.TARGETS).containsExactly(Target.VIEW, Target.AS);
    }

    @Test
    void missingCorruptAndForeignImagesAreReportedFailedSamples() throws IOException {
        Path root = Trees.copy(TmedPhantoms.tmed(), tmp.resolve("tmed"));
        List<TmedRecord> records = TmedReader.read(root).select("all", "all", Target.VIEW);
        Path missing = records.get(3).image();
        Path corrupt = records.get(7).image();
        Path foreign = records.get(11).image();
        Files.delete(missing);
        byte[] bytes = Files.readAllBytes(corrupt);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, 60));
        Files.writeString(foreign, "GIF89a not really");
        TmedSource source = new TmedSource(records, options(Target.VIEW, 64, 1, true, DType.FLOAT32));
        RunAccount a = each(source, (b, i, id) -> {});
        assertThat(a.planned()).isEqualTo(records.size());
        assertThat(a.failed()).isEqualTo(3);
        assertThat(a.planned()).isEqualTo(a.delivered() + a.failed());
        Map<String, SampleFailure> byFile = new HashMap<>();
        a.failures().forEach(f -> byFile.put(f.file(), f));
        assertThat(byFile.keySet())
                .containsExactlyInAnyOrder(missing.toString(), corrupt.toString(), foreign.toString());
        assertThat(byFile.values()).allSatisfy(f -> assertThat(f.stage()).isEqualTo(Stage.DECODE));
        assertThat(byFile.get(missing.toString()).reason())
                .isEqualTo(missing + ": not found"); // DatasetFiles, before PngGray
        assertThat(byFile.get(corrupt.toString()).reason()).startsWith(corrupt + ": corrupt PNG");
        assertThat(byFile.get(foreign.toString()).reason()).startsWith(foreign + ": not a PNG file");
    }

    /** Unzipping may nest {@code labeled/labeled/}: the failure says so, and the file there is not loaded. */
    @Test
    void aMissingImageFoundOneFolderDeeperIsNamedButNotLoaded() throws IOException {
        Path root = Trees.copy(TmedPhantoms.tmed(), tmp.resolve("tmed"));
        List<TmedRecord> all = TmedReader.read(root).select("all", "all", Target.VIEW);
        Path nestedOne = all.stream()
                .map(TmedRecord::image)
                .filter(f -> f.startsWith(root.resolve(TmedPhantom.DIAGNOSIS_FOLDER)))
                .findFirst()
                .orElseThrow();
        Path plainMissing =
                all.get(all.get(0).image().equals(nestedOne) ? 1 : 0).image();
        Path moved = nestedOne
                .getParent()
                .resolve(nestedOne.getParent().getFileName())
                .resolve(nestedOne.getFileName());
        Files.createDirectories(moved.getParent());
        Files.move(nestedOne, moved);
        Files.delete(plainMissing);
        // a record of the other folder whose nested folder is a link out of the root: not followed
        Path viaLink = all.stream()
                .map(TmedRecord::image)
                .filter(f -> !f.getParent().equals(nestedOne.getParent()) && Files.exists(f))
                .findFirst()
                .orElseThrow();
        Path away = Files.createDirectories(tmp.resolve("away"));
        Files.copy(viaLink, away.resolve(viaLink.getFileName()));
        Files.delete(viaLink);
        Files.createSymbolicLink(viaLink.getParent().resolve(viaLink.getParent().getFileName()), away);
        // a record outside the root, with a file of its name one folder deeper: not looked at
        Path outside =
                Files.createDirectories(tmp.resolve("elsewhere/elsewhere")).resolve("k.png");
        Files.copy(moved, outside);
        TmedRecord foreign = new TmedRecord(
                "k", tmp.resolve("elsewhere/k.png"), TmedView.PLAX, AsLabel.NO_AS, Split.TRAIN, Split.TRAIN);
        List<TmedRecord> records = new ArrayList<>(all);
        records.add(foreign);
        TmedSource source = new TmedSource(
                records, List.of(), options(Target.VIEW, 64, 1, true, DType.FLOAT32), DatasetFiles.under(root));
        RunAccount a = each(source, (b, i, id) -> {});
        assertThat(a.failed()).isEqualTo(4);
        Map<String, String> reasons = new HashMap<>();
        a.failures().forEach(f -> reasons.put(f.file(), f.reason()));
        assertThat(reasons.get(nestedOne.toString()))
                .isEqualTo(nestedOne + ": not found (a file of that name is at view_and_diagnosis_labeled_set/labeled/"
                        + "labeled/" + nestedOne.getFileName()
                        + ": the images may be one folder deeper than SourceFolder says)");
        assertThat(reasons.get(plainMissing.toString())).isEqualTo(plainMissing + ": not found");
        assertThat(reasons.get(viaLink.toString())).isEqualTo(viaLink + ": not found");
        assertThat(reasons.get(foreign.image().toString())).isEqualTo(foreign.image() + ": not found");
    }

    @Test
    void theSampleTimeoutBoundsEveryStillFromItsOpenOnAndTheRunGoesOn() throws IOException {
        Path root = Trees.copy(TmedPhantoms.tmed(), tmp.resolve("tmed"));
        List<TmedRecord> records = TmedReader.read(root).select("all", "all", Target.VIEW);
        TmedSource source = new TmedSource(
                records, List.of(), options(Target.VIEW, 64, 1, true, DType.FLOAT32), DatasetFiles.under(root));
        // a deadline that has passed when each sample starts: no image may even be opened
        RunAccount late = run(source, Duration.ofNanos(1));
        assertThat(late.planned()).isEqualTo(records.size()).isEqualTo(late.failed());
        assertThat(late.failures()).allSatisfy(f -> {
            assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
            assertThat(f.reason())
                    .isEqualTo(f.file() + ": timed out before it was opened (the sample's deadline passed)");
        });
        assertThat(late.failures())
                .extracting(SampleFailure::file)
                .containsExactlyInAnyOrderElementsOf(
                        records.stream().map(r -> r.image().toString()).toList());
        RunAccount inTime = run(source, PipelineOptions.DEFAULT_TIMEOUT);
        assertThat(inTime.delivered()).isEqualTo(records.size());
    }

    private static RunAccount run(TmedSource source, Duration timeout) {
        try (Pipeline p = new Pipeline(
                source,
                PipelineOptions.builder()
                        .batchSize(5)
                        .threads(2)
                        .sampleTimeout(timeout)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            p.batches(0).doOnNext(Batch::close).blockLast();
            return p.account();
        }
    }

    @Test
    void aNotProvidedRecordIsAPlanFailureForAs() {
        List<TmedRecord> all = TmedReader.read(TmedPhantoms.tmed()).select("all", "all", Target.VIEW);
        TmedRecord np = all.stream()
                .filter(r -> r.diagnosis() == AsLabel.NOT_PROVIDED)
                .findFirst()
                .orElseThrow();
        TmedRecord ok = all.stream()
                .filter(r -> r.diagnosis() == AsLabel.SEVERE_AS)
                .findFirst()
                .orElseThrow();
        TmedSource source = new TmedSource(List.of(ok, np), options(Target.AS, 0, 3, true, DType.FLOAT32));
        RunAccount a =
                each(source, (b, i, id) -> assertThat(b.labels().slotInts(i)).containsExactly(2));
        assertThat(a.delivered()).isEqualTo(1);
        assertThat(a.failures()).singleElement().satisfies(f -> {
            assertThat(f.stage()).isEqualTo(Stage.PLAN);
            assertThat(f.id()).isEqualTo(np.id());
            assertThat(f.reason()).isEqualTo("diagnosis_label is Not_Provided: no AS class");
        });
    }

    @Test
    void epochOrderIsSeededAndFreshEachEpoch() {
        List<TmedRecord> records = TmedReader.read(TmedPhantoms.tmed()).select("all", "all", Target.VIEW);
        TmedSource a = new TmedSource(records, options(Target.VIEW, 0, 3, true, DType.FLOAT32));
        TmedSource b = new TmedSource(records, options(Target.VIEW, 0, 3, true, DType.FLOAT32));
        List<String> e0 = a.plan(0).stream().map(SamplePlan::id).toList();
        assertThat(b.plan(0).stream().map(SamplePlan::id).toList()).isEqualTo(e0);
        assertThat(a.plan(1).stream().map(SamplePlan::id).toList())
                .isNotEqualTo(e0)
                .containsExactlyInAnyOrderElementsOf(e0);
        assertThat(a.plan(0)).allSatisfy(p -> assertThat(p.frames()).containsExactly(0));
    }
}
