package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.batch.SampleInfo;
import org.etab.decode.AviIndex;
import org.etab.decode.VideoLayout;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineFixtures;
import org.etab.sampling.ClipSpec;
import org.etab.sampling.ClipStart;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Stage;
import org.etab.source.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local EchoNet videos read by span once their layout is known: every epoch's samples equal, byte for byte, those
 * of a source that has never seen the videos (which decodes every file through the container).
 */
class LocalVideosTest {

    /** id and a checksum of each sample's features and labels, in delivery order, for {@code epoch}. */
    private static List<String> epoch(Pipeline p, int epoch) {
        List<String> out = new ArrayList<>();
        for (Batch b : p.batches(epoch).toIterable(1)) {
            try (b) {
                for (int i = 0; i < b.size(); i++) {
                    CRC32 crc = new CRC32();
                    crc.update(b.features().slotBytes(i));
                    crc.update(b.labels().slotBytes(i));
                    out.add(b.samples().get(i).id() + ":" + crc.getValue());
                }
            }
        }
        return out;
    }

    private static Pipeline pipeline(EchoNetSource source) {
        return new Pipeline(source, PipelineFixtures.options(4, 2), new SimpleMeterRegistry(), HostAllocator.NATIVE);
    }

    /** What a source that has never seen the videos delivers in {@code epoch}. */
    private static List<String> fresh(List<EchoNetRecord> records, SampleOptions o, int epoch) {
        try (Pipeline p = pipeline(new EchoNetSource(records, o))) {
            return epoch(p, epoch);
        }
    }

    @Test
    void laterEpochsReadOnlyTheClipsBytesAndDeliverTheSameSamples() {
        List<EchoNetRecord> records = PipelineFixtures.records();
        for (SampleOptions o : List.of(
                PipelineFixtures.w1(3, true),
                SampleOptions.builder()
                        .target(Target.LV_SEG)
                        .video(false)
                        .frameSize(96, 96)
                        .channels(3)
                        .normalize(true)
                        .dtype(DType.FLOAT32)
                        .seed(3)
                        .shuffle(true)
                        .build())) {
            EchoNetSource source = new EchoNetSource(records, o);
            try (Pipeline p = pipeline(source)) {
                assertThat(epoch(p, 0)).isEqualTo(fresh(records, o, 0));
                assertThat(source.layoutsKnown()).isEqualTo(records.size());
                for (int e = 1; e <= 2; e++) {
                    assertThat(epoch(p, e)).as("epoch " + e).isEqualTo(fresh(records, o, e));
                }
                assertThat(p.account().failed()).isZero();
            }
        }
    }

    @Test
    void aVideoReplacedBetweenEpochsIsReadAnewAndADeletedOneIsReportedAsBefore(@TempDir Path dir) throws IOException {
        PipelineFixtures.copyOfPhantom(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).select("all");
        SampleOptions o = PipelineFixtures.w1(5, false);
        EchoNetSource source = new EchoNetSource(records, o);
        try (Pipeline p = pipeline(source)) {
            epoch(p, 0);
            assertThat(source.layoutsKnown()).isEqualTo(records.size());
            // another video (another size) under the first one's name; the second one deleted
            Path replaced = records.get(0).video();
            Path other = records.stream()
                    .map(EchoNetRecord::video)
                    .filter(v -> size(v) != size(replaced))
                    .findFirst()
                    .orElseThrow();
            Files.copy(other, replaced, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(records.get(1).video());
            List<String> got = epoch(p, 1);
            assertThat(got).isEqualTo(fresh(records, o, 1));
            assertThat(p.account().failures()).hasSize(1);
            SampleFailure f = p.account().failures().get(0);
            assertThat(f.id()).isEqualTo(records.get(1).id());
            assertThat(f.stage()).isEqualTo(Stage.DECODE);
            assertThat(f.reason()).contains(records.get(1).video().toString());
            // the replaced video's layout was learned again from its new file (the deleted one's stays: the file
            // refused to open, which is its sample's failure)
            assertThat(source.layoutsKnown()).isEqualTo(records.size());
        }
    }

    @Test
    void videosWithoutAnIndexOrWithInterFramesDeliverTheSameSamplesEveryEpoch(@TempDir Path dir) throws Exception {
        PipelineFixtures.copyOfPhantom(dir);
        List<EchoNetRecord> records = EchoNetReader.read(dir).select("all");
        // the first video's pictures as MPEG-4 part 2 with B-frames: no layout can be learned, every epoch decodes
        // the file through the container
        OddVideos.reencodeAsMpeg4(records.get(0), records.get(0).video());
        // the second's idx1 renamed JUNK: neither our AVI reader nor FFmpeg's demuxer has an index to give, so the
        // layout is learned by scanning the packets, and later epochs read spans
        OddVideos.hideIndex(records.get(1).video());
        SampleOptions o = PipelineFixtures.w1(7, true);
        EchoNetSource source = new EchoNetSource(records, o);
        try (Pipeline p = pipeline(source)) {
            assertThat(epoch(p, 0)).isEqualTo(fresh(records, o, 0));
            assertThat(source.layoutsKnown()).isEqualTo(records.size() - 1);
            for (int e = 1; e <= 2; e++) {
                assertThat(epoch(p, e)).as("epoch " + e).isEqualTo(fresh(records, o, e));
            }
            assertThat(source.layoutsKnown()).isEqualTo(records.size() - 1);
            assertThat(p.account().failed()).isZero();
        }
    }

    /**
     * Every sample of a plain MJPEG AVI, its first included, reads only the bytes from its clip's first frame to its
     * last (the layout from the file's own index): no container is opened or demuxed, which would read the video
     * from its start.
     */
    @Test
    void everyEpochReadsOnlyTheBytesFromEachClipsFirstFrameToItsLast() throws IOException {
        List<EchoNetRecord> records = PipelineFixtures.records();
        Map<String, VideoLayout> layouts = new HashMap<>();
        for (EchoNetRecord r : records) {
            try (SeekableByteChannel ch = Files.newByteChannel(r.video())) {
                layouts.put(r.id(), new AviIndex().read(ch));
            }
        }
        try (Pipeline p = pipeline(new EchoNetSource(records, PipelineFixtures.w1(19, true)))) {
            for (int e = 0; e <= 1; e++) {
                double before = p.bytesRead();
                long spans = 0;
                for (Batch b : p.batches(e).toIterable(1)) {
                    try (b) {
                        for (SampleInfo s : b.samples()) {
                            long[] span = layouts.get(s.id()).span(s.sourceFrames());
                            spans += span[1] - span[0];
                        }
                    }
                }
                assertThat(p.bytesRead() - before).as("epoch " + e).isPositive().isLessThanOrEqualTo(spans);
            }
            assertThat(p.account().failed()).isZero();
        }
    }

    @Test
    void clipsRunningPastTheEndOfAVideoArePaddedAlikeEveryEpoch() {
        List<EchoNetRecord> records = PipelineFixtures.records();
        // 64 frames at 25 fps take 127 of a 50 fps file's frames: the shorter videos end inside the clip
        assertThat(records).anyMatch(r -> r.fps() == 50 && r.frames() < 127);
        SampleOptions o =
                PipelineFixtures.w1(11, true).toBuilder().clipLength(64).build();
        EchoNetSource source = new EchoNetSource(records, o);
        try (Pipeline p = pipeline(source)) {
            for (int e = 0; e <= 2; e++) {
                assertThat(epoch(p, e)).as("epoch " + e).isEqualTo(fresh(records, o, e));
            }
            assertThat(p.account().failed()).isZero();
        }
    }

    @Test
    void aFileListCountingMoreFramesThanTheVideoHasGivesTheSameSamplesEveryEpoch(@TempDir Path dir) throws IOException {
        PipelineFixtures.copyOfPhantom(dir);
        // the first video listed with 200 frames more than it has: clips planned past its real end, every epoch
        // alike whether the file is read through the container (first use) or by its learned layout (later)
        Path fileList = dir.resolve("FileList.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(fileList));
        int column = Arrays.asList(lines.get(0).split(",")).indexOf("NumberOfFrames");
        String[] row = lines.get(1).split(",", -1);
        row[column] = Integer.toString(Integer.parseInt(row[column]) + 200);
        lines.set(1, String.join(",", row));
        Files.write(fileList, lines);
        List<EchoNetRecord> records = EchoNetReader.read(dir).select("all");
        SampleOptions o = PipelineFixtures.w1(13, true);
        EchoNetSource source = new EchoNetSource(records, o);
        try (Pipeline p = pipeline(source)) {
            for (int e = 0; e <= 2; e++) {
                assertThat(epoch(p, e)).as("epoch " + e).isEqualTo(fresh(records, o, e));
            }
            // a clip that starts inside the video is padded; one planned wholly past its end names the frame
            assertThat(p.account().failures()).isNotEmpty().allSatisfy(f -> {
                assertThat(f.id()).isEqualTo(records.get(0).id());
                assertThat(f.stage()).isEqualTo(Stage.DECODE);
                assertThat(f.reason())
                        .contains(records.get(0).video().getFileName().toString(), "is past the end");
            });
        }
        // without padding, a clip from frame 0 that runs past the real end fails, naming FileList's count
        EchoNetRecord listed = records.get(0);
        SampleOptions unpadded = o.toBuilder()
                .clip(new ClipSpec(true, listed.frames() - 100, 0, false, ClipStart.FIRST))
                .build();
        try (Pipeline p = pipeline(new EchoNetSource(List.of(listed), unpadded))) {
            assertThat(epoch(p, 0)).isEmpty();
            assertThat(p.account().failures())
                    .singleElement()
                    .satisfies(f -> assertThat(f.reason())
                            .startsWith(listed.video().toString())
                            .contains(
                                    "the video ends before frame",
                                    "(FileList says " + listed.frames() + " frames; padding is off)"));
        }
    }

    @Test
    void anEsOrEdFrameTheIndexPlacesPastTheVideosRealEndFailsTheSampleRatherThanPointAtPadding(@TempDir Path dir)
            throws IOException {
        PipelineFixtures.copyOfPhantom(dir);
        EchoNetRecord real = EchoNetReader.read(dir).select("all").get(0);
        int frames = real.frames();
        // FileList claims 200 frames more than the video has, and the tracings put its last traced frame in them
        Path fileList = dir.resolve("FileList.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(fileList));
        int column = Arrays.asList(lines.get(0).split(",")).indexOf("NumberOfFrames");
        String[] row = lines.get(1).split(",", -1);
        row[column] = Integer.toString(frames + 200);
        lines.set(1, String.join(",", row));
        Files.write(fileList, lines);
        Path tracings = dir.resolve("VolumeTracings.csv");
        String name = real.video().getFileName().toString();
        List<String> rows = Files.readAllLines(tracings);
        int last = rows.stream()
                .filter(r -> r.startsWith(name + ","))
                .mapToInt(r -> Integer.parseInt(r.substring(r.lastIndexOf(',') + 1)))
                .max()
                .orElseThrow();
        int moved = frames + 50;
        Files.write(
                tracings,
                rows.stream()
                        .map(r -> r.startsWith(name + ",") && r.endsWith("," + last)
                                ? r.substring(0, r.lastIndexOf(',') + 1) + moved
                                : r)
                        .toList());
        EchoNetRecord listed = EchoNetReader.read(dir).select("all").get(0);
        SampleOptions whole = PipelineFixtures.w1(13, false).toBuilder()
                .target(Target.ES_ED)
                .frameSize(16, 16)
                .clip(new ClipSpec(true, frames + 200, 0, true, ClipStart.FIRST))
                .build();
        try (Pipeline p = pipeline(new EchoNetSource(List.of(listed), whole))) {
            assertThat(epoch(p, 0)).isEmpty();
            assertThat(p.account().failures()).singleElement().satisfies(f -> {
                assertThat(f.stage()).isEqualTo(Stage.TARGET);
                assertThat(f.reason())
                        .startsWith(listed.video().toString())
                        .contains(" frame " + moved + " is past the file's end (it gave " + frames + " of the clip's "
                                + (frames + 200) + " frames)");
            });
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
