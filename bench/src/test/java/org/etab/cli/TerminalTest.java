package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTest {
    @Test
    void controlAndInvisibleFormatCharactersAreEscapedAndTheRestKept() {
        assertThat(Terminal.safe("0X1A2B")).isEqualTo("0X1A2B");
        assertThat(Terminal.safe("échocardiogramme_Ω")).isEqualTo("échocardiogramme_Ω");
        assertThat(Terminal.safe("X\u001b[2J\nRESULT planned=9\r\u0007\u007f\u009b"))
                .isEqualTo("X\\u001b[2J\\u000aRESULT planned=9\\u000d\\u0007\\u007f\\u009b");
        // a right-to-left override would show the rest of the name reversed ("evil" then "jpg.avi")
        assertThat(Terminal.safe("evil\u202Eiva.gpj")).isEqualTo("evil\\u202eiva.gpj");
        assertThat(Terminal.safe("a\u200Bb\uFEFF")).isEqualTo("a\\u200bb\\ufeff");
        assertThat(Terminal.safe(null)).isEqualTo("null");
    }

    /** A reason may quote a field of megabytes: what reaches the terminal is its start and a count of the rest. */
    @Test
    void aLongTextIsCutAfterItsFirstCharactersAndTheRestCounted() {
        String field = "A".repeat(3_000_000);
        assertThat(Terminal.safe("FileList.csv: line 4: FrameWidth is not an integer: '" + field + "'"))
                .hasSizeLessThan(Terminal.MAX_CHARS + 64)
                .startsWith("FileList.csv: line 4: FrameWidth is not an integer: 'AAA")
                .endsWith("A ... (" + (3_000_000 + 54 - Terminal.MAX_CHARS) + " more characters)");
        String exact = "B".repeat(Terminal.MAX_CHARS);
        assertThat(Terminal.safe(exact)).isEqualTo(exact);
        // a pair that the cut would split is left out whole, not half printed
        String pair = "C".repeat(Terminal.MAX_CHARS - 1) + "\uD83D\uDC93" + "D";
        assertThat(Terminal.safe(pair)).isEqualTo("C".repeat(Terminal.MAX_CHARS - 1) + " ... (3 more characters)");
        assertThat(Terminal.safe("\u001b".repeat(Terminal.MAX_CHARS + 1)))
                .isEqualTo("\\u001b".repeat(Terminal.MAX_CHARS) + " ... (1 more character)");
    }
}
