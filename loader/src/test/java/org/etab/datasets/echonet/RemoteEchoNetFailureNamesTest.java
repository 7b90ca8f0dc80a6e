package org.etab.datasets.echonet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.DType;
import org.etab.batch.HostAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.sampling.ClipStart;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleFailure;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.storage.HttpStoreOptions;
import org.etab.storage.ScriptedServer;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures of samples read from a URL root name the video's URL, never the temporary local copy of the index that
 * the records' paths are relative to (deleted when the run ends). Served by {@link ScriptedServer}: no nginx needed.
 */
@Timeout(120)
class RemoteEchoNetFailureNamesTest {

    @Test
    void aVideoShorterThanItsRowSaysIsAFailureNamingItsUrlNotTheLocalCopyOfTheIndex(@TempDir Path served)
            throws IOException {
        Path src = PhantomDatasets.echonet();
        Files.createDirectories(served.resolve("Videos"));
        Files.copy(src.resolve("VolumeTracings.csv"), served.resolve("VolumeTracings.csv"));
        List<EchoNetRecord> records = EchoNetReader.read(src).select("all");
        for (EchoNetRecord r : records) {
            Files.copy(r.video(), served.resolve("Videos").resolve(r.video().getFileName()));
        }
        // a stale FileList: the first video's row claims far more frames than the video has
        String stale = records.get(0).id();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(src.resolve("FileList.csv"), StandardCharsets.UTF_8)) {
            if (line.startsWith(stale + ",")) {
                String[] cells = line.split(",", -1);
                cells[7] = "1000"; // NumberOfFrames
                line = String.join(",", cells);
            }
            lines.add(line);
        }
        Files.write(served.resolve("FileList.csv"), lines, StandardCharsets.UTF_8);
        SampleOptions options = SampleOptions.builder()
                .target(Target.EF)
                .clipLength(16)
                .fps(25)
                .padding(false)
                .clipStart(ClipStart.ALL)
                .frameSize(32, 32)
                .channels(1)
                .dtype(DType.UINT8)
                .build();
        List<SampleFailure> failures = new ArrayList<>();
        try (ScriptedServer server = ScriptedServer.serving(served, "404 Not Found", false)) {
            URI root = URI.create("http://127.0.0.1:" + server.port() + "/");
            try (OpenedDataset opened = Datasets.openRemote(
                            "echonet", root, HttpStoreOptions.builder().build(), "all", null, options);
                    Pipeline p = new Pipeline(
                            opened.source(),
                            PipelineOptions.builder().batchSize(4).threads(2).build(),
                            new SimpleMeterRegistry(),
                            HostAllocator.NATIVE)) {
                for (Batch b : p.batches(0).toIterable(1)) {
                    b.close();
                }
                failures.addAll(p.account().failures());
            }
            String url = root + "Videos/" + records.get(0).video().getFileName();
            // clips past the video's real end: some get no frame, some too few
            assertThat(failures)
                    .extracting(SampleFailure::reason)
                    .anyMatch(r -> r.contains("is past the end of the video"))
                    .anyMatch(r -> r.contains("the video ends before frame"));
            assertThat(failures).allSatisfy(f -> {
                assertThat(f.id()).startsWith(stale);
                assertThat(f.file()).isEqualTo(url);
                assertThat(f.reason()).startsWith(url + ": ");
            });
        }
    }
}
