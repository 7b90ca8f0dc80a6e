package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks of one job sharing a {@code --cache-dir}: one {@link DiskCache} per process, here two in one JVM (each has
 * its own index, as two processes do). The directory's bound holds for all of them together.
 */
class DiskCacheSharedTest {
    private static final Validators V = new Validators("\"1-2\"", null);

    @TempDir
    Path temp;

    private static long bytesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".obj"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    @Test
    void processesSharingTheDirectoryKeepItWithinTheBoundTogether() throws IOException {
        long bound = 1_000_000;
        int object = 20_000;
        DiskCache rank0 = new DiskCache(temp, bound);
        DiskCache rank1 = new DiskCache(temp, bound);
        long most = 0;
        for (int i = 0; i < 200; i++) { // each writes 4 MB of its own objects, turn by turn
            assertThat(rank0.put(DiskCache.key("r0/" + i), DiskCacheTest.body(object, i), V))
                    .isTrue();
            assertThat(rank1.put(DiskCache.key("r1/" + i), DiskCacheTest.body(object, -i), V))
                    .isTrue();
            most = Math.max(most, bytesIn(rank0.dir()));
        }
        // each lists the directory again after 1/16 of the bound it writes: the bound, plus that much per process
        assertThat(most).isLessThanOrEqualTo(bound + 2 * (bound / 16 + object + DiskCache.HEADER + 64));
        assertThat(bytesIn(rank0.dir())).isLessThanOrEqualTo(bound + 2 * (bound / 16 + object + DiskCache.HEADER + 64));
        // and what is left is still served: the newest entries of both
        assertThat(rank1.read(DiskCache.key("r1/199"))).isNotNull();
        assertThat(new DiskCache(temp, bound).read(DiskCache.key("r0/199")).body())
                .isEqualTo(DiskCacheTest.body(object, 199));
    }
}
