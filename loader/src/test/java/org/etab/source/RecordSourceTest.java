package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.sampling.EpochOrder;
import org.junit.jupiter.api.Test;

/** The base every dataset's source stands on, through a minimal dataset of its own. */
class RecordSourceTest {
    /** A test record: an id and a frame count. */
    private record Rec(String id, int frames, float ef) {}

    private static final List<Rec> RECORDS =
            List.of(new Rec("a", 40, 60f), new Rec("b", 70, 35f), new Rec("c", 90, 55f));

    /** A dataset offering EF and LV_seg whose native size is 30x20, counting how often it is asked for it. */
    private static final class Toy extends RecordSource<Rec> {
        Toy(List<Rec> records, SampleOptions options) {
            this(records, options, new int[1]);
        }

        /** {@code nativeAsked[0]} counts the calls for the native size. */
        Toy(List<Rec> records, SampleOptions options, int[] nativeAsked) {
            this(records, List.of(), options, nativeAsked, new RecordSource.FrameSize(30, 20));
        }

        Toy(
                List<Rec> records,
                List<IndexProblem> rejected,
                SampleOptions options,
                int[] nativeAsked,
                RecordSource.FrameSize size) {
            super(
                    "toy",
                    List.of(Target.EF, Target.LV_SEG),
                    records,
                    rejected,
                    options,
                    r -> {
                        nativeAsked[0]++;
                        if (r.isEmpty()) {
                            throw new IllegalArgumentException("no records, no native size");
                        }
                        return size;
                    },
                    RecordLabels.<Rec>builder().ef(Rec::ef).build());
        }

        @Override
        protected void planRecord(Rec rec, PlanLoop.Plans plans) {
            if (options().clip().video()) {
                plans.clips(rec.id(), rec.id() + ".avi", rec.frames(), 50);
            } else {
                plans.still(rec.id(), rec.id() + ".avi", rec.frames() - 1);
            }
        }

        @Override
        public SampleWorker newWorker() {
            throw new UnsupportedOperationException("plans only");
        }
    }

    private static SampleOptions.Builder options(Target t) {
        return SampleOptions.builder()
                .target(t)
                .clip(new ClipSpec(true, 8, 25, true, ClipStart.FIRST))
                .frameSize(16, 12)
                .channels(1)
                .normalize(false)
                .seed(3)
                .shuffle(true);
    }

    @Test
    void declaresTheTensorsOfTheOptionsAndTheFrameSize() {
        Toy clip = new Toy(RECORDS, options(Target.EF).build());
        assertThat(clip.dataset()).isEqualTo("toy");
        assertThat(clip.features()).isEqualTo(new TensorSpec(DType.FLOAT32, "CTHW", 1, 8, 16, 12));
        assertThat(clip.labels()).isEqualTo(new TensorSpec(DType.FLOAT32, 1));
        Toy mask = new Toy(RECORDS, options(Target.LV_SEG).video(false).build());
        assertThat(mask.features()).isEqualTo(new TensorSpec(DType.FLOAT32, "CHW", 1, 16, 12));
        assertThat(mask.labels()).isEqualTo(new TensorSpec(DType.UINT8, 16, 12));
    }

    @Test
    void theNativeSizeIsAskedOfTheDatasetOnlyWhenTheOptionsWantIt() {
        int[] asked = new int[1];
        new Toy(RECORDS, options(Target.LV_SEG).build(), asked);
        assertThat(asked[0]).isZero();
        Toy nat = new Toy(RECORDS, options(Target.LV_SEG).frameSize(0, 0).build(), asked);
        assertThat(asked[0]).isEqualTo(1);
        assertThat(nat.labels()).isEqualTo(new TensorSpec(DType.UINT8, 30, 20));
        assertThatThrownBy(() ->
                        new Toy(List.of(), options(Target.EF).frameSize(0, 0).build()))
                .hasMessage("no records, no native size");
    }

    @Test
    void aNativeSizeIsCheckedAgainstTheSampleLimitsOnceKnown() {
        SampleOptions nat = options(Target.EF).frameSize(0, 0).build();
        // a size the options allow for any dataset: frames at most 4096 a side, a sample at most 1 GiB
        Toy largest = new Toy(RECORDS, List.of(), nat, new int[1], new RecordSource.FrameSize(4096, 4096));
        assertThat(largest.features().shape()).containsExactly(1, 8, 4096, 4096);
        assertThatThrownBy(() -> new Toy(RECORDS, List.of(), nat, new int[1], new RecordSource.FrameSize(4097, 20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame size must be at most 4096x4096 but was 4097x20");
        SampleOptions longClips = options(Target.EF)
                .frameSize(0, 0)
                .clip(new ClipSpec(true, 20, 25, true, ClipStart.FIRST))
                .build();
        assertThatThrownBy(() ->
                        new Toy(RECORDS, List.of(), longClips, new int[1], new RecordSource.FrameSize(4096, 4096)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("one sample of [1, 20, 4096, 4096] float32 is 1342177280 bytes, more than");
    }

    @Test
    void rejectedRowsAreKeptAsGivenAndNeverPlanned() {
        List<IndexProblem> rejected = new ArrayList<>(List.of(new IndexProblem("d", "d.avi", "no frame count")));
        Toy toy =
                new Toy(RECORDS, rejected, options(Target.EF).build(), new int[1], new RecordSource.FrameSize(30, 20));
        rejected.clear();
        assertThat(toy.rejected()).containsExactly(new IndexProblem("d", "d.avi", "no frame count"));
        assertThat(toy.plan(0)).extracting(SamplePlan::id).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(new Toy(RECORDS, options(Target.EF).build()).rejected()).isEmpty();
    }

    @Test
    void anUnofferedTargetFailsFirstNamingWhatIsOffered() {
        int[] asked = new int[1];
        // native size would fail too (no records): the target is checked before
        assertThatThrownBy(() ->
                        new Toy(List.of(), options(Target.VIEW).frameSize(0, 0).build(), asked))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target 'view' is not available for toy; available: EF, LV_seg");
        assertThat(asked[0]).isZero();
        assertThatThrownBy(() -> new Toy(null, options(Target.EF).build())).hasMessage("records");
        assertThatThrownBy(() -> new Toy(RECORDS, null)).hasMessage("options");
    }

    @Test
    void keepsItsOwnCopyOfTheRecordsAndPlansThemInTheEpochsOrder() {
        List<Rec> mine = new ArrayList<>(RECORDS);
        SampleOptions o = options(Target.EF).video(false).build();
        Toy toy = new Toy(mine, o);
        mine.clear();
        assertThat(toy.records()).isEqualTo(RECORDS);
        assertThat(toy.options()).isSameAs(o);
        List<SamplePlan> plans = toy.plan(2);
        assertThat(plans)
                .extracting(SamplePlan::record)
                .isEqualTo(Arrays.stream(EpochOrder.of(3, 3, 2, true)).boxed().toList());
        for (SamplePlan p : plans) {
            Rec r = RECORDS.get(p.record());
            assertThat(p.id()).isEqualTo(r.id());
            assertThat(p.frames()).containsExactly(r.frames() - 1);
        }
        assertThat(toy.plan(2))
                .extracting(SamplePlan::id)
                .isEqualTo(plans.stream().map(SamplePlan::id).toList());
    }
}
