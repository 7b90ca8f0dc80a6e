package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.etab.batch.DType;
import org.etab.batch.TensorSpec;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.junit.jupiter.api.Test;

/** The input tensor's format: shapes with named axes, its own checks, and the limits of one sample. */
class FeatureFormatTest {
    private static final ClipSpec CLIP_32 = new ClipSpec(true, 32, 25, true, ClipStart.RANDOM);

    private static FeatureFormat format(DType dtype, int channels, ClipLayout layout) {
        return new FeatureFormat(112, 112, channels, dtype == DType.FLOAT32, dtype, layout);
    }

    @Test
    void clipsFollowTheLayoutAndStillsHaveNoTimeAxis() {
        FeatureFormat cthw = format(DType.FLOAT32, 3, ClipLayout.CTHW);
        assertThat(cthw.spec(CLIP_32, 8, 6)).isEqualTo(new TensorSpec(DType.FLOAT32, "CTHW", 3, 32, 8, 6));
        FeatureFormat tchw = format(DType.UINT8, 1, ClipLayout.TCHW);
        assertThat(tchw.spec(CLIP_32, 8, 6)).isEqualTo(new TensorSpec(DType.UINT8, "TCHW", 32, 1, 8, 6));
        assertThat(tchw.spec(ClipSpec.frame(), 8, 6)).isEqualTo(new TensorSpec(DType.UINT8, "CHW", 1, 8, 6));
    }

    @Test
    void zeroByZeroIsTheNativeSizeAndHalfZeroIsRefused() {
        assertThat(new FeatureFormat(0, 0, 3, true, DType.FLOAT32, ClipLayout.CTHW).nativeSize())
                .isTrue();
        assertThat(format(DType.FLOAT32, 3, ClipLayout.CTHW).nativeSize()).isFalse();
        assertThatThrownBy(() -> new FeatureFormat(0, 112, 3, true, DType.FLOAT32, ClipLayout.CTHW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame size must be two positive numbers, or 0x0 for native, but was 0x112");
        assertThatThrownBy(() -> new FeatureFormat(-1, -1, 3, true, DType.FLOAT32, ClipLayout.CTHW))
                .hasMessage("frame size must be two positive numbers, or 0x0 for native, but was -1x-1");
    }

    @Test
    void eachValueAndCombinationIsCheckedNamingIt() {
        assertThatThrownBy(() -> new FeatureFormat(4097, 112, 3, true, DType.FLOAT32, ClipLayout.CTHW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame size must be at most 4096x4096 but was 4097x112");
        assertThatThrownBy(() -> new FeatureFormat(112, 112, 2, true, DType.FLOAT32, ClipLayout.CTHW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channels must be 1 (gray) or 3 (RGB) but was 2");
        assertThatThrownBy(() -> new FeatureFormat(112, 112, 3, true, DType.UINT8, ClipLayout.CTHW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uint8 keeps raw pixels; it cannot be combined with normalize(true)");
        assertThatThrownBy(() -> new FeatureFormat(112, 112, 3, false, null, ClipLayout.CTHW))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("dtype");
        assertThatThrownBy(() -> new FeatureFormat(112, 112, 3, false, DType.UINT8, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("layout");
    }

    @Test
    void aSampleUpToOneGibibyteIsAcceptedAndOneByteMoreIsNot() {
        FeatureFormat gray = format(DType.UINT8, 1, ClipLayout.CTHW);
        ClipSpec clip64 = new ClipSpec(true, 64, 25, true, ClipStart.RANDOM);
        gray.checkSize(clip64, 4096, 4096); // 64 x 4096 x 4096 bytes: exactly 1 GiB
        assertThatThrownBy(() -> gray.checkSize(clip64, 4096, 4097))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame size must be at most 4096x4096 but was 4096x4097");
        ClipSpec clip65 = new ClipSpec(true, 65, 25, true, ClipStart.RANDOM);
        assertThatThrownBy(() -> gray.checkSize(clip65, 4096, 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("one sample of [1, 65, 4096, 4096] uint8 is 1090519040 bytes, more than the"
                        + " 1073741824-byte (1 GiB) limit; lower the clip length, the frame size or the channels");
        // a still of the same frames is far below the limit
        gray.checkSize(ClipSpec.frame(), 4096, 4096);
    }
}
