package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.List;
import org.etab.decode.DatasetException;
import org.junit.jupiter.api.Test;

class CsvColumnsTest {

    @Test
    void anInterruptAnywhereInTheCausesIsSaidSo() {
        // as the CSV reader wraps what an interrupted file channel throws
        var wrapped = new UncheckedIOException("Exception when reading record", new ClosedByInterruptException());
        assertThat(CsvColumns.interruptedReading(wrapped))
                .isEqualTo("the reading thread was interrupted (ClosedByInterruptException)");
        assertThat(CsvColumns.describe(wrapped)).isEqualTo(CsvColumns.interruptedReading(wrapped));
        assertThat(CsvColumns.interruptedReading(new IOException("x", new InterruptedIOException())))
                .isEqualTo("the reading thread was interrupted (InterruptedIOException)");
    }

    @Test
    void aSocketTimeoutOrAnyOtherFailureIsNoInterrupt() {
        assertThat(CsvColumns.interruptedReading(new SocketTimeoutException("read timed out")))
                .isNull();
        var bad = new UncheckedIOException("Exception when reading record", new IOException("field too long"));
        assertThat(CsvColumns.interruptedReading(bad)).isNull();
        assertThat(CsvColumns.describe(bad)).isEqualTo("Exception when reading record: field too long");
    }

    @Test
    void columnsAreFoundByTrimmedNameInAnyCaseAndTheFirstDuplicateWins() {
        CsvColumns c = CsvColumns.of(Path.of("f.csv"), List.of(" FileName ", "x", "EF", "filename"), "filename", "ef");
        assertThat(c.at(0)).isEqualTo(0);
        assertThat(c.at(1)).isEqualTo(2);
        assertThat(c.headerSize()).isEqualTo(4);
    }

    @Test
    void missingColumnsAreNamedAndAllMissingHintsAtAMissingHeader() {
        Path f = Path.of("f.csv");
        assertThatThrownBy(() -> CsvColumns.of(f, List.of("FileName", "EF"), "FileName", "FPS"))
                .isInstanceOf(DatasetException.class)
                .hasMessage("f.csv: missing required column FPS; header is [FileName, EF]");
        assertThatThrownBy(() -> CsvColumns.of(f, List.of("FileName", "EF"), "FileName", "FPS", "Split"))
                .hasMessage("f.csv: missing required columns FPS, Split; header is [FileName, EF]");
        // a data row where the header should be: none of the names is there
        assertThatThrownBy(() -> CsvColumns.of(f, List.of("0X1A", "55.2"), "FileName", "EF"))
                .hasMessage("f.csv: missing required columns FileName, EF; header is [0X1A, 55.2]"
                        + " (is the header line missing?)");
    }

    @Test
    void aRowsFieldCountProblemSaysWhichFieldAnOpenQuoteSpreadOver() {
        assertThat(CsvColumns.fieldCountProblem(List.of("a", "b"), 2)).isNull();
        assertThat(CsvColumns.fieldCountProblem(List.of("a", "b"), 3)).isEqualTo("expected 3 fields but found 2");
        // the second field runs over three lines; the line break the file ends with does not count
        assertThat(CsvColumns.fieldCountProblem(List.of("a", "b\nc,1\nd,2\n"), 3))
                .isEqualTo("expected 3 fields but found 2 (field 2 is quoted over 3 lines: an unterminated quote"
                        + " takes the rows after it)");
    }
}
