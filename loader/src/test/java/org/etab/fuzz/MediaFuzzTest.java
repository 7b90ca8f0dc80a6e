package org.etab.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.etab.decode.AviIndex;
import org.etab.decode.DatasetException;
import org.etab.decode.DecodeException;
import org.etab.decode.ImageVolume;
import org.etab.decode.MetaImageReader;
import org.etab.decode.MetaImageWriter;
import org.etab.decode.NiftiReader;
import org.etab.decode.PngGray;
import org.etab.decode.VideoLayout;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz targets (Jazzer) of the binary readers: MetaImage, NIfTI-1, the AVI index reader and PNG
 * headers. Each input is a whole file; {@link FuzzChecks#check} states the property. {@code mvn test} replays the
 * committed inputs under {@code MediaFuzzTestInputs/<target>/} (seeds from the project's writers, and every finding
 * fixed); {@code bench/fuzz/fuzz.sh} fuzzes.
 *
 * <p>The seeded damage of {@code decode.MutationTest} and {@code source.ParserFuzzTest} stays; this adds the
 * coverage guidance, which finds the inputs that pass one check to reach the next.
 */
@Timeout(30) // per input: a parser that hangs is a finding, also in regression runs
class MediaFuzzTest {
    /** The MetaImage header's name; its data files lie beside it. */
    static final String MHD = "fuzz.mhd";

    private static final class MetaImage {
        static final Path DIR = FuzzChecks.scratch("metaimage");
        static final Path HEADER = DIR.resolve(MHD);

        static {
            try {
                // the data files raw.mhd and zraw.mhd name, so that a header pointing elsewhere reaches them
                MetaImageWriter.write(DIR.resolve("data.mhd"), volume(), false, false);
                Files.move(DIR.resolve("data.raw"), DIR.resolve("fuzz.raw"));
                MetaImageWriter.write(DIR.resolve("data.mhd"), volume(), true, false);
                Files.move(DIR.resolve("data.zraw"), DIR.resolve("fuzz.zraw"));
                Files.delete(DIR.resolve("data.mhd"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final Path NIFTI = FuzzChecks.scratch("nifti").resolve("fuzz.nii");
    private static final Path PNG = FuzzChecks.scratch("png").resolve("fuzz.png");
    private static final AviIndex AVI = new AviIndex();
    private static final PngGray PNG_GRAY = new PngGray();
    private static final PngGray.Image GRAY = new PngGray.Image();

    /** The volume of the MetaImage and NIfTI seeds: 6x4, 3 slices, every byte different. */
    static ImageVolume volume() {
        byte[] pixels = new byte[6 * 4 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 3 + 1);
        }
        return ImageVolume.ofUint8(6, 4, 3, new double[] {0.3, 0.3, 1}, pixels, "fuzz");
    }

    /** A MetaImage header (LOCAL data, or data files beside it: {@code fuzz.raw}, {@code fuzz.zraw}). */
    @FuzzTest
    void metaImage(byte[] input) throws Exception {
        Files.write(MetaImage.HEADER, input);
        // the file at fault may be the header or the data file it names: a file of the header's directory
        FuzzChecks.check(
                MetaImage.DIR + "/",
                input.length,
                () -> MetaImageReader.read(MetaImage.HEADER),
                DatasetException.class);
    }

    /** A NIfTI-1 file, plain or gzip. */
    @FuzzTest
    void nifti(byte[] input) throws Exception {
        FuzzChecks.checkFile(NIFTI, input, () -> NiftiReader.read(NIFTI), DatasetException.class);
    }

    /**
     * An AVI's RIFF headers and idx1 index, as {@link AviIndex} reads them before FFmpeg: a layout or null (decode
     * through the container), never an exception. A layout's frames lie inside the file.
     */
    @FuzzTest
    void aviIndex(byte[] input) throws Exception {
        FuzzChecks.check("", input.length, () -> {
            VideoLayout layout = AVI.read(ByteBuffer.wrap(input));
            if (layout != null) {
                long[] offsets = layout.offsets();
                int[] sizes = layout.sizes();
                for (int f = 0; f < offsets.length; f++) {
                    if (offsets[f] < 8 || sizes[f] <= 0 || offsets[f] + sizes[f] > input.length) {
                        throw new AssertionError("frame " + f + " at " + offsets[f] + ", " + sizes[f]
                                + " bytes, is not inside the " + input.length + "-byte file");
                    }
                }
                if (layout.fileSize() != input.length || layout.width() <= 0 || layout.height() <= 0) {
                    throw new AssertionError("layout " + layout + " of a " + input.length + "-byte file");
                }
            }
        });
    }

    /**
     * A PNG (TMED-2's stills), decoded to gray. The CRC of every chunk that lies whole in the input is rewritten
     * first: a mutated header would otherwise fail its CRC check (which {@code PngGrayTest} and {@code
     * ParserFuzzTest} cover) before any check after it, and the fuzzer would not learn the way past.
     */
    @FuzzTest
    void png(byte[] input) throws Exception {
        FuzzChecks.checkFile(PNG, withChunkCrcs(input), () -> PNG_GRAY.decode(PNG, GRAY), DecodeException.class);
    }

    /** {@code png} with each whole chunk's CRC-32 (over its type and data) made to match. */
    static byte[] withChunkCrcs(byte[] png) {
        byte[] out = png.clone();
        ByteBuffer chunks = ByteBuffer.wrap(out); // big-endian, as PNG
        CRC32 crc = new CRC32();
        for (long at = 8; at + 12 <= out.length; ) {
            long data = Integer.toUnsignedLong(chunks.getInt((int) at));
            long end = at + 12 + data;
            if (end > out.length) {
                break;
            }
            crc.reset();
            crc.update(out, (int) at + 4, (int) data + 4);
            chunks.putInt((int) end - 4, (int) crc.getValue());
            at = end;
        }
        return out;
    }
}
