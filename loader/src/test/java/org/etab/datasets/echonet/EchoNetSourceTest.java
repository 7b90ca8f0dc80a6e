package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.SampleInfo;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineFixtures;
import org.etab.pipeline.RunAccount;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleOptions;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.etab.synth.MjpegAviWriter;
import org.etab.testing.Cavities;
import org.etab.transform.NearestResize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoNetSourceTest {

    @Test
    void rowsTheIndexRejectedAreInTheOpenedDatasetAndInRankZerosAccount(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<String> list = new ArrayList<>(java.nio.file.Files.readAllLines(root.resolve("FileList.csv")));
        int rows = list.size() - 1;
        list.add("NOVIDEO1,abc,1,2,112,112,50,120,TRAIN"); // EF not a number
        list.add("../escape,55,1,2,112,112,50,120,TRAIN"); // a name outside Videos/
        list.add("UNTRACED,55,1,2,112,112,50,120,TRAIN"); // no tracings
        java.nio.file.Files.write(root.resolve("FileList.csv"), list);
        SampleOptions o = PipelineFixtures.w1(1, false).toBuilder()
                .clipLength(4)
                .frameSize(16, 16)
                .build();
        try (org.etab.source.OpenedDataset opened = org.etab.api.Datasets.open("echonet", root, "all", o)) {
            assertThat(opened.rejected())
                    .extracting(org.etab.source.IndexProblem::id)
                    .containsExactly("NOVIDEO1", "../escape", "UNTRACED");
            assertThat(opened.records() + opened.rejected().size()).isEqualTo(rows + 3);
            for (int rank = 0; rank < 2; rank++) {
                org.etab.pipeline.PipelineOptions po = PipelineFixtures.options(4, 2).toBuilder()
                        .sharding(new org.etab.sampling.Sharding(rank, 2, false))
                        .build();
                try (Pipeline p = new Pipeline(opened.source(), po, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
                    p.batches(0).doOnNext(Batch::close).blockLast();
                    RunAccount a = p.account();
                    // the selection's rejections are counted once, on rank 0, so the ranks' accounts add up
                    assertThat(a.rejected()).isEqualTo(rank == 0 ? 3 : 0);
                    assertThat(a.rejections()).hasSize((int) a.rejected());
                    assertThat(a.toString()).endsWith(" rejected=" + a.rejected());
                }
            }
        }
    }

    private final List<EchoNetRecord> records = PipelineFixtures.records();
    private final Map<String, EchoNetRecord> byId =
            records.stream().collect(Collectors.toMap(EchoNetRecord::id, Function.identity()));

    /** Streams one epoch and hands every delivered (batch, slot) to {@code check}. */
    private RunAccount each(SampleOptions o, SlotCheck check) {
        try (Pipeline p = new Pipeline(
                new EchoNetSource(records, o),
                PipelineFixtures.options(5, 2),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    for (int i = 0; i < b.size(); i++) {
                        check.accept(b, i, byId.get(b.samples().get(i).id()));
                    }
                }
            }
            return p.account();
        }
    }

    interface SlotCheck {
        void accept(Batch b, int slot, EchoNetRecord rec);
    }

    private static SampleOptions options(
            Target t, ClipSpec clip, int size, int channels, boolean normalize, DType type) {
        return SampleOptions.builder()
                .target(t)
                .clip(clip)
                .frameSize(size, size)
                .channels(channels)
                .normalize(normalize)
                .dtype(type)
                .seed(11)
                .shuffle(false)
                .build();
    }

    @Test
    void efClipsHaveTheDeclaredShapeAndTheFileListLabel() {
        EchoNetSource s = new EchoNetSource(records, PipelineFixtures.w1(1, false));
        assertThat(s.features().shape()).containsExactly(3, 32, 112, 112);
        assertThat(s.labels().shape()).containsExactly(1);
        RunAccount a = each(PipelineFixtures.w1(1, false), (b, i, rec) -> {
            assertThat(b.labels().slotFloats(i)[0]).isEqualTo((float) rec.ef());
            float[] x = b.features().slotFloats(i);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            // ImageNet-normalized pixels span (0 - 0.485) / 0.229 .. (1 - 0.406) / 0.225
            assertThat(min).isGreaterThanOrEqualTo(-2.12f);
            assertThat(max).isLessThanOrEqualTo(2.64f).isGreaterThan(0.5f);
        });
        assertThat(a.delivered()).isEqualTo(12);
        assertThat(a.frames()).isEqualTo(12 * 32); // phantoms are long enough: no padding
    }

    @Test
    void cmIsOneExactlyWhenEfIsBelowFifty() {
        List<Integer> seen = new ArrayList<>();
        each(options(Target.CM, ClipSpec.frame(), 112, 3, true, DType.FLOAT32), (b, i, rec) -> {
            int cm = b.labels().slotInts(i)[0];
            assertThat(cm).isEqualTo(rec.ef() < 50 ? 1 : 0);
            seen.add(cm);
        });
        assertThat(seen).contains(0, 1); // the phantom has EFs on both sides of 50
    }

    @Test
    void lvSegStillIsTheEdFrameAndItsDarkCavityMatchesTheMask() {
        SampleOptions o = options(Target.LV_SEG, ClipSpec.frame(), 0, 1, false, DType.UINT8);
        RunAccount a = each(o, (b, i, rec) -> {
            assertThat(b.samples().get(i).sourceFrames())
                    .containsExactly(rec.ed().frame());
            byte[] img = b.features().slotBytes(i);
            byte[] mask = b.labels().slotBytes(i);
            byte[] expected = new byte[112 * 112];
            LvMask.rasterize(rec.ed(), 112, 112, expected);
            assertThat(mask).isEqualTo(expected);
            assertThat(Cavities.iou(img, mask, 112, 112))
                    .as("IoU of dark pixels and the LV mask for %s", rec.id())
                    .isGreaterThan(0.85);
        });
        assertThat(a.delivered()).isEqualTo(12);
    }

    @Test
    void anEdTracingWithoutChordsFailsLvSegAtPlanAndKeepsTheOtherTargets() {
        EchoNetRecord r = records.get(0);
        Tracing ed = r.ed();
        Tracing axisOnly = new Tracing(
                ed.frame(), new float[] {ed.x1()[0]}, new float[] {ed.y1()[0]}, new float[] {ed.x2()[0]}, new float[] {
                    ed.y2()[0]
                });
        EchoNetRecord shortEd = withTracings(r, r.es(), axisOnly);
        SampleOptions seg = options(Target.LV_SEG, ClipSpec.frame(), 0, 1, false, DType.UINT8);
        EchoNetSource s = new EchoNetSource(List.of(shortEd), seg);
        assertThat(s.plan(0)).singleElement().satisfies(p -> {
            assertThat(p.failure()).isNotNull();
            assertThat(p.failure())
                    .contains("no LV mask")
                    .contains("frame " + ed.frame())
                    .contains("VolumeTracings.csv");
        });
        SampleOptions ef = options(Target.EF, ClipSpec.frame(), 0, 1, false, DType.FLOAT32);
        assertThat(new EchoNetSource(List.of(shortEd), ef).plan(0))
                .singleElement()
                .satisfies(p -> assertThat(p.failure()).isNull());
        // the long axis and one chord: a (degenerate) mask, so the LV_seg sample is planned
        Tracing oneChord = new Tracing(
                ed.frame(),
                Arrays.copyOf(ed.x1(), 2),
                Arrays.copyOf(ed.y1(), 2),
                Arrays.copyOf(ed.x2(), 2),
                Arrays.copyOf(ed.y2(), 2));
        assertThat(new EchoNetSource(List.of(withTracings(r, r.es(), oneChord)), seg).plan(0))
                .singleElement()
                .satisfies(p -> assertThat(p.failure()).isNull());
    }

    /** {@code r} with other ES and ED tracings. */
    private static EchoNetRecord withTracings(EchoNetRecord r, Tracing es, Tracing ed) {
        return new EchoNetRecord(
                r.id(),
                r.video(),
                r.ef(),
                r.esv(),
                r.edv(),
                r.frameHeight(),
                r.frameWidth(),
                r.fps(),
                r.frames(),
                r.split(),
                es,
                ed);
    }

    @Test
    void aTracedFramePastTheVideosEndFailsItsTargetsAtPlan() {
        EchoNetRecord r = records.get(0);
        Tracing ed = r.ed();
        Tracing late = new Tracing(r.frames(), ed.x1(), ed.y1(), ed.x2(), ed.y2()); // frames are 0-based
        EchoNetRecord lateEd = withTracings(r, r.es(), late);
        for (Target t : List.of(Target.LV_SEG, Target.ES_ED)) {
            SampleOptions o =
                    options(t, ClipSpec.frame(), 0, 1, false, t == Target.LV_SEG ? DType.UINT8 : DType.FLOAT32);
            assertThat(new EchoNetSource(List.of(lateEd), o).plan(0))
                    .singleElement()
                    .satisfies(p -> assertThat(p.failure())
                            .contains("traced frame " + r.frames())
                            .contains("past the video's " + r.frames() + " frames")
                            .contains(t.etabName()));
        }
        assertThat(new EchoNetSource(List.of(lateEd), options(Target.EF, ClipSpec.frame(), 0, 1, false, DType.FLOAT32))
                        .plan(0))
                .singleElement()
                .satisfies(p -> assertThat(p.failure()).isNull());
        // an ES frame past the end fails ES/ED only: LV_seg needs the ED frame alone
        Tracing es = r.es();
        EchoNetRecord lateEs = withTracings(r, new Tracing(r.frames(), es.x1(), es.y1(), es.x2(), es.y2()), r.ed());
        assertThat(new EchoNetSource(
                                List.of(lateEs), options(Target.ES_ED, ClipSpec.frame(), 0, 1, false, DType.FLOAT32))
                        .plan(0))
                .singleElement()
                .satisfies(p -> assertThat(p.failure()).contains("traced frame " + r.frames()));
        assertThat(new EchoNetSource(
                                List.of(lateEs), options(Target.LV_SEG, ClipSpec.frame(), 0, 1, false, DType.UINT8))
                        .plan(0))
                .singleElement()
                .satisfies(p -> assertThat(p.failure()).isNull());
    }

    @Test
    void lvSegMasksAreResizedNearestToTheFrameSize() {
        each(options(Target.LV_SEG, ClipSpec.frame(), 56, 3, true, DType.FLOAT32), (b, i, rec) -> {
            byte[] mask = b.labels().slotBytes(i);
            assertThat(mask).hasSize(56 * 56);
            byte[] full = new byte[112 * 112];
            LvMask.rasterize(rec.ed(), 112, 112, full);
            for (int r = 0; r < 56; r++) {
                for (int c = 0; c < 56; c++) {
                    assertThat(mask[r * 56 + c]).isEqualTo(full[(2 * r) * 112 + 2 * c]);
                }
            }
        });
    }

    @Test
    void lvSegOfASmallerVideoAfterALargerOneOnTheSameWorker(@TempDir Path dir) throws Exception {
        EchoNetRecord large = records.get(0);
        int height = 96;
        int width = 80; // fewer pixels than the 112x112 before it: the worker's mask buffer is then too long
        Path video = dir.resolve("small.avi");
        byte[] gray = new byte[width * height];
        try (MjpegAviWriter w = new MjpegAviWriter(video, width, height, (int) large.fps(), 2)) {
            for (int f = 0; f < large.frames(); f++) {
                w.write(gray);
            }
        }
        EchoNetRecord small = new EchoNetRecord(
                "small",
                video,
                large.ef(),
                large.esv(),
                large.edv(),
                height,
                width,
                large.fps(),
                large.frames(),
                large.split(),
                large.es(),
                large.ed());
        SampleOptions o = options(Target.LV_SEG, ClipSpec.frame(), 112, 1, false, DType.UINT8);
        List<byte[]> masks = new ArrayList<>();
        RunAccount a;
        try (Pipeline p = new Pipeline(
                new EchoNetSource(List.of(large, small), o),
                PipelineFixtures.options(1, 1),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    masks.add(b.labels().slotBytes(0));
                }
            }
            a = p.account();
        }
        assertThat(a.failures()).isEmpty();
        assertThat(masks).hasSize(2);
        byte[] source = new byte[height * width];
        LvMask.rasterize(small.ed(), height, width, source);
        ByteBuffer expected = ByteBuffer.allocate(112 * 112);
        NearestResize.write(source, width, height, expected, 0, 112, 112);
        assertThat(masks.get(1)).isEqualTo(expected.array());
    }

    @Test
    void lvSegMaskIsDrawnAtTheVideosSizeWhenFileListGivesAnotherOne() {
        // the reference draws the mask at the decoded video's size; FileList's FrameHeight/FrameWidth are only text
        EchoNetRecord real = records.get(0);
        EchoNetRecord misSized = new EchoNetRecord(
                real.id(),
                real.video(),
                real.ef(),
                real.esv(),
                real.edv(),
                100,
                90,
                real.fps(),
                real.frames(),
                real.split(),
                real.es(),
                real.ed());
        SampleOptions o = options(Target.LV_SEG, ClipSpec.frame(), 112, 1, false, DType.UINT8);
        List<byte[]> images = new ArrayList<>();
        List<byte[]> masks = new ArrayList<>();
        try (Pipeline p = new Pipeline(
                new EchoNetSource(List.of(misSized), o),
                PipelineFixtures.options(1, 1),
                new SimpleMeterRegistry(),
                HostAllocator.NATIVE)) {
            for (Batch b : p.batches(0).toIterable(1)) {
                try (b) {
                    images.add(b.features().slotBytes(0));
                    masks.add(b.labels().slotBytes(0));
                }
            }
            assertThat(p.account().failures()).isEmpty();
        }
        byte[] expected = new byte[112 * 112];
        LvMask.rasterize(real.ed(), 112, 112, expected);
        assertThat(masks).hasSize(1);
        assertThat(masks.get(0)).isEqualTo(expected);
        assertThat(Cavities.iou(images.get(0), masks.get(0), 112, 112)).isGreaterThan(0.85);
    }

    @Test
    void esEdAreFrameNumbersForStillsAndClipPositionsForVideos() {
        each(
                options(Target.ES_ED, ClipSpec.frame(), 112, 3, true, DType.FLOAT32),
                (b, i, rec) -> assertThat(b.labels().slotInts(i))
                        .containsExactly(rec.es().frame(), rec.ed().frame()));
        // native rate from frame 0: position == frame number while inside the clip
        ClipSpec clip = new ClipSpec(true, 64, 0, true, ClipStart.FIRST);
        each(options(Target.ES_ED, clip, 112, 3, true, DType.FLOAT32), (b, i, rec) -> {
            int[] y = b.labels().slotInts(i);
            assertThat(y[0]).isEqualTo(rec.es().frame() < 64 ? rec.es().frame() : -1);
            assertThat(y[1]).isEqualTo(rec.ed().frame() < 64 ? rec.ed().frame() : -1);
        });
    }

    @Test
    void clipsLongerThanTheVideoArePaddedWithZeroFramesOrReported() {
        // 200 frames at 25 fps span 399 source frames at 50 fps (and 239 at 30): longer than any phantom video
        ClipSpec padded = new ClipSpec(true, 200, 25, true, ClipStart.FIRST);
        RunAccount a = each(options(Target.EF, padded, 32, 1, false, DType.FLOAT32), (b, i, rec) -> {
            SampleInfo info = b.samples().get(i);
            assertThat(info.padded()).isTrue();
            assertThat(info.validFrames()).isLessThan(200).isGreaterThan(0);
            float[] x = b.features().slotFloats(i);
            int plane = 32 * 32;
            for (int t = info.validFrames(); t < 200; t++) {
                for (int k = 0; k < plane; k++) {
                    assertThat(x[t * plane + k]).isZero();
                }
            }
            double lastValid = 0;
            for (int k = 0; k < plane; k++) {
                lastValid += x[(info.validFrames() - 1) * plane + k];
            }
            assertThat(lastValid).isGreaterThan(0);
        });
        assertThat(a.delivered()).isEqualTo(12);

        ClipSpec strict = new ClipSpec(true, 200, 25, false, ClipStart.FIRST);
        RunAccount refused = each(options(Target.EF, strict, 32, 1, false, DType.FLOAT32), (b, i, rec) -> {});
        assertThat(refused.delivered()).isZero();
        assertThat(refused.failed()).isEqualTo(12);
        assertThat(refused.failures().get(0).stage()).isEqualTo(Stage.PLAN);
        assertThat(refused.failures().get(0).reason()).contains("padding is off");
    }

    @Test
    void unavailableTargetsAndMixedNativeSizesFailWhenBuilt() {
        assertThatThrownBy(() ->
                        new EchoNetSource(records, options(Target.AS, ClipSpec.frame(), 112, 3, true, DType.FLOAT32)))
                .hasMessageContaining("AS")
                .hasMessageContaining("available: EF, LV_seg, ES/ED, CM");
        EchoNetRecord r = records.get(0);
        EchoNetRecord odd = new EchoNetRecord(
                r.id(), r.video(), r.ef(), r.esv(), r.edv(), 100, 120, r.fps(), r.frames(), r.split(), r.es(), r.ed());
        assertThatThrownBy(() -> new EchoNetSource(
                        List.of(r, odd), options(Target.EF, ClipSpec.frame(), 0, 3, true, DType.FLOAT32)))
                .hasMessageContaining("FileList.csv's FrameHeight x FrameWidth give 112x112 (1 video: " + r.id()
                        + "), 100x120 (1 video: " + r.id() + ")");
    }

    /** {@code r} as FileList would list it at another frame size (the video itself unchanged). */
    private static EchoNetRecord listedAt(EchoNetRecord r, int height, int width) {
        return new EchoNetRecord(
                r.id(),
                r.video(),
                r.ef(),
                r.esv(),
                r.edv(),
                height,
                width,
                r.fps(),
                r.frames(),
                r.split(),
                r.es(),
                r.ed());
    }

    @Test
    void aNativeFrameSizeIsTheOneFileListGivesAnd112x112ForAnEmptySelection() {
        SampleOptions nativeSize = options(Target.EF, ClipSpec.frame(), 0, 1, false, DType.FLOAT32);
        EchoNetRecord wide = listedAt(records.get(0), 100, 120);
        assertThat(new EchoNetSource(List.of(wide, wide), nativeSize).features().shape())
                .containsExactly(1, 100, 120);
        assertThat(new EchoNetSource(List.of(), nativeSize).features().shape()).containsExactly(1, 112, 112);
    }

    @Test
    void aRefusedNativeFrameSizeNamesFourSizesAndCountsTheOthers() {
        SampleOptions nativeSize = options(Target.EF, ClipSpec.frame(), 0, 1, false, DType.FLOAT32);
        EchoNetRecord r = records.get(0);
        List<EchoNetRecord> sizes = new ArrayList<>(List.of(r));
        for (int height = 100; height < 103; height++) {
            sizes.add(listedAt(r, height, 90));
        }
        assertThatThrownBy(() -> new EchoNetSource(sizes, nativeSize))
                .hasMessageContaining(", 102x90 (1 video: " + r.id() + "); choose a frame size");
        sizes.add(listedAt(r, 103, 90));
        sizes.add(listedAt(r, 104, 90));
        assertThatThrownBy(() -> new EchoNetSource(sizes, nativeSize))
                .hasMessageContaining(", 102x90 (1 video: " + r.id() + ") and 2 more sizes; choose a frame size")
                .hasMessageNotContaining("103x90");
    }

    /**
     * A phantom whose FileList.csv says one video is 4096x4096: a native frame size is refused in one line that names
     * FileList.csv's columns, each size with how many videos have it, and a video of each (it said only
     * "[112x112, 4096x4096]", leaving the row to be found among all of them).
     */
    @Test
    void mixedNativeSizesAreRefusedNamingTheFileListRowsThatDiffer(@TempDir Path tmp) throws Exception {
        Path root = PipelineFixtures.copyOfPhantom(tmp);
        List<String> list = new ArrayList<>(java.nio.file.Files.readAllLines(root.resolve("FileList.csv")));
        String[] cells = list.get(3).split(",", -1);
        cells[4] = "4096";
        cells[5] = "4096";
        list.set(3, String.join(",", cells));
        java.nio.file.Files.write(root.resolve("FileList.csv"), list);
        SampleOptions o = PipelineFixtures.w1(1, false).toBuilder()
                .clipLength(4)
                .frameSize(0, 0)
                .build();
        int others = list.size() - 2;
        String first = list.get(1).substring(0, list.get(1).indexOf(',')); // FileList's order: the first of its size
        assertThatThrownBy(() -> org.etab.api.Datasets.open("echonet", root, "all", o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("native frame size needs one size for all videos but FileList.csv's FrameHeight x"
                        + " FrameWidth give 112x112 (" + others + " videos, e.g. " + first + "), 4096x4096 (1 video: "
                        + cells[0] + "); choose a frame size (e.g. 112x112)");
    }
}
