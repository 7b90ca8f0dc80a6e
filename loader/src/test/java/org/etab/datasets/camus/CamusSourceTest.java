package org.etab.datasets.camus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.etab.batch.Batch;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.SampleInfo;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageWriter;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.pipeline.RunAccount;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.DatasetFiles;
import org.etab.source.IndexProblem;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.SamplePlan;
import org.etab.source.SampleWorker;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.testing.CamusPhantoms;
import org.etab.testing.Cavities;
import org.etab.testing.Trees;
import org.etab.transform.FrameTransform;
import org.etab.transform.NearestResize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CamusSourceTest {
    static final int H = 96;
    static final int W = 80;

    private static List<CamusRecord> records(CamusRelease release, String split) {
        return CamusReader.read(CamusPhantoms.camus(release)).select(split, "both");
    }

    /** Streams one epoch through the real pipeline and hands every delivered slot to {@code check}. */
    private static RunAccount each(List<CamusRecord> records, SampleOptions o, SlotCheck check) {
        try (Pipeline p = new Pipeline(
                new CamusSource(records, o),
                PipelineOptions.builder().batchSize(3).threads(2).build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    for (int i = 0; i < b.size(); i++) {
                        String id = b.samples().get(i).id();
                        CamusRecord rec = records.stream()
                                .filter(r -> r.id().equals(id))
                                .findFirst()
                                .orElseThrow();
                        check.accept(b, i, rec);
                    }
                }
            }
            return p.account();
        }
    }

    interface SlotCheck {
        void accept(Batch b, int slot, CamusRecord rec);
    }

    private static SampleOptions options(Target t, ClipSpec clip, int channels, boolean normalize, DType type) {
        return SampleOptions.builder()
                .target(t)
                .clip(clip)
                .frameSize(H, W)
                .channels(channels)
                .normalize(normalize)
                .dtype(type)
                .seed(7)
                .shuffle(false)
                .build();
    }

    private static ClipSpec clip(int length, double fps) {
        return new ClipSpec(true, length, fps, true, ClipStart.FIRST);
    }

    static Stream<Arguments> everyTargetAndVideo() {
        List<Arguments> out = new ArrayList<>();
        for (CamusRelease release : CamusRelease.values()) {
            for (Target t : CamusSource.TARGETS) {
                out.add(Arguments.of(release, t, false));
                out.add(Arguments.of(release, t, true));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} video={2}")
    @MethodSource("everyTargetAndVideo")
    void everyTargetHasItsDeclaredShapesAndCfgLabels(CamusRelease release, Target t, boolean video) {
        List<CamusRecord> recs = records(release, "train");
        ClipSpec clip = video ? clip(8, 0) : ClipSpec.frame();
        CamusSource source = new CamusSource(recs, options(t, clip, 3, true, DType.FLOAT32));
        assertThat(source.dataset()).isEqualTo("camus");
        assertThat(source.features().shape()).containsExactly(video ? new int[] {3, 8, H, W} : new int[] {3, H, W});
        int[] labelShape = switch (t) {
            case ES_ED -> new int[] {2};
            case LV_SEG, MY_SEG, LA_SEG -> new int[] {H, W};
            default -> new int[] {1};
        };
        assertThat(source.labels().shape()).containsExactly(labelShape);
        assertThat(source.labels().dtype())
                .isEqualTo(
                        switch (t) {
                            case EF -> DType.FLOAT32;
                            case LV_SEG, MY_SEG, LA_SEG -> DType.UINT8;
                            default -> DType.INT32;
                        });
        Set<Integer> classes = new HashSet<>();
        RunAccount a = each(recs, source.options(), (b, i, rec) -> {
            SampleInfo info = b.samples().get(i);
            if (!video) {
                assertThat(info.sourceFrames()).containsExactly(rec.edIndex());
            }
            switch (t) {
                case EF ->
                    assertThat(b.labels().slotFloats(i)[0])
                            .isEqualTo((float) rec.ef().orElseThrow());
                case CM -> {
                    int cm = b.labels().slotInts(i)[0];
                    assertThat(cm).isEqualTo(rec.ef().orElseThrow() < 50 ? 1 : 0);
                    classes.add(cm);
                }
                case VIEW -> {
                    int v = b.labels().slotInts(i)[0];
                    assertThat(v).isEqualTo(rec.view() == CamusView.AP2CH ? 0 : 1);
                    classes.add(v);
                }
                case ES_ED -> {
                    int[] y = b.labels().slotInts(i);
                    if (video) { // frames 0..7 at the native rate: position == frame number inside the clip
                        assertThat(y[0]).isEqualTo(rec.esIndex() < 8 ? rec.esIndex() : -1);
                        assertThat(y[1]).isEqualTo(rec.edIndex() < 8 ? rec.edIndex() : -1);
                    } else {
                        assertThat(y).containsExactly(rec.esFrame() - 1, rec.edFrame() - 1);
                    }
                }
                default -> {
                    byte[] mask = b.labels().slotBytes(i);
                    int ones = 0;
                    for (byte m : mask) {
                        assertThat(m).isIn((byte) 0, (byte) 1);
                        ones += m;
                    }
                    assertThat(ones).as("%s mask of %s", t, rec.id()).isGreaterThan(50);
                    int label = t == Target.LV_SEG ? 1 : t == Target.MY_SEG ? 2 : 3;
                    assertThat(mask).isEqualTo(expectedMask(rec, label));
                }
            }
        });
        assertThat(a.failed()).as("failures: %s", a.failures()).isZero();
        assertThat(a.delivered()).isEqualTo(recs.size());
        if (t == Target.CM || t == Target.VIEW) {
            assertThat(classes).containsExactlyInAnyOrder(0, 1);
        }
    }

    /** The gt label map of the ED frame, binarized for {@code label} and resized nearest to H x W. */
    private static byte[] expectedMask(CamusRecord rec, int label) {
        ImageVolume gt = CamusSource.readVolume(rec.edGt());
        byte[] full = new byte[gt.sliceLength()];
        gt.sliceAsLabels(0, full);
        for (int k = 0; k < full.length; k++) {
            full[k] = (byte) (full[k] == label ? 1 : 0);
        }
        ByteBuffer out = ByteBuffer.allocate(H * W);
        NearestResize.write(full, gt.width(), gt.height(), out, 0, H, W);
        return out.array();
    }

    @Test
    void theLvMaskCoversTheDarkCavityOfTheEdFrame() {
        for (CamusRelease release : CamusRelease.values()) {
            List<CamusRecord> recs = records(release, "train");
            RunAccount a = each(recs, options(Target.LV_SEG, ClipSpec.frame(), 1, false, DType.UINT8), (b, i, rec) -> {
                byte[] img = b.features().slotBytes(i);
                byte[] mask = b.labels().slotBytes(i);
                assertThat(Cavities.iou(img, mask, H, W))
                        .as("IoU of the dark cavity and the LV mask of %s", rec.id())
                        .isGreaterThan(0.85);
            });
            assertThat(a.delivered()).isEqualTo(recs.size());
        }
    }

    @Test
    void masksKeepThePhantomsApicalGeometryApexAtTheTopAtriumBelow() {
        // CamusPhantomHeart draws the apex near the top, the cavity centred left to right and the atrium below it: a
        // reader or resize that flipped or transposed image and mask alike would still pass the IoU check above
        for (CamusRelease release : CamusRelease.values()) {
            for (boolean video : new boolean[] {false, true}) {
                List<CamusRecord> recs = records(release, "train");
                ClipSpec clip = video ? clip(4, 0) : ClipSpec.frame();
                Map<String, double[]> lv = new HashMap<>();
                each(recs, options(Target.LV_SEG, clip, 1, false, DType.UINT8), (b, i, rec) -> {
                    double[] c = centroid(b.labels().slotBytes(i));
                    assertThat(c[0]).as("LV row centroid of %s", rec.id()).isLessThan(0.5 * H);
                    assertThat(c[1]).as("LV column centroid of %s", rec.id()).isBetween(0.4 * W, 0.6 * W);
                    lv.put(rec.id(), c);
                });
                RunAccount a = each(recs, options(Target.LA_SEG, clip, 1, false, DType.UINT8), (b, i, rec) -> {
                    double[] c = centroid(b.labels().slotBytes(i));
                    assertThat(c[0]).as("LA row centroid of %s", rec.id()).isGreaterThan(lv.get(rec.id())[0] + 0.2 * H);
                    assertThat(c[1]).as("LA column centroid of %s", rec.id()).isBetween(0.4 * W, 0.6 * W);
                });
                assertThat(a.delivered()).isEqualTo(recs.size()).isEqualTo(lv.size());
            }
        }
    }

    /** The (row, column) centroid of a 0/1 H x W mask. */
    private static double[] centroid(byte[] mask) {
        double rows = 0;
        double cols = 0;
        int n = 0;
        for (int k = 0; k < mask.length; k++) {
            if (mask[k] != 0) {
                rows += k / W;
                cols += k % W;
                n++;
            }
        }
        return new double[] {rows / n, cols / n};
    }

    @Test
    void clipsTakeTheSequenceFramesAtTheCfgRateAndPadPastTheEnd() {
        for (CamusRelease release : CamusRelease.values()) {
            List<CamusRecord> recs = records(release, "all");
            // 24 positions at the file's own rate: longer than every phantom sequence (10-20 frames)
            RunAccount a = each(recs, options(Target.EF, clip(24, 0), 1, false, DType.UINT8), (b, i, rec) -> {
                SampleInfo info = b.samples().get(i);
                assertThat(info.validFrames()).isEqualTo(rec.frames());
                byte[] x = b.features().slotBytes(i);
                ImageVolume seq = CamusSource.readVolume(rec.sequence());
                FrameTransform tf = new FrameTransform(H, W, 1, false, DType.UINT8);
                ByteBuffer expected = ByteBuffer.allocate(H * W);
                byte[] slice = new byte[seq.sliceLength()];
                for (int t : new int[] {0, rec.frames() - 1}) {
                    seq.sliceAsUint8(t, slice);
                    tf.writeBytes(slice, seq.width(), seq.height(), expected, 0, H * W, tf.newScratch());
                    byte[] got = new byte[H * W];
                    System.arraycopy(x, t * H * W, got, 0, H * W);
                    assertThat(got).as("clip position %d of %s", t, rec.id()).isEqualTo(expected.array());
                }
                for (int k = rec.frames() * H * W; k < x.length; k++) {
                    assertThat(x[k]).isZero();
                }
            });
            assertThat(a.delivered()).isEqualTo(recs.size());
        }
        // resampling: half the file's rate takes every second frame
        List<CamusRecord> nifti = records(CamusRelease.NIFTI, "all");
        List<CamusRecord> original = records(CamusRelease.MHD, "all");
        double half = CamusSource.DEFAULT_FRAME_RATE / 2;
        each(
                original,
                options(Target.EF, clip(4, half), 1, false, DType.UINT8),
                (b, i, rec) -> assertThat(b.samples().get(i).sourceFrames()).containsExactly(0, 2, 4, 6));
        each(nifti, options(Target.EF, clip(3, 0), 1, false, DType.UINT8), (b, i, rec) -> {
            double rate = rec.frameRate().getAsDouble();
            assertThat(CamusSource.frameRate(rec)).isEqualTo(rate);
        });
    }

    @Test
    void withoutPaddingAShortSequenceIsAReportedFailure() {
        List<CamusRecord> recs = records(CamusRelease.NIFTI, "all");
        RunAccount a = each(
                recs,
                options(Target.EF, new ClipSpec(true, 24, 0, false, ClipStart.FIRST), 1, false, DType.UINT8),
                (b, i, rec) -> {});
        assertThat(a.delivered()).isZero();
        assertThat(a.failed()).isEqualTo(recs.size());
        assertThat(a.failures().get(0).reason()).contains("padding is off");
    }

    @Test
    void segmentationOfPatientsWithoutGtFailsWithTheReasonNeverAnEmptyMask() {
        List<CamusRecord> all = records(CamusRelease.MHD, "all");
        RunAccount a = each(
                all,
                options(Target.LA_SEG, ClipSpec.frame(), 3, true, DType.FLOAT32),
                (b, i, rec) -> assertThat(rec.hasGt()).isTrue());
        assertThat(a.delivered()).isEqualTo(12);
        assertThat(a.failed()).isEqualTo(4);
        assertThat(a.failures()).allSatisfy(f -> {
            assertThat(f.stage()).isEqualTo(Stage.PLAN);
            assertThat(f.reason())
                    .contains("no ground truth")
                    .contains("_ED_gt")
                    .contains("LA_seg");
        });
        // other targets work on the same records
        assertThat(each(all, options(Target.EF, ClipSpec.frame(), 3, true, DType.FLOAT32), (b, i, rec) -> {})
                        .delivered())
                .isEqualTo(16);
        // a selection without any ground truth is refused up front
        List<CamusRecord> testing = records(CamusRelease.MHD, "test");
        assertThatThrownBy(() ->
                        new CamusSource(testing, options(Target.LV_SEG, ClipSpec.frame(), 3, true, DType.FLOAT32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LV_seg")
                .hasMessageContaining("ground truth")
                .hasMessageContaining("train");
    }

    @Test
    void aRecordWhoseCfgHasNoEfFailsOnlyItsEfAndCmSamples() {
        List<CamusRecord> all = records(CamusRelease.MHD, "all");
        List<CamusRecord> mixed = new ArrayList<>(all);
        mixed.set(3, withoutEf(all.get(3)));
        for (Target t : List.of(Target.EF, Target.CM)) {
            RunAccount a = each(
                    mixed,
                    options(t, ClipSpec.frame(), 3, true, DType.FLOAT32),
                    (b, i, rec) -> assertThat(rec.ef()).isPresent());
            assertThat(a.delivered()).isEqualTo(15);
            assertThat(a.failures()).singleElement().satisfies(f -> {
                assertThat(f.id()).isEqualTo(all.get(3).id());
                assertThat(f.stage()).isEqualTo(Stage.PLAN);
                assertThat(f.reason()).contains("no EF", all.get(3).cfg().toString(), "LVef", t.etabName());
            });
        }
        // the view, ES/ED and the masks need no EF
        for (Target t : List.of(Target.VIEW, Target.ES_ED, Target.LV_SEG)) {
            assertThat(each(mixed, options(t, ClipSpec.frame(), 3, true, DType.FLOAT32), (b, i, rec) -> {})
                            .failures())
                    .as(t.etabName())
                    .noneMatch(f -> f.reason().contains("EF"));
        }
        // a selection without any EF is refused up front for EF and CM, not for the others
        List<CamusRecord> none = all.stream().map(CamusSourceTest::withoutEf).toList();
        assertThatThrownBy(() -> new CamusSource(none, options(Target.CM, ClipSpec.frame(), 3, true, DType.FLOAT32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("CM", "16 selected", "has an LVef or EF that is a number");
        assertThat(each(none, options(Target.VIEW, ClipSpec.frame(), 3, true, DType.FLOAT32), (b, i, rec) -> {})
                        .delivered())
                .isEqualTo(16);
    }

    private static CamusRecord withoutEf(CamusRecord r) {
        return new CamusRecord(
                r.id(),
                r.patient(),
                r.view(),
                r.split(),
                r.release(),
                r.cfg(),
                r.ed(),
                r.es(),
                r.edGt(),
                r.esGt(),
                r.sequence(),
                r.sequenceGt(),
                r.edFrame(),
                r.esFrame(),
                r.frames(),
                OptionalDouble.empty(),
                r.frameRate(),
                r.imageQuality());
    }

    @Test
    void nativeSizeGroupsOfASelectionWithGroundTruthFailTheirTestingRecordsAlone() {
        // sizes differ per acquisition, so the testing patients' records make size groups of their own: the
        // refusal of a selection without ground truth must look at the whole selection, not at each group
        SampleOptions lv = SampleOptions.builder()
                .target(Target.LV_SEG)
                .video(false)
                .frameSize(0, 0)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(1)
                .shuffle(false)
                .build();
        Path root = CamusPhantoms.camus(CamusRelease.MHD);
        NativeEpoch e = streamNative(new CamusProvider().openNative(root, "all", null, 0, lv));
        assertThat(e.delivered()).hasSize(12);
        assertThat(e.failures())
                .hasSize(4)
                .allSatisfy(f -> assertThat(f.reason()).contains("no ground truth"));
        // a selection with no ground truth at all is still refused
        assertThatThrownBy(() -> new CamusProvider().openNative(root, "test", null, 0, lv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ground truth");
    }

    @Test
    void aNativeSizeNoSampleMayHaveFailsItsRecordsAloneNotTheExport(@TempDir Path tmp) throws IOException {
        // one ED image 4097 pixels wide (over SampleOptions.MAX_FRAME_SIDE) made SampleOptions.build() throw out of
        // openNative, so 'etab export --frame-size native' ended on one line and exported nothing
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        List<CamusRecord> train = CamusReader.read(root).select("train", "both");
        CamusRecord wide = train.get(1);
        byte[] pixels = new byte[4097 * 2];
        for (Path file : new Path[] {wide.ed(), wide.edGt()}) {
            MetaImageWriter.write(
                    file, ImageVolume.ofUint8(4097, 2, 1, new double[] {1, 1}, pixels, file.toString()), false, false);
        }
        SampleOptions lv = SampleOptions.builder()
                .target(Target.LV_SEG)
                .video(false)
                .frameSize(0, 0)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(1)
                .shuffle(false)
                .build();
        NativeEpoch e = streamNative(new CamusProvider().openNative(root, "train", null, 0, lv));
        assertThat(e.delivered()).hasSize(train.size() - 1);
        assertThat(e.failures()).isEmpty();
        assertThat(e.rejections()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(wide.id());
            assertThat(r.file()).isEqualTo(wide.ed().toString());
            assertThat(r.reason()).contains("native size 4097x2", "4096");
        });
    }

    @Test
    void aNativeClipWhoseEdImageCannotBeReadIsRejectedNotDeliveredAtAnotherSize(@TempDir Path tmp) throws IOException {
        // the ED image gives each acquisition's native size; one that cannot be read was planned in the first size
        // group, where a clip (read from the sequence, which loads) was delivered resized to another acquisition's size
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        List<CamusRecord> all = CamusReader.read(root).select("all", "both");
        CamusRecord broken = all.get(3);
        Files.write(broken.ed(), new byte[] {'x'});
        SampleOptions clips = SampleOptions.builder()
                .target(Target.EF)
                .clip(clip(4, 0))
                .frameSize(0, 0)
                .channels(1)
                .normalize(false)
                .dtype(DType.UINT8)
                .seed(1)
                .shuffle(false)
                .build();
        NativeEpoch e = streamNative(new CamusProvider().openNative(root, "all", null, 0, clips));
        assertThat(e.failures()).isEmpty();
        assertThat(e.delivered()).hasSize(all.size() - 1).doesNotContain(broken.id());
        assertThat(e.rejections()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(broken.id());
            assertThat(r.reason())
                    .contains(
                            "native size is unknown", broken.ed().getFileName().toString());
        });
    }

    @Test
    void unavailableTargetsAndNativeSizeFailFast() {
        List<CamusRecord> recs = records(CamusRelease.NIFTI, "train");
        assertThatThrownBy(() -> new CamusSource(recs, options(Target.AS, ClipSpec.frame(), 3, true, DType.FLOAT32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target 'AS' is not available for camus; available: EF, LV_seg, LA_seg, MY_seg, ES/ED, "
                        + "view, CM");
        assertThatThrownBy(() -> Target.parse("AS", "camus", CamusSource.TARGETS))
                .hasMessageContaining("available: EF, LV_seg");
        SampleOptions nativeSize = SampleOptions.builder()
                .target(Target.EF)
                .video(false)
                .frameSize(0, 0)
                .channels(3)
                .normalize(true)
                .dtype(DType.FLOAT32)
                .seed(1)
                .shuffle(false)
                .build();
        assertThatThrownBy(() -> new CamusSource(recs, nativeSize))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("native frame size")
                .hasMessageContaining("differ");
    }

    @Test
    void aMissingOrDamagedFileIsADecodeFailureNamingIt(@TempDir Path tmp) throws IOException {
        Path copy = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        CamusIndex index = CamusReader.read(copy);
        List<CamusRecord> recs = index.select("train", "AP2CH");
        CamusRecord raw = recs.stream()
                .filter(r -> Files.exists(siblingData(r.ed(), ".raw")))
                .findFirst()
                .orElseThrow();
        Files.delete(siblingData(raw.ed(), ".raw"));
        CamusRecord other = recs.stream().filter(r -> r != raw).findFirst().orElseThrow();
        Files.write(other.ed(), new byte[] {'x'});
        RunAccount a = each(recs, options(Target.VIEW, ClipSpec.frame(), 3, true, DType.FLOAT32), (b, i, rec) -> {});
        assertThat(a.failed()).isEqualTo(2);
        assertThat(a.delivered()).isEqualTo(recs.size() - 2);
        assertThat(a.failures()).allSatisfy(f -> assertThat(f.stage()).isEqualTo(Stage.DECODE));
        assertThat(a.failures()).anySatisfy(f -> assertThat(f.reason()).contains(raw.id() + "_ED"));
        assertThat(a.failures()).anySatisfy(f -> assertThat(f.reason()).contains(other.id() + "_ED.mhd"));
    }

    @Test
    void aCopyWhoseRawFilesWereGzippedInPlaceGivesTheSameSamples(@TempDir Path tmp) throws IOException {
        // 'gzip */*.raw' in an original-release copy: the headers still name .raw, MetaIO (so SimpleITK and ETAB)
        // reads the .raw.gz beside them; every sample of those patients failed 'not found'
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.MHD), tmp.resolve("camus"));
        List<Path> raws;
        try (Stream<Path> files = Files.walk(root)) {
            raws = files.filter(f -> f.getFileName().toString().endsWith(".raw"))
                    .toList();
        }
        assertThat(raws).isNotEmpty();
        for (Path raw : raws) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(Path.of(raw + ".gz")))) {
                Files.copy(raw, out);
            }
            Files.delete(raw);
        }
        List<CamusRecord> gzipped = CamusReader.read(root).select("train", "both");
        for (ClipSpec clip : new ClipSpec[] {ClipSpec.frame(), clip(4, 0)}) {
            SampleOptions o = options(Target.LV_SEG, clip, 1, false, DType.UINT8);
            Map<String, List<byte[]>> expected = new HashMap<>();
            each(
                    records(CamusRelease.MHD, "train"),
                    o,
                    (b, i, rec) -> expected.put(
                            rec.id(),
                            List.of(b.features().slotBytes(i), b.labels().slotBytes(i))));
            RunAccount a = each(gzipped, o, (b, i, rec) -> {
                assertThat(b.features().slotBytes(i))
                        .as(rec.id())
                        .isEqualTo(expected.get(rec.id()).get(0));
                assertThat(b.labels().slotBytes(i))
                        .as(rec.id())
                        .isEqualTo(expected.get(rec.id()).get(1));
            });
            assertThat(a.failures()).isEmpty();
            assertThat(a.delivered()).isEqualTo(gzipped.size()).isEqualTo(expected.size());
        }
    }

    @Test
    void everyClipOfASequenceComesFromOneReadOfItsFile(@TempDir Path tmp) throws IOException {
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.NIFTI), tmp.resolve("camus"));
        CamusRecord rec = CamusReader.read(root).select("all", "both").get(0);
        CamusSource source = new CamusSource(
                List.of(rec), options(Target.EF, new ClipSpec(true, 4, 0, true, ClipStart.ALL), 1, false, DType.UINT8));
        List<SamplePlan> plans = source.plan(0);
        assertThat(plans).hasSizeGreaterThan(2);
        List<byte[]> expected = new ArrayList<>();
        try (BatchPool pool = new BatchPool(source.features(), source.labels(), 1, 1);
                SampleWorker w = source.newWorker()) {
            BatchPool.Buffers b = pool.acquire();
            for (SamplePlan plan : plans) {
                w.load(plan, b, 0);
                expected.add(b.features().slotBytes(0));
            }
        }
        try (BatchPool pool = new BatchPool(source.features(), source.labels(), 1, 1);
                SampleWorker w = source.newWorker()) {
            BatchPool.Buffers b = pool.acquire();
            w.load(plans.get(0), b, 0);
            // the sequence's file gone after its first clip: the next ones come from what the worker read (each clip
            // read the whole file again, so they failed 'not found')
            Files.delete(rec.sequence());
            for (int i = 1; i < plans.size(); i++) {
                w.load(plans.get(i), b, 0);
                assertThat(b.features().slotBytes(0)).as("clip %d", i).isEqualTo(expected.get(i));
            }
        }
    }

    @Test
    void aCfgOrALabelMapThatDisagreesWithItsImageIsADecodeFailureNamingBoth(@TempDir Path tmp) throws IOException {
        Path root = Trees.copy(CamusPhantoms.camus(CamusRelease.NIFTI), tmp.resolve("camus"));
        List<CamusRecord> before = CamusReader.read(root).select("all", "both");
        CamusRecord longer = before.get(0);
        int depth = longer.frames();
        // its cfg claims 30 frames more than its sequence holds
        String cfg = Files.readString(longer.cfg());
        Files.writeString(longer.cfg(), cfg.replace("NbFrame: " + depth, "NbFrame: " + (depth + 30)));
        // another acquisition's ED label map replaced by one of another size
        CamusRecord relabelled = before.stream()
                .filter(r -> !r.patient().equals(longer.patient()) && r.hasGt())
                .findFirst()
                .orElseThrow();
        ImageVolume own = CamusSource.readVolume(relabelled.edGt());
        CamusRecord donor = before.stream()
                .filter(r -> r.hasGt() && CamusSource.readVolume(r.edGt()).width() != own.width())
                .findFirst()
                .orElseThrow();
        Files.copy(donor.edGt(), relabelled.edGt(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<CamusRecord> recs = CamusReader.read(root).select("all", "both");
        CamusRecord claimed = recs.stream()
                .filter(r -> r.id().equals(longer.id()))
                .findFirst()
                .orElseThrow();
        assertThat(claimed.frames()).isEqualTo(depth + 30);

        // clips from every 10th frame, padded: those that start inside the sequence are delivered, padded; those that
        // start past its end fail, naming the image, its frame count and the cfg's
        RunAccount all = each(
                List.of(claimed),
                options(Target.EF, new ClipSpec(true, 10, 0, true, ClipStart.ALL), 1, false, DType.UINT8),
                (b, i, rec) -> assertThat(b.samples().get(i).validFrames()).isPositive());
        assertThat(all.delivered()).isEqualTo((depth + 9) / 10);
        assertThat(all.failed()).isEqualTo((depth + 30) / 10 - (depth + 9) / 10); // whole clips of the claimed count
        assertThat(all.failures()).allSatisfy(f -> {
            assertThat(f.stage()).isEqualTo(Stage.DECODE);
            assertThat(f.reason())
                    .startsWith(claimed.sequence().toString())
                    .contains("is past the end of the " + depth + "-frame image (cfg NbFrame " + (depth + 30) + ")");
        });
        // without padding, a clip that runs past the sequence's real end fails too
        RunAccount unpadded = each(
                List.of(claimed),
                options(Target.EF, new ClipSpec(true, depth + 5, 0, false, ClipStart.FIRST), 1, false, DType.UINT8),
                (b, i, rec) -> {});
        assertThat(unpadded.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason())
                        .isEqualTo(
                                claimed.sequence() + ": the sequence has " + depth + " frames but the clip needs frame "
                                        + depth + " (cfg NbFrame " + (depth + 30) + "; padding is off)"));
        // an ES the cfg places past the sequence's real end (inside its NbFrame): a padded clip's ES/ED label would
        // point at zeros, so the sample fails instead
        Files.writeString(
                longer.cfg(), Files.readString(longer.cfg()).replaceFirst("(?m)^ES: \\d+", "ES: " + (depth + 10)));
        CamusRecord lateEs = CamusReader.read(root).select("all", "both").stream()
                .filter(r -> r.id().equals(longer.id()))
                .findFirst()
                .orElseThrow();
        RunAccount esEd = each(
                List.of(lateEs),
                options(Target.ES_ED, new ClipSpec(true, depth + 30, 0, true, ClipStart.FIRST), 1, false, DType.UINT8),
                (b, i, rec) -> {});
        assertThat(esEd.delivered()).isZero();
        assertThat(esEd.failures()).singleElement().satisfies(f -> {
            assertThat(f.stage()).isEqualTo(Stage.TARGET);
            assertThat(f.reason())
                    .startsWith(lateEs.sequence().toString())
                    .contains(
                            "the index's ES frame",
                            "is past the file's end (it gave " + depth + " of the clip's " + (depth + 30) + " frames)");
        });

        CamusRecord mislabelled = recs.stream()
                .filter(r -> r.id().equals(relabelled.id()))
                .findFirst()
                .orElseThrow();
        ImageVolume image = CamusSource.readVolume(mislabelled.ed());
        ImageVolume label = CamusSource.readVolume(mislabelled.edGt());
        RunAccount seg = each(
                List.of(mislabelled),
                options(Target.LV_SEG, ClipSpec.frame(), 1, false, DType.UINT8),
                (b, i, rec) -> {});
        assertThat(seg.delivered()).isZero();
        assertThat(seg.failures()).singleElement().satisfies(f -> {
            assertThat(f.stage()).isEqualTo(Stage.DECODE);
            assertThat(f.reason())
                    .isEqualTo(mislabelled.edGt() + ": label map is " + label.width() + "x" + label.height()
                            + " (width x height) but its image " + mislabelled.ed() + " is " + image.width() + "x"
                            + image.height());
        });
    }

    @ParameterizedTest
    @EnumSource(CamusRelease.class)
    void theSampleTimeoutBoundsEveryFileOfASampleFromItsOpenOnAndTheRunGoesOn(CamusRelease release, @TempDir Path tmp)
            throws IOException {
        Path root = Trees.copy(CamusPhantoms.camus(release), tmp.resolve("camus"));
        List<CamusRecord> recs = CamusReader.read(root).select("train", "both");
        for (boolean video : new boolean[] {false, true}) {
            ClipSpec clip = video ? clip(4, 0) : ClipSpec.frame();
            CamusSource source = new CamusSource(
                    recs, List.of(), options(Target.LV_SEG, clip, 1, true, DType.FLOAT32), DatasetFiles.under(root));
            RunAccount late = run(source, Duration.ofNanos(1));
            assertThat(late.planned()).isEqualTo(late.failed()).isGreaterThan(0);
            assertThat(late.failures()).allSatisfy(f -> {
                assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
                assertThat(f.reason())
                        .isEqualTo(f.file() + ": timed out before it was opened (the sample's deadline passed)");
            });
            RunAccount inTime = run(source, PipelineOptions.DEFAULT_TIMEOUT);
            assertThat(inTime.delivered()).isEqualTo(inTime.planned()).isEqualTo(late.planned());
        }
    }

    private static RunAccount run(CamusSource source, Duration timeout) {
        try (Pipeline p = new Pipeline(
                source,
                PipelineOptions.builder()
                        .batchSize(3)
                        .threads(2)
                        .sampleTimeout(timeout)
                        .build(),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            p.batches(0).doOnNext(Batch::close).blockLast();
            return p.account();
        }
    }

    private static Path siblingData(Path mhd, String ext) {
        String name = mhd.getFileName().toString();
        return mhd.resolveSibling(name.substring(0, name.length() - 4) + ext);
    }

    /** What one epoch of every native size group delivered (ids), failed and rejected; the groups are closed. */
    private record NativeEpoch(List<String> delivered, List<SampleFailure> failures, List<IndexProblem> rejections) {}

    private static NativeEpoch streamNative(List<OpenedDataset> groups) {
        NativeEpoch e = new NativeEpoch(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try {
            for (OpenedDataset g : groups) {
                try (Pipeline p = new Pipeline(
                        g.source(),
                        PipelineOptions.builder().batchSize(2).threads(1).build(),
                        new SimpleMeterRegistry(),
                        HostAllocator.NATIVE)) {
                    for (Batch b : p.batches(0).toIterable(1)) {
                        try (b) {
                            for (int i = 0; i < b.size(); i++) {
                                e.delivered().add(b.samples().get(i).id());
                            }
                        }
                    }
                    e.failures().addAll(p.account().failures());
                    e.rejections().addAll(p.account().rejections());
                }
            }
        } finally {
            groups.forEach(OpenedDataset::close);
        }
        return e;
    }
}
