package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void parsesEachSplitInAnyCaseWithBlanksAround() {
        assertThat(Split.parse("TRAIN")).isEqualTo(Split.TRAIN);
        assertThat(Split.parse(" val ")).isEqualTo(Split.VAL);
        assertThat(Split.parse("Test")).isEqualTo(Split.TEST);
        assertThatThrownBy(() -> Split.parse("all"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split must be train, val or test but was 'all'");
    }

    @Test
    void aSelectionIsASplitOrAllWhichIsNull() {
        assertThat(Split.selection("train")).isEqualTo(Split.TRAIN);
        assertThat(Split.selection(" VAL")).isEqualTo(Split.VAL);
        assertThat(Split.selection("test ")).isEqualTo(Split.TEST);
        assertThat(Split.selection(" All ")).isNull();
        assertThatThrownBy(() -> Split.selection("training"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split must be one of train, val, test, all (any case) but was 'training'");
        assertThatThrownBy(() -> Split.selection(null)).isInstanceOf(NullPointerException.class);
    }
}
