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
}
