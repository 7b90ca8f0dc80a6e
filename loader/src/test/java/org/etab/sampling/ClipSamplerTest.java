package org.etab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipSamplerTest {

    private static ClipSampler sampler(int length, double fps, boolean padding, ClipStart start) {
        return new ClipSampler(new ClipSpec(true, length, fps, padding, start));
    }

    @Test
    void fiftyToTwentyFiveTakesEverySecondFrame() {
        assertThat(sampler(5, 25, true, ClipStart.FIRST).frames(3, 50)).containsExactly(3, 5, 7, 9, 11);
        assertThat(sampler(32, 25, true, ClipStart.FIRST).span(50)).isEqualTo(63);
    }

    @Test
    void thirtyToTwentyFiveFloorsTheScaledIndex() {
        // i * 30/25 = 0, 1.2, 2.4, 3.6, 4.8, 6.0, 7.2 -> 0, 1, 2, 3, 4, 6, 7 (6.0 must not floor to 5)
        assertThat(sampler(7, 25, true, ClipStart.FIRST).frames(0, 30)).containsExactly(0, 1, 2, 3, 4, 6, 7);
    }

    @Test
    void nativeRateTakesConsecutiveFramesAndUpsamplingRepeats() {
        assertThat(sampler(4, 0, true, ClipStart.FIRST).frames(10, 50)).containsExactly(10, 11, 12, 13);
        assertThat(sampler(5, 50, true, ClipStart.FIRST).frames(0, 25)).containsExactly(0, 0, 1, 1, 2);
    }

    @Test
    void randomStartStaysInsideTheVideoAndIsAPureFunctionOfTheSeed() {
        ClipSampler s = sampler(32, 25, false, ClipStart.RANDOM);
        for (int seed = 0; seed < 200; seed++) {
            int[] clip = s.clips(100, 50, new SplittableRandom(seed)).clips().get(0);
            assertThat(clip[0]).isBetween(0, 100 - 63);
            assertThat(clip[31]).isLessThan(100);
            assertThat(s.clips(100, 50, new SplittableRandom(seed)).clips().get(0))
                    .containsExactly(clip);
        }
    }

    @Test
    void shortVideoIsPaddedOrRefusedWithTheReason() {
        ClipSampler.Choice padded = sampler(32, 25, true, ClipStart.RANDOM).clips(40, 50, new SplittableRandom(1));
        assertThat(padded.failure()).isNull();
        assertThat(padded.clips().get(0)[0]).isZero();
        assertThat(padded.clips().get(0)[31]).isEqualTo(62); // past the end: the decoder delivers a prefix

        ClipSampler.Choice refused = sampler(32, 25, false, ClipStart.RANDOM).clips(40, 50, new SplittableRandom(1));
        assertThat(refused.clips()).isEmpty();
        assertThat(refused.failure())
                .isEqualTo("video has 40 frames but a clip of 32 frames at 25 fps needs 63 (padding is off)");
    }

    @Test
    void allClipsTileTheVideoWithoutOverlap() {
        ClipSampler.Choice all = sampler(4, 25, false, ClipStart.ALL).clips(20, 50, new SplittableRandom(1));
        // span 7: starts 0 and 7 fit (14 + 7 > 20 does not)
        assertThat(all.clips()).hasSize(2);
        assertThat(all.clips().get(0)).containsExactly(0, 2, 4, 6);
        assertThat(all.clips().get(1)).containsExactly(7, 9, 11, 13);
    }

    /** A rate no real file has must not overflow the span into "bound must be positive" (Java's own words). */
    @Test
    void anAbsurdFileRateSaturatesTheSpanInsteadOfOverflowing() {
        ClipSampler random = sampler(32, 25, true, ClipStart.RANDOM);
        assertThat(random.span(1e308)).isEqualTo(Integer.MAX_VALUE);
        int[] clip = random.clips(120, 1e308, new SplittableRandom(1)).clips().get(0);
        assertThat(clip[0]).isZero();
        assertThat(clip[1]).isEqualTo(Integer.MAX_VALUE); // past the end: padded
        assertThat(sampler(32, 25, false, ClipStart.FIRST)
                        .clips(120, 1e308, new SplittableRandom(1))
                        .failure())
                .isEqualTo("video has 120 frames but a clip of 32 frames at 25 fps needs 2147483647 (padding is off)");
    }

    /** A video exactly one clip long is not "shorter than one clip": it yields that clip, padding off. */
    @Test
    void aVideoExactlyOneSpanLongYieldsItsClipWithoutPadding() {
        // span at 50 -> 25 fps of 4 frames: 0, 2, 4, 6 -> 7 source frames
        ClipSampler.Choice first = sampler(4, 25, false, ClipStart.FIRST).clips(7, 50, new SplittableRandom(1));
        assertThat(first.failure()).isNull();
        assertThat(first.clips()).hasSize(1);
        assertThat(first.clips().get(0)).containsExactly(0, 2, 4, 6);
        assertThat(sampler(4, 25, false, ClipStart.FIRST)
                        .clips(6, 50, new SplittableRandom(1))
                        .failure())
                .isEqualTo("video has 6 frames but a clip of 4 frames at 25 fps needs 7 (padding is off)");
    }

    /** Every start that keeps the clip inside the video is drawn, the last one included, and none past it. */
    @Test
    void randomStartsReachEveryPlaceInTheVideoUpToTheLast() {
        ClipSampler s = sampler(4, 25, false, ClipStart.RANDOM);
        // span 7 in 10 frames: starts 0..3
        Set<Integer> starts = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            starts.add(s.clips(10, 50, new SplittableRandom(seed)).clips().get(0)[0]);
        }
        assertThat(starts).containsExactlyInAnyOrder(0, 1, 2, 3);
        // one frame to spare: both starts, 0 and 1
        Set<Integer> spare = new HashSet<>();
        for (int seed = 0; seed < 50; seed++) {
            spare.add(s.clips(8, 50, new SplittableRandom(seed)).clips().get(0)[0]);
        }
        assertThat(spare).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void allClipsIncludeTheOneEndingOnTheLastFrame() {
        // span 7 in 14 frames: starts 0 and 7, the second ends on frame 13
        ClipSampler.Choice all = sampler(4, 25, false, ClipStart.ALL).clips(14, 50, new SplittableRandom(1));
        assertThat(all.clips()).hasSize(2);
        assertThat(all.clips().get(1)).containsExactly(7, 9, 11, 13);
    }

    @Test
    void aFileRateOfZeroCannotBeResampledButIsIgnoredAtTheNativeRate() {
        assertThatThrownBy(() -> sampler(4, 25, true, ClipStart.FIRST).frames(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the file's frame rate must be > 0 to resample but was 0.0");
        assertThatThrownBy(() -> sampler(4, 25, true, ClipStart.FIRST).span(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sampler(4, 0, true, ClipStart.FIRST).frames(2, 0)).containsExactly(2, 3, 4, 5);
    }

    @Test
    void theRefusalNamesTheNativeRateAndAFractionalOne() {
        assertThat(sampler(4, 0, false, ClipStart.FIRST)
                        .clips(3, 50, new SplittableRandom(1))
                        .failure())
                .isEqualTo("video has 3 frames but a clip of 4 frames at native fps needs 4 (padding is off)");
        assertThat(sampler(4, 12.5, false, ClipStart.FIRST)
                        .clips(3, 25, new SplittableRandom(1))
                        .failure())
                .isEqualTo("video has 3 frames but a clip of 4 frames at 12.5 fps needs 7 (padding is off)");
    }
}
