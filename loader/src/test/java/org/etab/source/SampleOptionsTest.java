package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.transform.Resampling;
import org.etab.transform.ResizeFilter;
import org.junit.jupiter.api.Test;

/** The pixel options: defaults that keep the original path, a copy that keeps them, shapes that name their axes. */
class SampleOptionsTest {

    @Test
    void defaultsAreTheOriginalBilinearAndChannelsFirstClips() {
        SampleOptions o = SampleOptions.builder().target(Target.EF).build();
        assertThat(o.resampling())
                .isEqualTo(Resampling.DEFAULT)
                .isEqualTo(new Resampling(ResizeFilter.BILINEAR, false));
        assertThat(o.layout()).isEqualTo(ClipLayout.CTHW);
        assertThat(o.featureSpec(112, 112)).isEqualTo(new TensorSpec(DType.FLOAT32, "CTHW", 3, 32, 112, 112));
    }

    @Test
    void aCopyKeepsResizeAntialiasAndLayoutAndTheyTakePartInEquality() {
        SampleOptions o = SampleOptions.builder()
                .target(Target.EF)
                .resize(ResizeFilter.AREA)
                .antialias(true)
                .layout(ClipLayout.TCHW)
                .build();
        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
        assertThat(o.toBuilder().antialias(false).build()).isNotEqualTo(o);
        assertThat(o.toBuilder().layout(ClipLayout.CTHW).build()).isNotEqualTo(o);
        assertThat(o.featureSpec(8, 6)).isEqualTo(new TensorSpec(DType.FLOAT32, "TCHW", 32, 3, 8, 6));
        assertThat(o.toBuilder().video(false).build().featureSpec(8, 6))
                .isEqualTo(new TensorSpec(DType.FLOAT32, "CHW", 3, 8, 6));
        assertThat(o.toString()).contains("resize=area (Pillow, antialiased)", "layout=tchw");
    }

    @Test
    void layoutNamesAreParsedAndBadOnesNamed() {
        assertThat(ClipLayout.parse("TCHW")).isEqualTo(ClipLayout.TCHW);
        assertThatThrownBy(() -> ClipLayout.parse("nchw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layout must be cthw or tchw but was 'nchw'");
        assertThatThrownBy(() -> new TensorSpec(DType.UINT8, "CTH", 1, 2, 3, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("axes must name each of the 4 dimensions once but were 'CTH'");
    }
}
