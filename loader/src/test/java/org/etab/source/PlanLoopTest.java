package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.IntStream;
import org.etab.sampling.ClipSampler;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.sampling.EpochOrder;
import org.junit.jupiter.api.Test;

/** The epoch loop every source plans with: order, numbering, clip choice and plan-time failures. */
class PlanLoopTest {
    /** A test record: a video of {@code frames} frames at {@code fps}. */
    private record Video(String id, int frames, double fps) {}

    private static final List<Video> VIDEOS = IntStream.range(0, 9)
            .mapToObj(i -> new Video("v" + i, 40 + 10 * i, i % 3 == 0 ? 30 : 50))
            .toList();

    private static SampleOptions options(ClipSpec clip, boolean shuffle) {
        return SampleOptions.builder()
                .target(Target.EF)
                .clip(clip)
                .seed(7)
                .shuffle(shuffle)
                .build();
    }

    private static List<SamplePlan> clips(SampleOptions o, int epoch, List<Video> videos) {
        return new PlanLoop(o)
                .plan(epoch, videos, (v, plans) -> plans.clips(v.id(), v.id() + ".avi", v.frames(), v.fps()));
    }

    @Test
    void recordsComeInTheEpochsSeededOrderNumberedInDeliveryOrder() {
        SampleOptions o = options(ClipSpec.frame(), true);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<SamplePlan> plans = new PlanLoop(o).plan(epoch, VIDEOS, (v, p) -> p.still(v.id(), "f", 3));
            int[] order = EpochOrder.of(VIDEOS.size(), 7, epoch, true);
            assertThat(plans).hasSize(VIDEOS.size());
            for (int i = 0; i < plans.size(); i++) {
                SamplePlan p = plans.get(i);
                assertThat(p.position()).isEqualTo(i);
                assertThat(p.record()).isEqualTo(order[i]);
                assertThat(p.id()).isEqualTo(VIDEOS.get(order[i]).id());
                assertThat(p.frames()).containsExactly(3);
                assertThat(p.failure()).isNull();
            }
        }
    }

    @Test
    void randomClipsAreTheSamplersChoiceSeededPerEpochAndRecord() {
        ClipSpec spec = new ClipSpec(true, 8, 25, true, ClipStart.RANDOM);
        SampleOptions o = options(spec, false);
        ClipSampler sampler = new ClipSampler(spec);
        for (int epoch = 0; epoch < 2; epoch++) {
            List<SamplePlan> plans = clips(o, epoch, VIDEOS);
            for (SamplePlan p : plans) {
                Video v = VIDEOS.get(p.record());
                int[] expected = sampler.clips(v.frames(), v.fps(), EpochOrder.forSample(7, epoch, v.id()))
                        .clips()
                        .get(0);
                assertThat(p.frames()).containsExactly(expected);
                assertThat(p.file()).isEqualTo(v.id() + ".avi");
            }
            // a pure function of (seed, epoch): planned again, the same clips
            List<SamplePlan> again = clips(o, epoch, VIDEOS);
            for (int i = 0; i < plans.size(); i++) {
                assertThat(again.get(i).frames()).containsExactly(plans.get(i).frames());
            }
        }
    }

    @Test
    void allClipsOfARecordFollowOneAnotherAndPositionsCountThemAll() {
        SampleOptions o = options(new ClipSpec(true, 10, 0, true, ClipStart.ALL), false);
        List<SamplePlan> plans = clips(o, 0, List.of(new Video("a", 35, 50), new Video("b", 20, 50)));
        assertThat(plans).extracting(SamplePlan::id).containsExactly("a", "a", "a", "b", "b");
        assertThat(plans).extracting(SamplePlan::position).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(plans).extracting(SamplePlan::record).containsExactly(0, 0, 0, 1, 1);
        assertThat(plans.get(2).frames())
                .containsExactly(IntStream.range(20, 30).toArray());
    }

    @Test
    void aRecordWithoutAClipIsOneFailedPlanNamingWhy() {
        SampleOptions strict = options(new ClipSpec(true, 32, 25, false, ClipStart.FIRST), false);
        List<SamplePlan> plans = clips(strict, 0, List.of(new Video("short", 20, 50), new Video("long", 100, 50)));
        assertThat(plans).hasSize(2);
        assertThat(plans.get(0).frames()).isEmpty();
        assertThat(plans.get(0).failure())
                .isEqualTo("video has 20 frames but a clip of 32 frames at 25 fps needs 63 (padding is off)");
        assertThat(plans.get(1).failure()).isNull();
        assertThat(plans.get(1).position()).isEqualTo(1);

        // a rate the sampler cannot resample from is a failure too, not an exception out of plan()
        List<SamplePlan> noRate = clips(
                options(new ClipSpec(true, 4, 25, true, ClipStart.FIRST), false), 0, List.of(new Video("x", 20, 0)));
        assertThat(noRate.get(0).failure()).isEqualTo("frame rate 0.0 fps is outside the 1 to 1000 a video may have");
    }

    @Test
    void aFailureKnownToTheDatasetKeepsItsFrames() {
        List<SamplePlan> plans = new PlanLoop(options(ClipSpec.frame(), false))
                .plan(0, VIDEOS.subList(0, 2), (v, p) -> p.failed(v.id(), "f", new int[] {0}, "no label"));
        assertThat(plans).extracting(SamplePlan::failure).containsExactly("no label", "no label");
        assertThat(plans.get(1).frames()).containsExactly(0);
        assertThat(plans.get(1).position()).isEqualTo(1);
    }

    @Test
    void anEmptySelectionPlansNothing() {
        assertThat(clips(options(ClipSpec.frame(), true), 0, List.of())).isEmpty();
    }

    /** A record whose counts come from no index (a dataset's own code): planning still allocates by bounded numbers. */
    @Test
    void absurdFrameCountsAndRatesAreFailedPlansNamingTheValueNotAllocations() {
        SampleOptions all = options(new ClipSpec(true, 1, 25, true, ClipStart.ALL), false);
        List<SamplePlan> plans = clips(
                all,
                0,
                List.of(
                        new Video("many", Integer.MAX_VALUE, 50),
                        new Video("fast", 120, 1e308),
                        new Video("nan", 120, Double.NaN),
                        new Video("slow", 120, 1e-308),
                        new Video("ok", 120, 50)));
        assertThat(plans)
                .filteredOn(p -> p.failure() != null)
                .extracting(SamplePlan::id, SamplePlan::failure)
                .containsExactlyInAnyOrder(
                        tuple("many", "frame count 2147483647 is more than the 10000 a video may have"),
                        tuple("fast", "frame rate 1.0E308 fps is outside the 1 to 1000 a video may have"),
                        tuple("nan", "frame rate NaN fps is outside the 1 to 1000 a video may have"),
                        tuple("slow", "frame rate 1.0E-308 fps is outside the 1 to 1000 a video may have"));
        assertThat(plans).filteredOn(p -> p.id().equals("ok")).hasSize(120); // one-frame clips tile all 120 frames
    }

    @Test
    void theBoundsThemselvesArePlanned() {
        SampleOptions first = options(new ClipSpec(true, 4, 25, true, ClipStart.FIRST), false);
        List<SamplePlan> plans = clips(
                first,
                0,
                List.of(
                        new Video("longest", PlanLoop.MAX_VIDEO_FRAMES, 50),
                        new Video("one-more", PlanLoop.MAX_VIDEO_FRAMES + 1, 50),
                        new Video("slowest", 120, PlanLoop.MIN_VIDEO_FPS),
                        new Video("fastest", 120, PlanLoop.MAX_VIDEO_FPS),
                        new Video("too-fast", 120, Math.nextUp(PlanLoop.MAX_VIDEO_FPS))));
        assertThat(plans)
                .extracting(SamplePlan::id, SamplePlan::failure)
                .containsExactly(
                        tuple("longest", null),
                        tuple("one-more", "frame count 10001 is more than the 10000 a video may have"),
                        tuple("slowest", null),
                        tuple("fastest", null),
                        tuple(
                                "too-fast",
                                "frame rate 1000.0000000000001 fps is outside the 1 to 1000 a video may have"));
        assertThat(plans.get(0).frames()).containsExactly(0, 2, 4, 6); // 50 fps taken at 25
        assertThat(plans.get(2).frames()).containsExactly(0, 0, 0, 0); // 1 fps taken at 25: one frame repeated
        assertThat(plans.get(3).frames()).containsExactly(0, 40, 80, 120); // 120 is past the end: padded when read
    }
}
