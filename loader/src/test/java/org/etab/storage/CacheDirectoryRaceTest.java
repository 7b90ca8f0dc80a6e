package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks of one job started together on a {@code --cache-dir} that does not exist yet all claim it: one makes the
 * subdirectory and its marker, the others adopt it. None may take the marker being written for a stranger's file.
 */
class CacheDirectoryRaceTest {
    @TempDir
    Path temp;

    @Test
    void ranksClaimingAFreshDirectoryAtOnceAllSucceed() throws Exception {
        int ranks = 4;
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            for (int round = 0; round < 300; round++) {
                Path parent = temp.resolve("cache-" + round);
                CyclicBarrier start = new CyclicBarrier(ranks);
                List<Future<Path>> claims = new ArrayList<>();
                for (int r = 0; r < ranks; r++) {
                    claims.add(pool.submit(() -> {
                        start.await();
                        return CacheDirectory.claim(parent);
                    }));
                }
                for (Future<Path> claim : claims) {
                    assertThat(claim.get()).as("round %d", round).isEqualTo(parent.resolve(CacheDirectory.SUBDIR));
                }
                assertThat(parent.resolve(CacheDirectory.SUBDIR).resolve(CacheDirectory.MARKER))
                        .isRegularFile();
                assertThat(Files.readString(
                                parent.resolve(CacheDirectory.SUBDIR).resolve(CacheDirectory.MARKER)))
                        .startsWith("etab-stream");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
