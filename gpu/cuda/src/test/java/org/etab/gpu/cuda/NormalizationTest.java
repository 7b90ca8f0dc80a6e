package org.etab.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
