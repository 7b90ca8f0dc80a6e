package org.etab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClipSpecTest {

    @Test
    void theClipLengthBoundsAreInclusive() {
        assertThat(new ClipSpec(true, 1, 25, false, ClipStart.FIRST).clipLength())
                .isEqualTo(1);
        assertThat(new ClipSpec(true, ClipSpec.MAX_LENGTH, 25, false, ClipStart.FIRST).clipLength())
                .isEqualTo(ClipSpec.MAX_LENGTH);
        assertThatThrownBy(() -> new ClipSpec(true, 0, 25, false, ClipStart.FIRST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clipLength >= 1 required but was 0");
        assertThatThrownBy(() -> new ClipSpec(true, ClipSpec.MAX_LENGTH + 1, 25, false, ClipStart.FIRST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clipLength <= 10000 required but was 10001");
    }

    @Test
    void aSingleFrameIsTheFirstAtTheFilesRateUnpadded() {
        assertThat(ClipSpec.frame()).isEqualTo(new ClipSpec(false, 1, 0, false, ClipStart.FIRST));
    }

    @Test
    void clipStartsParseAsUsersWriteThem() {
        assertThat(ClipStart.parse(" Random ")).isEqualTo(ClipStart.RANDOM);
        assertThat(ClipStart.parse("first")).isEqualTo(ClipStart.FIRST);
        assertThat(ClipStart.parse("ALL")).isEqualTo(ClipStart.ALL);
        assertThatThrownBy(() -> ClipStart.parse("middle"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clip start must be random, first or all but was 'middle'");
    }
}
