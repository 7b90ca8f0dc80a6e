package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
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
}
