package org.etab.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomsTest {

    @Test
    void theMarkerSaysWhatWroteTheDirectoryAndItsSizeIsReturned(@TempDir Path out) throws IOException {
        long bytes = Phantoms.writeMarker(out, "CAMUS dataset (MHD layout)", 7, "patients", 4);
        Path marker = out.resolve(Phantoms.MARKER);
        assertThat(Files.readString(marker, StandardCharsets.US_ASCII))
                .isEqualTo("etab-stream phantom CAMUS dataset (MHD layout); may be overwritten by `etab synth`\n"
                        + "seed=7\npatients=4\n");
        assertThat(bytes).isEqualTo(Files.size(marker));
        assertThat(Phantoms.claim(out)).isTrue();
    }

    @Test
    void deleteFilesRemovesOnlyMatchingFilesAndIgnoresAMissingDirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.avi"), "a");
        Files.writeString(dir.resolve("b.avi"), "b");
        Files.writeString(dir.resolve("keep.csv"), "c");
        Phantoms.deleteFiles(dir, "*.avi");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("keep.csv");
        }
        Phantoms.deleteFiles(dir.resolve("missing"), "*.avi");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void writeCsvWritesTheHeaderThenTheRowsAndReturnsTheSize(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.csv");
        long bytes = Phantoms.writeCsv(file, "a,b", w -> w.write("1,2\n3,4\n"));
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n3,4\n");
        assertThat(bytes).isEqualTo(Files.size(file));
    }
}
