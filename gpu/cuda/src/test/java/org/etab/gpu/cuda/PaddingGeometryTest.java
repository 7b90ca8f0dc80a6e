package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.etab.batch.DType;
import org.etab.batch.SampleInfo;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;

/** Shapes and padding ranges of a batch on the device, in both output layouts. */
class PaddingGeometryTest {
    static final TensorSpec CLIPS = new TensorSpec(DType.UINT8, 3, 2, 4, 5); // [C, T, H, W]: 20 pixels a frame

    static SampleInfo sample(int valid, int frames) {
        return new SampleInfo("s", 0, 0, new int[frames], valid);
    }

    static PaddingGeometry geometry(Normalization.Layout output) {
        return new PaddingGeometry(CLIPS, Normalization.imagenet().withOutput(output));
    }

    @Test
    void shapesFollowTheOutputLayout() {
        PaddingGeometry first = geometry(Normalization.Layout.CHANNELS_FIRST);
        assertThat(first.inputShape(4)).containsExactly(4, 3, 2, 4, 5);
        assertThat(first.outputShape(4)).containsExactly(4, 3, 2, 4, 5);
        PaddingGeometry last = geometry(Normalization.Layout.CHANNELS_LAST);
        assertThat(last.inputShape(4)).containsExactly(4, 3, 2, 4, 5);
        assertThat(last.outputShape(4)).containsExactly(4, 2, 4, 5, 3);
        assertThat(last.inputBytes(3)).isEqualTo(3 * 120);
    }

    @Test
    void channelsFirstPadsEachChannelsLastFramesOfAShortClip() {
        // sample 1 of 3 holds one decoded frame of its two
        List<PaddingGeometry.Range> r = geometry(Normalization.Layout.CHANNELS_FIRST)
                .padding(List.of(sample(2, 2), sample(1, 2), sample(2, 2)));
        assertThat(r)
                .containsExactly(
                        new PaddingGeometry.Range(4L * ((1 * 3 + 0) * 2 + 1) * 20, 4 * 20),
                        new PaddingGeometry.Range(4L * ((1 * 3 + 1) * 2 + 1) * 20, 4 * 20),
                        new PaddingGeometry.Range(4L * ((1 * 3 + 2) * 2 + 1) * 20, 4 * 20));
    }

    @Test
    void channelsLastPadsOneRunPerShortClip() {
        List<PaddingGeometry.Range> r =
                geometry(Normalization.Layout.CHANNELS_LAST).padding(List.of(sample(2, 2), sample(1, 2), sample(0, 2)));
        assertThat(r)
                .containsExactly(
                        new PaddingGeometry.Range(4L * (1 * 2 + 1) * 60, 4 * 60),
                        new PaddingGeometry.Range(4L * (2 * 2) * 60, 4 * 2 * 60)); // nothing decoded: both frames
    }

    @Test
    void fullClipsAndStillsHaveNoPadding() {
        assertThat(geometry(Normalization.Layout.CHANNELS_FIRST).padding(List.of(sample(2, 2), sample(2, 2))))
                .isEmpty();
        PaddingGeometry stills = new PaddingGeometry(new TensorSpec(DType.UINT8, 3, 4, 5), Normalization.imagenet());
        assertThat(stills.padding(List.of(sample(0, 1)))).isEmpty();
        assertThat(stills.outputShape(2)).containsExactly(2, 3, 4, 5);
    }

    @Test
    void refusesFeaturesTheKernelCannotTake() {
        assertThatThrownBy(
                        () -> new PaddingGeometry(new TensorSpec(DType.FLOAT32, 3, 2, 4, 5), Normalization.imagenet()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uint8");
    }
}
