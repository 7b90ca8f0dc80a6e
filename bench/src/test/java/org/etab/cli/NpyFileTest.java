package org.etab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.etab.batch.BatchPool;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpyFileTest {
    @TempDir
    Path dir;

    /** Every slot of a batch: the file is byte for byte what ND4J's writer (export's until now) gave for it. */
    @Test
    void eachSlotIsTheFileNd4jWroteForItInEveryDtypeAndRank() throws IOException {
        TensorSpec[] specs = {
            new TensorSpec(DType.FLOAT32, 3, 32, 112, 112),
            new TensorSpec(DType.FLOAT32, 1),
            new TensorSpec(DType.INT32, 2),
            new TensorSpec(DType.UINT8, 5, 7),
            new TensorSpec(DType.UINT8, 1024, 1024, 3, 2),
        };
        for (TensorSpec spec : specs) {
            try (BatchPool pool = new BatchPool(spec, new TensorSpec(DType.INT32, 1), 3, 1)) {
                BatchPool.Buffers b = pool.acquire();
                HostTensor t = b.features();
                ByteBuffer all = t.buffer();
                for (int i = 0; i < all.capacity(); i++) {
                    all.put(i, (byte) (i * 31 + 7));
                }
                for (int slot = 0; slot < 3; slot++) {
                    Path ours = dir.resolve(slot + ".ours.npy");
                    NpyFile.write(t, slot, ours);
                    byte[] slotBytes = t.slotBytes(slot);
                    INDArray reference = Nd4j.createNpyFromByteArray(npy(spec, slotBytes));
                    Path theirs = dir.resolve(slot + ".nd4j.npy");
                    Nd4j.writeAsNumpy(reference, theirs.toFile());
                    assertThat(Files.readAllBytes(ours))
                            .as("%s slot %d", spec, slot)
                            .isEqualTo(Files.readAllBytes(theirs));
                    assertThat(Arrays.copyOfRange(Files.readAllBytes(ours), 128, (int) Files.size(ours)))
                            .isEqualTo(slotBytes);
                }
                pool.release(b);
            }
        }
        assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
    }

    @Test
    void theHeaderIsPaddedToSixtyFourBytesAndEndsInANewline() {
        byte[] h = NpyFile.header(new TensorSpec(DType.FLOAT32, 2));
        assertThat(h).hasSize(128);
        assertThat(new String(h, 10, h.length - 10, java.nio.charset.StandardCharsets.US_ASCII))
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")
                .endsWith(" \n");
        assertThat(h[8] & 0xff | (h[9] & 0xff) << 8).isEqualTo(118);
    }

    /** A pair is written whole or not at all: a target that cannot be written takes its input with it. */
    @Test
    void aPairIsBothFilesOrNeither() throws IOException {
        try (BatchPool pool = new BatchPool(new TensorSpec(DType.UINT8, 2, 2), new TensorSpec(DType.INT32, 1), 1, 1)) {
            BatchPool.Buffers b = pool.acquire();
            NpyFile.writePair(b.features(), b.labels(), 0, dir.resolve("a.x.npy"), dir.resolve("a.y.npy"));
            assertThat(Files.size(dir.resolve("a.x.npy")))
                    .isEqualTo(NpyFile.header(b.features().spec()).length + 4);
            assertThat(Files.size(dir.resolve("a.y.npy")))
                    .isEqualTo(NpyFile.header(b.labels().spec()).length + 4);

            // the target's name is taken by a folder that is not empty: the move onto it fails
            Path taken = Files.createDirectories(dir.resolve("b.y.npy"));
            Files.writeString(taken.resolve("keep"), "a user's file");
            assertThatThrownBy(() -> NpyFile.writePair(
                            b.features(), b.labels(), 0, dir.resolve("b.x.npy"), dir.resolve("b.y.npy")))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageStartingWith(taken + ": cannot write: ");
            assertThat(dir.resolve("b.x.npy")).doesNotExist();
            assertThat(taken.resolve("keep")).hasContent("a user's file");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("a.x.npy", "a.y.npy", "b.y.npy");
            }
            pool.release(b);
        }
    }

    /**
     * Across ranks and axis widths, so that the unpadded header ends at every offset within 64 bytes: the total is the
     * least multiple of 64 that holds it, and the length field says how much follows it.
     */
    @Test
    void theHeaderTakesTheLeastPaddingThatAlignsIt() {
        java.util.Set<Integer> offsets = new java.util.HashSet<>();
        for (int rank = 1; rank <= 12; rank++) {
            for (int width = 1; width <= 7; width++) {
                int[] shape = new int[rank];
                Arrays.fill(shape, (int) Math.pow(10, width - 1));
                byte[] h = NpyFile.header(new TensorSpec(DType.UINT8, shape));
                String text = new String(h, 10, h.length - 10, java.nio.charset.StandardCharsets.US_ASCII);
                int unpadded = 10 + text.stripTrailing().length() + 1; // magic, version, length, dict, newline
                offsets.add(unpadded % 64);
                assertThat(h.length % 64).as("rank %d width %d", rank, width).isZero();
                assertThat(h.length - unpadded)
                        .as("rank %d width %d", rank, width)
                        .isBetween(0, 63);
                assertThat(h[8] & 0xff | (h[9] & 0xff) << 8).isEqualTo(h.length - 10);
                assertThat(text).endsWith("\n");
            }
        }
        assertThat(offsets).as("the unpadded lengths, mod 64, cover the edges").contains(0, 63);
    }

    /** An .npy of {@code bytes} with our header, for ND4J to read back into an array of its own. */
    private static byte[] npy(TensorSpec spec, byte[] bytes) {
        byte[] header = NpyFile.header(spec);
        byte[] out = Arrays.copyOf(header, header.length + bytes.length);
        System.arraycopy(bytes, 0, out, header.length, bytes.length);
        return out;
    }
}
