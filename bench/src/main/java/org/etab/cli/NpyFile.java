package org.etab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.etab.batch.DType;
import org.etab.batch.HostTensor;
import org.etab.batch.TensorSpec;

/**
 * One slot of a batch tensor as a NumPy {@code .npy} file (format 1.0, C order, native byte order), written straight
 * from the pool's native memory: no copy on the heap and no native array left for the garbage collector, so an
 * export's memory stays flat whatever its length (writing through ND4J left each sample's arrays to the collector:
 * 10 GB RSS on a 410-clip 224x224 export).
 */
final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    // NumPy pads magic, version, length and header to a multiple of 64 bytes, ending in a newline
    private static final int ALIGN = 64;

    private NpyFile() {}

    /**
     * Writes slot {@code slot} of {@code tensor} to {@code file} through {@code <file>.tmp}, moved into place, so the
     * final name only ever holds a whole file.
     *
     * @param tensor a batch tensor, open
     * @param slot   the slot, {@code 0..capacity-1}
     * @param file   where the array goes; whatever is there is replaced
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    static void write(HostTensor tensor, int slot, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer data = tensor.buffer();
        long from = tensor.slotOffset(slot);
        data.position((int) from).limit((int) (from + tensor.spec().bytes()));
        try {
            // whatever is there (an interrupted run's file, or a link, which writing would follow) goes first; the
            // file is then made new, so the array lands in a file of ours and nowhere else
            Files.deleteIfExists(tmp);
            try (FileChannel out = FileChannel.open(
                    tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                writeFully(out, ByteBuffer.wrap(header(tensor.spec())));
                writeFully(out, data);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            UncheckedIOException failed = new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
            delete(tmp, failed); // a half-written array would hold the space a full disk lacks, and stay
            throw failed;
        }
    }

    /**
     * Writes a sample's input and target: both files, or neither when either cannot be written (an input under its
     * final name without its target would be a file without a manifest row).
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    static void writePair(HostTensor x, HostTensor y, int slot, Path xFile, Path yFile) {
        write(x, slot, xFile);
        try {
            write(y, slot, yFile);
        } catch (UncheckedIOException e) {
            delete(xFile, e);
            throw e;
        }
    }

    private static void delete(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** The magic, version, header length and header of an array of {@code spec}, padded as NumPy pads it. */
    static byte[] header(TensorSpec spec) {
        String shape = Arrays.stream(spec.shape()).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + descr(spec.dtype()) + "', 'fortran_order': False, 'shape': (" + shape
                + (spec.shape().length == 1 ? "," : "") + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static String descr(DType dtype) {
        String order = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "<" : ">";
        return switch (dtype) {
            case UINT8 -> "|u1";
            case INT32 -> order + "i4";
            case FLOAT32 -> order + "f4";
        };
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
