package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvLabelTest {

    private enum Grade implements CsvLabel {
        LOW("low_grade"),
        HIGH("High_Grade");

        private final String label;

        Grade(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }
    }

    @Test
    void findsTheConstantByItsLabelTrimmedInAnyCase() {
        assertThat(CsvLabel.parse(Grade.class, "low_grade")).isEqualTo(Grade.LOW);
        assertThat(CsvLabel.parse(Grade.class, "  HIGH_grade \t")).isEqualTo(Grade.HIGH);
    }

    @Test
    void anUnknownLabelOrAConstantNameIsNone() {
        assertThat(CsvLabel.parse(Grade.class, "medium_grade")).isNull();
        assertThat(CsvLabel.parse(Grade.class, "LOW")).isNull();
        assertThat(CsvLabel.parse(Grade.class, "")).isNull();
    }
}
