package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.gpu.cuda.Normalization.Layout;
import org.junit.jupiter.api.Test;

/** The record's documented checks: its layouts are "not null", refused where they are given, not later. */
class NormalizationTest {
    @Test
    void aNullLayoutIsRefusedWhenMadeNamingIt() {
        double[] mean = {0.5};
        double[] std = {0.25};
        assertThatThrownBy(() -> new Normalization(null, Layout.CHANNELS_FIRST, mean, std))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("input");
        assertThatThrownBy(() -> new Normalization(Layout.CHANNELS_FIRST, null, mean, std))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("output");
        // before: both made a normalization whose hashCode() threw and whose check() passed a null layout on
        assertThatThrownBy(() -> Normalization.imagenet().withOutput(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("output");
        assertThatThrownBy(() -> Normalization.imagenet().withInput(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("input");
    }

    @Test
    void oneToFourChannelsWithAPositiveStdEach() {
        for (int channels = 1; channels <= 4; channels++) {
            double[] mean = new double[channels];
            double[] std = new double[channels];
            java.util.Arrays.fill(std, 0.5);
            assertThat(new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_LAST, mean, std).channels())
                    .isEqualTo(channels);
        }
        assertThatThrownBy(() ->
                        new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_FIRST, new double[0], new double[0]))
                .hasMessage("1 to 4 channels with one mean and one std each required but got 0 means and 0 stds");
        assertThatThrownBy(() ->
                        new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_FIRST, new double[5], new double[5]))
                .hasMessage("1 to 4 channels with one mean and one std each required but got 5 means and 5 stds");
        assertThatThrownBy(() ->
                        new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_FIRST, new double[2], new double[3]))
                .hasMessage("1 to 4 channels with one mean and one std each required but got 2 means and 3 stds");
        for (double bad : new double[] {0, -1, Double.NaN}) {
            assertThatThrownBy(() -> new Normalization(
                            Layout.CHANNELS_FIRST, Layout.CHANNELS_FIRST, new double[] {0, 0}, new double[] {1, bad}))
                    .as("std %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("std > 0 required but was [1.0, ");
        }
    }

    /** A {@code [T, C, H, W]} clip is T kernel samples of {@code [C, H, W]}: channels first, on its second axis. */
    @Test
    void aFramesFirstClipIsItsFramesEachChannelsFirst() {
        Normalization n = Normalization.imagenet();
        TensorSpec tchw = new TensorSpec(DType.UINT8, "TCHW", 16, 3, 8, 10);
        TensorSpec cthw = new TensorSpec(DType.UINT8, "CTHW", 3, 16, 8, 10);
        assertThatCode(() -> n.check(tchw)).doesNotThrowAnyException();
        assertThat(n.unitsPerSample(tchw)).isEqualTo(16);
        assertThat(n.spatial(tchw)).isEqualTo(8 * 10);
        assertThat(n.unitsPerSample(cthw)).isEqualTo(1);
        assertThat(n.spatial(cthw)).isEqualTo(16 * 8 * 10);

        assertThatThrownBy(() -> n.withInput(Layout.CHANNELS_LAST).check(tchw))
                .hasMessage("features " + tchw + " are [T, C, H, W] (channels first in each frame), but the "
                        + "normalization's input is CHANNELS_LAST: use Layout.CHANNELS_FIRST");
        TensorSpec oneChannel = new TensorSpec(DType.UINT8, "TCHW", 3, 1, 8, 10); // 3 frames of 1 channel
        assertThatThrownBy(() -> n.check(oneChannel))
                .hasMessage("features " + oneChannel + " must have 3 channels first but have 1");
    }

    @Test
    void samplesOfOtherTypesOrChannelsAreRefused() {
        Normalization n = Normalization.imagenet();
        assertThatThrownBy(() -> n.check(new TensorSpec(DType.FLOAT32, 3, 8, 8)))
                .hasMessageStartingWith("the device normalizes uint8 samples but the features are ");
        assertThatThrownBy(() -> n.check(new TensorSpec(DType.UINT8, 3)))
                .hasMessage("features " + new TensorSpec(DType.UINT8, 3)
                        + " must have a channel axis and at least one more, but have one axis");
        assertThatCode(() -> n.check(new TensorSpec(DType.UINT8, 3, 8))).doesNotThrowAnyException();
        assertThatCode(() -> n.withInput(Layout.CHANNELS_LAST).check(new TensorSpec(DType.UINT8, 8, 8, 3)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> n.withInput(Layout.CHANNELS_LAST).check(new TensorSpec(DType.UINT8, 3, 8, 8)))
                .hasMessageEndingWith("must have 3 channels last but have 8");
    }

    /** A record of arrays compared by value: equal formulas and layouts are equal, with equal hashes. */
    @Test
    void normalizationsAreEqualByTheirValues() {
        Normalization a =
                new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_LAST, new double[] {0.5}, new double[] {0.25});
        Normalization same =
                new Normalization(Layout.CHANNELS_FIRST, Layout.CHANNELS_LAST, new double[] {0.5}, new double[] {0.25});
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a)
                .isNotEqualTo(a.withInput(Layout.CHANNELS_LAST))
                .isNotEqualTo(a.withOutput(Layout.CHANNELS_FIRST))
                .isNotEqualTo(new Normalization(
                        Layout.CHANNELS_FIRST, Layout.CHANNELS_LAST, new double[] {0.4}, new double[] {0.25}))
                .isNotEqualTo(new Normalization(
                        Layout.CHANNELS_FIRST, Layout.CHANNELS_LAST, new double[] {0.5}, new double[] {0.3}))
                .isNotEqualTo("Normalization");
        assertThat(a).hasToString("Normalization[CHANNELS_FIRST -> CHANNELS_LAST, mean [0.5], std [0.25]]");
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (Layout in : Layout.values()) {
            for (Layout out : Layout.values()) {
                hashes.add(
                        Normalization.imagenet().withInput(in).withOutput(out).hashCode());
            }
        }
        assertThat(hashes).as("the four layout pairs hash apart").hasSize(4);
    }
}
