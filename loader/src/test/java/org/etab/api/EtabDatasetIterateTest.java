package org.etab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.etab.batch.Sample;
import org.etab.datasets.echonet.EchoNetReader;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.testing.PhantomDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link EtabDataset#iterate}: a loop that breaks, closed by try-with-resources, leaves no thread or buffer. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtabDatasetIterateTest {
    private static EtabDataset echonet(Path root) {
        return EtabDataset.builder()
                .name("echonet")
                .root(root)
                .split("all")
                .frameL(16)
                .frameW(16)
                .threads(2)
                .build();
    }

    @Test
    void aLoopThatBreaksReleasesTheDecodeThreadsAndEveryBuffer() throws Exception {
        EtabDataset d = echonet(PhantomDatasets.echonet());
        // warm up once, so that one-time native allocations (FFmpeg's) are not counted as leaked
        try (SampleIterator samples = d.iterate(0)) {
            samples.next().close();
        }
        long baseline = Pointer.totalBytes();
        for (int round = 0; round < 5; round++) {
            int n = 0;
            try (SampleIterator samples = d.iterate(round)) {
                while (samples.hasNext()) {
                    try (Sample s = samples.next()) {
                        assertThat(s.info().epoch()).isEqualTo(round);
                    }
                    if (++n == 3) {
                        break;
                    }
                }
            }
            assertThat(n).isEqualTo(3);
        }
        assertThat(decodeThreads()).isEmpty();
        assertThat(Pointer.totalBytes()).isEqualTo(baseline);
    }

    @Test
    void anEpochThatEndedIsNotClosedUntilCloseRuns() throws Exception {
        SampleIterator samples = echonet(PhantomDatasets.echonet()).iterate(0);
        while (samples.hasNext()) {
            samples.next().close();
        }
        // the epoch ended, but its threads and files are held until close(): a caller that asks must hear so
        assertThat(samples.isClosed()).isFalse();
        samples.close();
        assertThat(samples.isClosed()).isTrue();
        assertThat(decodeThreads()).isEmpty();
    }

    @Test
    void anEpochIteratedToItsEndHasEverySampleOnceAndNamesTheFailures(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("echonet");
        Files.createDirectories(root.resolve("Videos"));
        for (String f : List.of("FileList.csv", "VolumeTracings.csv")) {
            Files.copy(PhantomDatasets.echonet().resolve(f), root.resolve(f));
        }
        List<EchoNetRecord> records =
                EchoNetReader.read(PhantomDatasets.echonet()).select("all");
        for (EchoNetRecord r : records) {
            Files.copy(r.video(), root.resolve("Videos").resolve(r.video().getFileName()));
        }
        Files.write(root.resolve("Videos").resolve(records.get(0).video().getFileName()), new byte[] {1, 2, 3});
        List<String> ids = new ArrayList<>();
        try (SampleIterator samples = echonet(root).iterate(0)) {
            while (samples.hasNext()) {
                try (Sample s = samples.next()) {
                    ids.add(s.info().id());
                }
            }
            assertThat(samples.failures())
                    .singleElement()
                    .satisfies(f -> assertThat(f.id()).isEqualTo(records.get(0).id()));
        }
        assertThat(ids)
                .doesNotHaveDuplicates()
                .hasSize(records.size() - 1)
                .doesNotContain(records.get(0).id());
    }

    @Test
    void aLoopThatKeepsItsSamplesOpenIsToldSoOnceThePoolsBuffersAreAllHeld() throws Exception {
        // SampleIterator's docs: 2 * threads + 4 buffers; one thread: 6
        EtabDataset d = EtabDataset.builder()
                .name("echonet")
                .root(PhantomDatasets.echonet())
                .split("all")
                .frameL(16)
                .frameW(16)
                .threads(1)
                .build();
        List<Sample> held = new ArrayList<>();
        try (SampleIterator samples = d.iterate(0)) {
            assertThatThrownBy(() -> {
                        while (samples.hasNext()) {
                            held.add(samples.next());
                        }
                    })
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("all 6 are in batches handed out and not closed");
        } finally {
            held.forEach(Sample::close);
        }
        assertThat(held).hasSize(6);
        assertThat(decodeThreads()).isEmpty();
    }

    private static List<String> decodeThreads() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> alive;
        do {
            alive = Thread.getAllStackTraces().keySet().stream()
                    .filter(Thread::isAlive)
                    .map(Thread::getName)
                    .filter(n -> n.startsWith("etab-decode-"))
                    .toList();
            if (!alive.isEmpty()) {
                Thread.sleep(20);
            }
        } while (!alive.isEmpty() && System.nanoTime() < end);
        return alive;
    }
}
