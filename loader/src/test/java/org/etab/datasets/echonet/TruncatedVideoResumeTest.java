package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineFixtures;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.FilteredSource;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A video cut short inside a frame's chunk (a copy interrupted mid-file): the clip whose last frame is that partial
 * chunk must have one outcome, whichever of the video's clips the run decodes first. It had two: decoded first
 * (the container path), FFmpeg flags the packet corrupt and the sample fails; decoded after another clip of the video
 * taught the layout (a scan, which keeps the partial packet as a frame), its bytes go to the decoder, which fills in
 * the missing part, and the sample is delivered. So resuming at that clip, a run with more threads, or an epoch
 * started alone could fail a sample that an uninterrupted run delivers. {@link org.etab.decode.VideoDecoder}'s scan
 * now ends the layout before the packet the demuxer flags corrupt.
 */
class TruncatedVideoResumeTest {
    private static final int CLIP = 10; // frames, at the file's own rate: clips 0-9, 10-19, 20-29, ...
    private static final int CUT_FRAME = 3 * CLIP - 1; // the last frame of the clip at position 2

    @TempDir
    Path tmp;

    @Test
    void aClipEndingOnAPartialChunkFailsAlsoWhenItIsNotTheVideosFirstUse() throws IOException {
        Path root = PipelineFixtures.copyOfPhantom(tmp.resolve("echonet"));
        String id = Files.readAllLines(root.resolve("FileList.csv")).get(1).split(",")[0];
        cutInsideFrame(root.resolve("Videos").resolve(id + ".avi"), CUT_FRAME);

        List<String> uninterrupted = outcomes(root, id, 0);
        List<String> resumed = outcomes(root, id, 2);
        // the positions a resumed run streams: the same outcome for each, delivered (with its bytes) or failed
        assertThat(resumed).isEqualTo(uninterrupted.subList(2, uninterrupted.size()));
        assertThat(uninterrupted.get(2)).startsWith("p2 failed");
    }

    /** Each position's outcome from {@code startAt} on: "pN delivered CRC" or "pN failed". */
    private static List<String> outcomes(Path root, String id, long startAt) {
        SampleOptions options = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(CLIP)
                .fps(0)
                .padding(true)
                .clipStart(ClipStart.ALL)
                .frameSize(32, 32)
                .build();
        List<String> out = new ArrayList<>();
        try (OpenedDataset d = Datasets.open("echonet", root, "all", options);
                Pipeline p = new Pipeline(
                        new FilteredSource(d.source(), Set.of(id)),
                        PipelineOptions.builder().batchSize(1).threads(1).build())) {
            for (Batch b : p.consume(p.batches(0, startAt))) {
                try (b) {
                    CRC32 crc = new CRC32();
                    crc.update(b.features().slotBytes(0));
                    out.add("p" + b.samples().get(0).position() + " delivered " + Long.toHexString(crc.getValue()));
                }
            }
            p.account().failures().forEach(f -> out.add("p" + f.sequence() + " failed"));
        }
        out.sort(null);
        return out;
    }

    /** Cuts the AVI 70 % of the way into frame {@code frame}'s chunk data, as an interrupted copy leaves it. */
    private static void cutInsideFrame(Path avi, int frame) throws IOException {
        byte[] b = Files.readAllBytes(avi);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = indexOf(b, "movi".getBytes()) + 4;
        int seen = 0;
        while (at + 8 <= b.length) {
            String chunk = new String(b, at, 4);
            int size = le.getInt(at + 4);
            if (chunk.endsWith("dc") || chunk.endsWith("db")) {
                if (seen++ == frame) {
                    Files.write(avi, Arrays.copyOf(b, at + 8 + size * 7 / 10));
                    return;
                }
            }
            at += 8 + size + (size & 1);
        }
        throw new IllegalStateException(avi + " has no frame " + frame);
    }

    private static int indexOf(byte[] b, byte[] what) {
        for (int i = 0; i + what.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new IllegalStateException("no " + new String(what));
    }
}
