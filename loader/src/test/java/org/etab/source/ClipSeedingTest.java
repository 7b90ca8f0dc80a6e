package org.etab.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.etab.api.Datasets;
import org.etab.pipeline.PipelineFixtures;
import org.etab.sampling.ClipStart;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random clip start belongs to its record: it must not move when other rows of the index come or go (a row the
 * index rejects, another split or view selected), or one typo in FileList.csv would re-draw the clips of every
 * video listed after it.
 */
class ClipSeedingTest {
    @TempDir
    Path tmp;

    private static SampleOptions randomClips() {
        return SampleOptions.builder()
                .target(Target.EF)
                .clipLength(16)
                .fps(25)
                .padding(true)
                .clipStart(ClipStart.RANDOM)
                .frameSize(32, 32)
                .seed(11)
                .shuffle(true)
                .build();
    }

    /** Each record's clip frames in {@code epoch}, by id. */
    private static Map<String, String> clips(Path root, String split, int epoch) {
        Map<String, String> out = new LinkedHashMap<>();
        try (OpenedDataset d = Datasets.open("echonet", root, split, randomClips())) {
            for (SamplePlan p : d.source().plan(epoch)) {
                out.put(p.id(), java.util.Arrays.toString(p.frames()));
            }
        }
        return out;
    }

    @Test
    void aRowTheIndexRejectsMovesNoOtherRecordsClip() throws IOException {
        Path root = PipelineFixtures.copyOfPhantom(tmp.resolve("echonet"));
        Path fileList = root.resolve("FileList.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(fileList));
        // the first video's EF is not a number: the index rejects that row, the 11 others stay
        String[] first = rows.get(1).split(",", -1);
        String rejectedId = first[0];
        first[1] = "not-a-number";
        rows.set(1, String.join(",", first));
        for (int epoch = 0; epoch < 3; epoch++) {
            Map<String, String> before = clips(PhantomDatasets.echonet(), "all", epoch);
            if (epoch == 0) {
                Files.write(fileList, rows);
            }
            Map<String, String> after = clips(root, "all", epoch);
            before.remove(rejectedId);
            assertThat(after).hasSize(PhantomDatasets.ECHONET_VIDEOS - 1).isEqualTo(before);
        }
    }

    @Test
    void aVideosClipIsTheSameWhicheverSplitSelectsIt() {
        Map<String, String> all = clips(PhantomDatasets.echonet(), "all", 1);
        int seen = 0;
        for (String split : List.of("train", "val", "test")) {
            Map<String, String> part = clips(PhantomDatasets.echonet(), split, 1);
            part.forEach((id, frames) -> assertThat(frames).as(id).isEqualTo(all.get(id)));
            seen += part.size();
        }
        assertThat(seen).isEqualTo(PhantomDatasets.ECHONET_VIDEOS);
    }
}
