package org.etab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ErrorPolicyTest {

    @Test
    void parsesEitherPolicyInAnyCaseIgnoringBlanksAndRefusesOthersNamingThem() {
        assertThat(ErrorPolicy.parse("skip")).isEqualTo(ErrorPolicy.SKIP);
        assertThat(ErrorPolicy.parse(" Fail ")).isEqualTo(ErrorPolicy.FAIL);
        assertThatThrownBy(() -> ErrorPolicy.parse("retry"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error policy must be skip or fail but was 'retry'");
    }
}
