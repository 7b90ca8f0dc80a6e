package org.etab.storage;

import static org.assertj.core.api.SoftAssertions.assertSoftly;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.etab.api.Datasets;
import org.etab.batch.Batch;
import org.etab.batch.HostAllocator;
import org.etab.pipeline.Pipeline;
import org.etab.pipeline.PipelineOptions;
import org.etab.source.OpenedDataset;
import org.etab.source.SampleOptions;
import org.etab.source.Target;
import org.etab.testing.Leaks;
import org.etab.testing.PhantomDatasets;
import org.etab.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote dataset opened and closed many times in one JVM (one per experiment of a sweep), served by nginx on
 * loopback with a disk cache: what each close leaves behind must be gone when the close returns, so that nothing
 * piles up however fast the experiments follow each other.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpStoreLifecycleTest {
    private static final int CYCLES = 60;
    private static final String LOOP_THREADS = "etab-http-";

    private static final SampleOptions SAMPLES = SampleOptions.builder()
            .target(Target.EF)
            .clipLength(4)
            .frameSize(16, 16)
            .build();
    private static final PipelineOptions PIPELINE =
            PipelineOptions.builder().batchSize(2).threads(2).build();

    private static Path dir;
    private static Nginx nginx;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        dir = Files.createTempDirectory("etab-store-lifecycle");
        nginx = new Nginx(dir);
        Path served = Files.createDirectories(nginx.root().resolve("echonet"));
        Trees.copy(PhantomDatasets.echonet(), served);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void remoteDatasetsOpenedAndClosedLeaveNothingOnceSettled() throws Exception {
        cycle(0); // first use: classes, jars and natives loaded once per JVM
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
        Leaks.Snapshot before =
                Leaks.awaitSettled(() -> Leaks.take(null, null), s -> loopThreads() == 0, Duration.ofSeconds(20));
        List<Path> indexCopies = indexCopies(tmpdir);
        for (int i = 1; i <= CYCLES; i++) {
            cycle(i);
        }
        Leaks.Snapshot after = Leaks.awaitSettled(
                () -> Leaks.take(null, null),
                s -> s.newThreads(before).isEmpty()
                        && s.fds() <= before.fds()
                        && s.nativeBytes() <= before.nativeBytes(),
                Duration.ofSeconds(30));
        List<Path> cacheTemporaries = files(temp.resolve("cache").resolve(CacheDirectory.SUBDIR), ".tmp");
        List<Path> indexCopiesAfter = indexCopies(tmpdir);
        assertSoftly(soft -> {
            soft.assertThat(after.newThreads(before)).as("threads left").isEmpty();
            soft.assertThat(after.fds())
                    .as("descriptors left: %s", Leaks.fdTargets())
                    .isLessThanOrEqualTo(before.fds());
            soft.assertThat(after.nativeBytes()).as("native bytes left").isLessThanOrEqualTo(before.nativeBytes());
            // fetches cancelled mid-write leave no temporary file in the cache, nor the index's copy in tmpdir
            soft.assertThat(cacheTemporaries).as("cache temporaries").isEmpty();
            soft.assertThat(indexCopiesAfter).as("index copies").isEqualTo(indexCopies);
        });
    }

    /**
     * What a closed store held is gone when its close returns: {@code HttpStore.close()} waits (bounded) for its pool
     * and its event loops ({@code StoreConnections}). When it disposed them without waiting, the loops idled 2 s
     * before their threads ended, and 60 cycles (open, one batch, close) had 33 to 53 event loop threads and about 100
     * more descriptors alive at once; a few hundred quick cycles reach a default 1024-descriptor limit. The loops keep
     * a 100 ms quiet period: with none, 7 or 8 connections to nginx stayed established for good (a connect that raced
     * the close completed on a loop already gone, which can never close it).
     */
    @Test
    void aClosedRemoteDatasetLeavesNoEventLoopThreadBehind() throws Exception {
        cycle(0); // first use: classes, jars and natives loaded once per JVM
        Leaks.Snapshot before =
                Leaks.awaitSettled(() -> Leaks.take(null, null), s -> loopThreads() == 0, Duration.ofSeconds(20));
        int mostLoopThreads = 0;
        long mostFds = 0;
        for (int i = 1; i <= CYCLES; i++) {
            cycle(i);
            mostLoopThreads = Math.max(mostLoopThreads, loopThreads());
            mostFds = Math.max(mostFds, Leaks.fds());
        }
        Leaks.Snapshot after = Leaks.awaitSettled(
                () -> Leaks.take(null, null),
                s -> s.newThreads(before).isEmpty() && s.fds() <= before.fds(),
                Duration.ofSeconds(20));
        int most = mostLoopThreads;
        long fdsAtOnce = mostFds - before.fds();
        assertSoftly(soft -> {
            // at most one store's loops (ioThreads) may still be on their way out when the next one is counted
            soft.assertThat(most)
                    .as("event loop threads alive at once after a close returned")
                    .isLessThanOrEqualTo(2 * HttpStoreOptions.defaultIoThreads());
            soft.assertThat(fdsAtOnce)
                    .as("descriptors open at once beyond the baseline")
                    .isLessThan(CYCLES);
            soft.assertThat(after.newThreads(before)).as("threads left").isEmpty();
            soft.assertThat(after.fds())
                    .as("descriptors left: %s", Leaks.fdTargets())
                    .isLessThanOrEqualTo(before.fds());
        });
    }

    /**
     * One experiment: the remote dataset opened with the disk cache, a batch of {@code epoch} read (its other fetches
     * cancelled), everything closed.
     */
    private void cycle(int epoch) {
        URI root = URI.create("http://127.0.0.1:" + nginx.port() + "/echonet");
        HttpStoreOptions store = HttpStoreOptions.builder()
                .cacheDir(temp.resolve("cache"))
                .cacheMaxBytes(64L << 20)
                .build();
        try (OpenedDataset d = Datasets.openRemote("echonet", root, store, "all", null, SAMPLES);
                Pipeline p = new Pipeline(d.source(), PIPELINE, new SimpleMeterRegistry(), HostAllocator.NATIVE)) {
            p.batches(epoch).take(1).doOnNext(Batch::close).blockLast();
        }
    }

    /** The temporary copies of remote indexes in {@code tmpdir} (RemoteEchoNet deletes each once read). */
    private static List<Path> indexCopies(Path tmpdir) throws IOException {
        try (Stream<Path> files = Files.list(tmpdir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("etab-echonet-index-"))
                    .sorted()
                    .toList();
        }
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .toList();
        }
    }

    private static int loopThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(LOOP_THREADS)) {
                n++;
            }
        }
        return n;
    }
}
