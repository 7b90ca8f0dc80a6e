package org.etab.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class PhantomWriterTest {

    /** Reports three steps and returns the directory it was given. */
    private static final class Steps extends PhantomWriter<String, Path> {
        Steps(String options) {
            super(options);
        }

        @Override
        public Path write(Path out, IntConsumer progress) {
            for (int i = 1; i <= 3; i++) {
                progress.accept(i);
            }
            return out;
        }
    }

    @Test
    void keepsItsOptionsAndRefusesNone() {
        assertThat(new Steps("seed 7").options()).isEqualTo("seed 7");
        assertThatThrownBy(() -> new Steps(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
    }

    @Test
    void writeWithoutProgressWritesTheSame() throws Exception {
        Path out = Path.of("phantom");
        assertThat(new Steps("x").write(out)).isEqualTo(out);
    }
}
