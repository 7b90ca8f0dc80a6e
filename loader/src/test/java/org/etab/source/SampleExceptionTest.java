package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class SampleExceptionTest {
    private final SampleFailure failure = new SampleFailure("X", "Videos/X.avi", Stage.DECODE, "bad frame", 2, 7, true);

    @Test
    void aStopCarriesItsFailureAndReadsAsItsStopMessage() {
        SampleException stop = new SampleException(failure);
        assertThat(stop)
                .hasMessage("sample X failed: bad frame (stopping: error policy is fail)")
                .hasNoCause();
        assertThat(stop.stage()).isEqualTo(Stage.DECODE);
        assertThat(stop.failure()).containsSame(failure);
        assertThatThrownBy(() -> new SampleException((SampleFailure) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void otherFailedSamplesCarryNone() {
        assertThat(new SampleException(Stage.FETCH, "Videos/X.avi: HTTP 503").failure())
                .isEmpty();
        assertThat(new SampleException(Stage.FETCH, "m", new RuntimeException()).failure())
                .isEmpty();
        assertThatThrownBy(() -> new SampleException(null, "m")).hasMessage("stage");
    }

    @Test
    void theFailureTravelsWithASerializedStop() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SampleException(failure));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            SampleException back = (SampleException) in.readObject();
            assertThat(back.failure()).contains(failure);
            assertThat(back.stage()).isEqualTo(Stage.DECODE);
            assertThat(back).hasMessage(failure.stopMessage());
        }
    }
}
