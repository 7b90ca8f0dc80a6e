package org.etab.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(Phantoms.claim(out, "CAMUS dataset")).isTrue();
    }

    @Test
    void anotherDatasetsPhantomOrAForeignDirectoryIsRefusedAndLeftAsItWas(@TempDir Path tmp) throws IOException {
        Path echonet = Files.createDirectories(tmp.resolve("echonet"));
        Phantoms.writeMarker(echonet, "EchoNet-Dynamic dataset", 1, "videos", 2);
        assertThatThrownBy(() -> Phantoms.claim(echonet, "CAMUS dataset"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refusing to write a phantom CAMUS dataset into " + echonet)
                .hasMessageContaining("'etab-stream phantom EchoNet-Dynamic dataset; may be overwritten");
        assertThat(Phantoms.claim(echonet, "EchoNet-Dynamic dataset")).isTrue();

        Path real = Files.createDirectories(tmp.resolve("real"));
        Files.writeString(real.resolve("FileList.csv"), "FileName\n");
        assertThatThrownBy(() -> Phantoms.claim(real, "EchoNet-Dynamic dataset"))
                .hasMessageContaining("has no " + Phantoms.MARKER + " marker");
        assertThat(Files.readString(real.resolve("FileList.csv"))).isEqualTo("FileName\n");

        Path empty = tmp.resolve("new");
        assertThat(Phantoms.claim(empty, "TMED-2 dataset")).isFalse();
        assertThat(empty).isEmptyDirectory();
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
