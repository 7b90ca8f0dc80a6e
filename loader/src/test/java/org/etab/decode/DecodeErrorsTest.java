package org.etab.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.javacpp.LongPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DecodeErrorsTest {

    final LongPointer deadline = new LongPointer(1).put(Long.MAX_VALUE);
    final LongPointer ioCell = new LongPointer(1);
    final Path file = Path.of("videos", "0X1A.avi");

    @AfterEach
    void free() {
        deadline.close();
        ioCell.close();
    }

    @Test
    void errorsNameTheFileOrTheGivenName() {
        DecodeException fromFile = new DecodeErrors(file, null, deadline).error("no video stream (1 streams)");
        assertThat(fromFile)
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(file + ": no video stream (1 streams)")
                .hasNoCause();
        assertThat(fromFile.file()).isEqualTo(file);

        DecodeException fromMemory =
                new DecodeErrors(null, "https://h/0X1A.avi", deadline).error("unknown video codec");
        assertThat(fromMemory).hasMessage("https://h/0X1A.avi: unknown video codec");
        assertThat(fromMemory.file()).isNull();
        assertThat(fromMemory.source()).isEqualTo("https://h/0X1A.avi");
    }

    @Test
    void failuresCarryFfmpegsReasonAndCode() {
        DecodeException e = new DecodeErrors(file, null, deadline).fail("cannot open", DecodeErrors.EOF);
        assertThat(e)
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(file + ": cannot open: End of file (" + DecodeErrors.EOF + ")");
        assertThat(DecodeErrors.describe(DecodeErrors.EAGAIN))
                .endsWith(" (" + DecodeErrors.EAGAIN + ")")
                .doesNotStartWith(" ");
    }

    @Test
    void anExitPastTheDeadlineIsATimeoutAndBeforeItAnError() {
        DecodeErrors errors = new DecodeErrors(null, "v", deadline);
        assertThat(errors.fail("cannot open", DecodeErrors.EXIT))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessageStartingWith("v: cannot open: ");

        deadline.put(System.nanoTime() - 1);
        assertThat(errors.fail("cannot open", DecodeErrors.EXIT))
                .isExactlyInstanceOf(DecodeTimeoutException.class)
                .hasMessage("v: timed out: cannot open");
        // another code past the deadline is still that failure
        assertThat(errors.fail("cannot open", DecodeErrors.EOF)).isExactlyInstanceOf(DecodeException.class);
    }

    @Test
    void theDeadlineIsCheckedAgainstTheCell() {
        DecodeErrors errors = new DecodeErrors(file, null, deadline);
        assertThatCode(() -> errors.checkDeadline(3)).doesNotThrowAnyException();
        deadline.put(System.nanoTime() - 1);
        assertThatThrownBy(() -> errors.checkDeadline(7))
                .isExactlyInstanceOf(DecodeTimeoutException.class)
                .hasMessage(file + ": timed out after reading 7 frames");
    }

    @Test
    void endingBeforeTheHeadersFrameCountIsTruncation() {
        DecodeErrors errors = new DecodeErrors(file, null, deadline);
        assertThatThrownBy(() -> errors.checkComplete(150, 60))
                .isExactlyInstanceOf(DecodeException.class)
                .hasMessage(file + ": truncated: header says 150 frames but the file ends after 60");
        assertThatCode(() -> errors.checkComplete(150, 150)).doesNotThrowAnyException();
        assertThatCode(() -> errors.checkComplete(-1, 3))
                .as("header without a count")
                .doesNotThrowAnyException();
    }

    @Test
    void whatAReadCallbackThrewIsTheCauseOfErrorsButNotOfTimeouts() {
        DecodeErrors errors = new DecodeErrors(null, "m", deadline);
        try (MemoryIO memory = MemoryIO.open(ByteBuffer.allocate(100), ioCell, Long.MAX_VALUE)) {
            errors.readingFrom(memory);
            assertThat(errors.error("cannot open")).hasNoCause();
            IOException thrown = new IOException("buffer gone");
            memory.failure = thrown;
            assertThat(errors.error("cannot open")).hasCause(thrown);
            assertThat(errors.fail("cannot read past frame 3", DecodeErrors.EOF))
                    .hasCause(thrown);
            deadline.put(System.nanoTime() - 1);
            assertThat(errors.fail("cannot open", DecodeErrors.EXIT))
                    .isInstanceOf(DecodeTimeoutException.class)
                    .hasNoCause();
        }
        assertThat(MemoryIO.openCount()).isZero();
    }
}
