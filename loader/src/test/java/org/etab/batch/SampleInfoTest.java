package org.etab.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleInfoTest {

    @Test
    void itsFramesCannotBeChangedFromOutside() {
        int[] frames = {4, 6, 8};
        SampleInfo info = new SampleInfo("X", 0, 7, frames, 2);
        frames[0] = 99; // the caller's array, reused for the next sample
        info.sourceFrames()[1] = 99; // a reader writing into what it was given
        assertThat(info.sourceFrames()).containsExactly(4, 6, 8);
        assertThat(info.padded()).isTrue();
    }

    @Test
    void infosWithTheSameValuesAreEqual() {
        SampleInfo a = new SampleInfo("X", 1, 7, new int[] {4, 6}, 2, true);
        SampleInfo b = new SampleInfo("X", 1, 7, new int[] {4, 6}, 2, true);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new SampleInfo("X", 1, 7, new int[] {4, 8}, 2, true));
        assertThat(a).isNotEqualTo(new SampleInfo("X", 1, 7, new int[] {4, 6}, 2, false));
        assertThat(a.toString()).contains("sourceFrames=[4, 6]");
    }

    @Test
    void aClipIsPaddedOnlyWhenSomePositionHoldsNoDecodedFrame() {
        assertThat(new SampleInfo("X", 0, 0, new int[] {4, 6, 8}, 3).padded()).isFalse();
        assertThat(new SampleInfo("X", 0, 0, new int[] {4, 6, 8}, 2).padded()).isTrue();
        assertThat(new SampleInfo("X", 0, 0, new int[] {4}, 1).padded()).isFalse();
    }

    @Test
    void theHashCodeFollowsTheValues() {
        SampleInfo a = new SampleInfo("X", 1, 7, new int[] {4, 6}, 2, true);
        assertThat(a.hashCode()).isNotEqualTo(new SampleInfo("Y", 1, 7, new int[] {4, 6}, 2, true).hashCode());
        assertThat(a.hashCode()).isNotEqualTo(new SampleInfo("X", 1, 7, new int[] {4, 8}, 2, true).hashCode());
    }
}
