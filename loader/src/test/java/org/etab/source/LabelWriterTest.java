package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.function.Function;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.junit.jupiter.api.Test;

/** Every target's label as the table in docs/datasets.md gives it, written into the right slot. */
class LabelWriterTest {
    private record Rec(double ef, int es, int ed, int view) {}

    private static final RecordLabels<Rec> VALUES = RecordLabels.<Rec>builder()
            .ef(Rec::ef)
            .esEd(Rec::es, Rec::ed)
            .classIndex(Rec::view)
            .build();
    private static final TensorSpec X = new TensorSpec(DType.UINT8, 1);

    private static SampleOptions options(Target t, boolean video) {
        SampleOptions.Builder b = SampleOptions.builder().target(t);
        return (video ? b.clip(new ClipSpec(true, 4, 0, true, ClipStart.FIRST)) : b.video(false)).build();
    }

    /** What {@code read} finds in slot 1 of a fresh batch after writing {@code rec}'s label for {@code frames}. */
    private static <T> T written(LabelWriter<Rec> w, Rec rec, int[] frames, Function<HostTensor, T> read) {
        try (BatchPool pool = new BatchPool(X, w.spec(), 2, 1)) {
            BatchPool.Buffers b = pool.acquire();
            try {
                w.write(rec, new SamplePlan(0, 0, "id", "file", frames, null), b, 1);
                return read.apply(b.labels());
            } finally {
                pool.release(b);
            }
        }
    }

    private static int[] ints(LabelWriter<Rec> w, Rec rec, int... frames) {
        return written(w, rec, frames, t -> t.slotInts(1));
    }

    @Test
    void efIsAFloatAndCmIsOneBelowFifty() {
        LabelWriter<Rec> ef = new LabelWriter<>(VALUES, options(Target.EF, false), 8, 8);
        LabelWriter<Rec> cm = new LabelWriter<>(VALUES, options(Target.CM, true), 8, 8);
        assertThat(ef.spec()).isEqualTo(new TensorSpec(DType.FLOAT32, 1));
        assertThat(cm.spec()).isEqualTo(new TensorSpec(DType.INT32, 1));
        int[] clip = {0, 1, 2, 3};
        float[] y = written(ef, new Rec(61.25f, 0, 0, 0), new int[] {0}, t -> t.slotFloats(1));
        assertThat(y).containsExactly(61.25f);
        assertThat(ints(cm, new Rec(49.99f, 0, 0, 0), clip)).containsExactly(1);
        assertThat(ints(cm, new Rec(50f, 0, 0, 0), clip)).containsExactly(0);
        // CM compares the EF as read, not its float32 label: 49.9999999 rounds to 50.0f but is below 50
        Rec justBelow = new Rec(49.9999999, 0, 0, 0);
        assertThat((float) justBelow.ef()).isEqualTo(50f);
        assertThat(ints(cm, justBelow, clip)).containsExactly(1);
        float[] label = written(ef, justBelow, new int[] {0}, t -> t.slotFloats(1));
        assertThat(label).containsExactly(50f);
    }

    @Test
    void esEdAreFrameNumbersForAStillAndClipPositionsForAVideo() {
        LabelWriter<Rec> still = new LabelWriter<>(VALUES, options(Target.ES_ED, false), 8, 8);
        LabelWriter<Rec> clip = new LabelWriter<>(VALUES, options(Target.ES_ED, true), 8, 8);
        Rec rec = new Rec(55f, 12, 30, 0);
        assertThat(ints(still, rec, new int[] {0})).containsExactly(12, 30);
        // 12 twice (a clip slower than the file): its first position; 30 absent: -1
        assertThat(ints(clip, rec, new int[] {11, 12, 12, 13})).containsExactly(1, -1);
    }

    @Test
    void viewAndAsAreTheClassIndex() {
        for (Target t : new Target[] {Target.VIEW, Target.AS}) {
            LabelWriter<Rec> w = new LabelWriter<>(VALUES, options(t, false), 8, 8);
            assertThat(ints(w, new Rec(0, 0, 0, 3), new int[] {0})).containsExactly(3);
        }
    }

    @Test
    void masksAreResizedNearestIntoTheSlot() {
        LabelWriter<Rec> w = new LabelWriter<>(VALUES, options(Target.LV_SEG, false), 2, 3);
        assertThat(w.isMask()).isTrue();
        assertThat(w.spec()).isEqualTo(new TensorSpec(DType.UINT8, 2, 3));
        LabelWriter.Mask mask = new LabelWriter.Mask();
        byte[] px = mask.pixels(6, 4);
        assertThat(px).hasSize(24);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 6; c++) {
                px[r * 6 + c] = (byte) ((r / 2 + c / 2) % 2);
            }
        }
        try (BatchPool pool = new BatchPool(X, w.spec(), 2, 1)) {
            BatchPool.Buffers b = pool.acquire();
            w.writeMask(mask, b, 1);
            // source index floor(dst * src / dstSize): rows 0, 2 and columns 0, 2, 4
            assertThat(b.labels().slotBytes(1)).containsExactly(0, 1, 0, 1, 0, 1);
            assertThatThrownBy(() ->
                            w.write(new Rec(0, 0, 0, 0), new SamplePlan(0, 0, "id", "f", new int[] {0}, null), b, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("LV_seg");
            pool.release(b);
        }
    }

    @Test
    void aMaskGrowsToExactlyWhatIsAskedAndKeepsALargerArray() {
        LabelWriter.Mask mask = new LabelWriter.Mask();
        byte[] big = mask.pixels(10, 10);
        assertThat(big).hasSize(100);
        assertThat(mask.pixels(4, 5)).isSameAs(big);
        // exactly as many pixels as the array holds: no new array either
        assertThat(mask.pixels(5, 20)).isSameAs(big);
        assertThat(mask.pixels(11, 10)).hasSize(110);
    }

    @Test
    void recordsWithoutTheTargetsValuesAreRefusedWhenBuilt() {
        RecordLabels<Rec> efOnly = RecordLabels.<Rec>builder().ef(Rec::ef).build();
        assertThatThrownBy(() -> new LabelWriter<>(efOnly, options(Target.VIEW, false), 8, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'view'");
        assertThat(new LabelWriter<>(efOnly, options(Target.MY_SEG, false), 8, 8).isMask())
                .isTrue();
        assertThat(new LabelWriter<>(efOnly, options(Target.CM, false), 8, 8).isMask())
                .isFalse();
    }

    @Test
    void positionOfFindsTheFirstPositionOrMinusOne() {
        assertThat(LabelWriter.positionOf(new int[] {4, 5, 5, 6}, 5)).isEqualTo(1);
        assertThat(LabelWriter.positionOf(new int[] {4, 5, 5, 6}, 7)).isEqualTo(-1);
        assertThat(LabelWriter.positionOf(new int[0], 0)).isEqualTo(-1);
    }

    /** Checks frames {@code valid} of the clip {@code {10, 11, 12, 13}} for {@code rec}: the exception or null. */
    private static Throwable labelFrameCheck(LabelWriter<Rec> w, Rec rec, int valid) {
        SamplePlan plan = new SamplePlan(0, 0, "id", "clip.avi", new int[] {10, 11, 12, 13}, null);
        return catchThrowable(() -> w.requireLabelFrames(rec, plan, valid, "clip.avi"));
    }

    @Test
    void aClipWhoseEsOrEdFrameFallsOnPaddingIsRefusedNamingTheFrame() {
        LabelWriter<Rec> w = new LabelWriter<>(VALUES, options(Target.ES_ED, true), 8, 8);
        // ES 12 is clip position 2: the file must give 3 of the clip's frames for it
        Rec esInClip = new Rec(55, 12, 30, 0);
        assertThat(labelFrameCheck(w, esInClip, 3)).isNull();
        assertThat(labelFrameCheck(w, esInClip, 2))
                .isInstanceOf(SampleException.class)
                .hasMessage("clip.avi: the index's ES frame 12 is past the file's end (it gave 2 of the clip's 4"
                        + " frames): the label would point at padding")
                .satisfies(e -> assertThat(((SampleException) e).stage()).isEqualTo(Stage.TARGET));
        // ED 13 is the last position; ES 10 the first
        Rec edLast = new Rec(55, 10, 13, 0);
        assertThat(labelFrameCheck(w, edLast, 4)).isNull();
        assertThat(labelFrameCheck(w, edLast, 3)).hasMessageContaining("the index's ED frame 13 is past");
        // frames outside the clip are labelled -1, not padding: nothing to refuse
        assertThat(labelFrameCheck(w, new Rec(55, 2, 40, 0), 0)).isNull();
    }

    @Test
    void onlyEsEdClipsHaveLabelFramesToCheck() {
        Rec rec = new Rec(55, 12, 13, 0);
        // a still's ES/ED are frame numbers, and EF names no frame: a short file changes neither label
        assertThat(labelFrameCheck(new LabelWriter<>(VALUES, options(Target.ES_ED, false), 8, 8), rec, 0))
                .isNull();
        assertThat(labelFrameCheck(new LabelWriter<>(VALUES, options(Target.EF, true), 8, 8), rec, 0))
                .isNull();
    }
}
