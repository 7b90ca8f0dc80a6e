package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.etab.batch.DType;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;

/** What README.md says of {@code SampleOptions}' defaults, against the library the CLI is built on. */
class ReadmeApiClaimsTest {

    @Test
    void sampleOptionsHaveNoDefaultTargetAndOtherwiseW1sDefaults() {
        assertThatThrownBy(() -> SampleOptions.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target required");
        SampleOptions w1 = SampleOptions.builder().target(Target.EF).build();
        assertThat(w1.clip().video()).isTrue();
        assertThat(w1.clip().clipLength()).isEqualTo(32);
        assertThat(w1.clip().fps()).isEqualTo(25.0);
        assertThat(w1.frameHeight()).isEqualTo(112);
        assertThat(w1.frameWidth()).isEqualTo(112);
        assertThat(w1.channels()).isEqualTo(3);
        assertThat(w1.normalize()).isTrue();
        assertThat(w1.dtype()).isEqualTo(DType.FLOAT32);
    }
}
