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
        // the index order unless shuffling is asked for, which a copy keeps
        assertThat(o.shuffle()).isFalse();
        SampleOptions shuffled = o.toBuilder().shuffle(true).build();
        assertThat(shuffled.shuffle()).isTrue();
        assertThat(shuffled.toBuilder().build().shuffle()).isTrue();
        assertThat(shuffled).isNotEqualTo(o);
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

    @Test
    void buildRefusesEachBadValueNamingIt() {
        assertThatThrownBy(() -> SampleOptions.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target required (e.g. Target.EF) but was not set");
        assertThatThrownBy(() -> ef().frameSize(0, 112).build())
                .hasMessage("frame size must be two positive numbers, or 0x0 for native, but was 0x112");
        assertThatThrownBy(() -> ef().frameSize(112, 5000).build())
                .hasMessage("frame size must be at most 4096x4096 but was 112x5000");
        assertThatThrownBy(() -> ef().clipLength(10_001).build())
                .hasMessage("clipLength <= 10000 required but was 10001");
        assertThatThrownBy(() -> ef().clipLength(0).build()).hasMessage("clipLength >= 1 required but was 0");
        assertThatThrownBy(() -> ef().channels(2).build()).hasMessage("channels must be 1 (gray) or 3 (RGB) but was 2");
        assertThatThrownBy(() -> ef().labelScheme("as3").build())
                .hasMessage("label scheme 'as3' applies to the class targets view and AS, not 'EF'");
        assertThatThrownBy(() -> ef().normalize(true).dtype(DType.UINT8).build())
                .hasMessage("uint8 keeps raw pixels; it cannot be combined with normalize(true)");
        // left unset, normalization follows the dtype: on for float32, off for uint8's raw pixels
        assertThat(ef().dtype(DType.UINT8).build().normalize()).isFalse();
        assertThat(ef().build().normalize()).isTrue();
        assertThatThrownBy(() -> ef().clipStart(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clipStart");
        assertThatThrownBy(() -> ef().resize(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("resize");
        assertThatThrownBy(() -> ef().frameSize(2048, 2048).build())
                .hasMessage("one sample of [3, 32, 2048, 2048] float32 is 1610612736 bytes, more than the"
                        + " 1073741824-byte (1 GiB) limit; lower the clip length, the frame size or the channels");
        // what a single frame or the native size makes of the same values
        assertThat(ef().video(false)
                        .clipLength(10_001)
                        .frameSize(2048, 2048)
                        .build()
                        .featureSpec(2048, 2048))
                .isEqualTo(new TensorSpec(DType.FLOAT32, "CHW", 3, 2048, 2048));
        SampleOptions nativeSize = ef().frameSize(0, 0).build();
        assertThat(nativeSize.nativeSize()).isTrue();
        assertThatThrownBy(() -> nativeSize.checkSampleSize(2048, 2048)).hasMessageStartingWith("one sample of");
        assertThat(ef().target(Target.AS).labelScheme("as3").build().labelScheme())
                .isEqualTo("as3");
    }

    private static SampleOptions.Builder ef() {
        return SampleOptions.builder().target(Target.EF);
    }
}
