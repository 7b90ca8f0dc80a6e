package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk cache on real files: it owns only its subdirectory, and only the files it names there. */
class DiskCacheTest {
    private static final Validators V = new Validators("\"5f3a-2710\"", "Tue, 01 Dec 2026 10:00:00 GMT");

    @TempDir
    Path temp;

    /** {@code size} random bytes from {@code seed}: a cache entry's body (shared with the other cache tests). */
    static ByteBuffer body(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    /** Every file under {@code dir}, with its bytes and modification time, outside the cache's subdirectory. */
    private static Map<Path, String> snapshot(Path dir) throws IOException {
        Map<Path, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) walk.sorted()::iterator) {
                if (Files.isRegularFile(f) && !f.startsWith(dir.resolve(CacheDirectory.SUBDIR))) {
                    files.put(f, java.util.Arrays.hashCode(Files.readAllBytes(f)) + "@" + Files.getLastModifiedTime(f));
                }
            }
        }
        return files;
    }

    @Test
    void theUsersFilesAreNeverTouchedWhateverTheirNames() throws Exception {
        Path dir = temp.resolve("mine");
        Files.createDirectories(dir.resolve("nested"));
        String likeAKey = DiskCache.key("http://example.org:-1/x.avi");
        Files.write(dir.resolve(likeAKey + ".obj"), new byte[5000]); // named exactly like an entry
        Files.write(dir.resolve("model.obj"), new byte[3000]); // a 3D model, say
        Files.write(dir.resolve("nested").resolve(likeAKey + ".obj"), new byte[100]);
        for (String tmp : java.util.List.of("notes.tmp", likeAKey + "123.tmp")) { // temp names, old
            Path f = dir.resolve(tmp);
            Files.write(f, new byte[10]);
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        }
        Map<Path, String> before = snapshot(dir);
        assertThat(before).hasSize(5);

        long bound = 3 * (DiskCache.HEADER + 200 + 10_000L);
        DiskCache cache = new DiskCache(dir, bound);
        for (int i = 0; i < 8; i++) { // evicts: 8 entries of ~10 kB in a 30 kB bound
            cache.put(DiskCache.key("k" + i), body(10_000, i), V);
        }
        assertThat(cache.totalBytes()).isLessThanOrEqualTo(bound);
        new DiskCache(dir, 1); // a restart with a bound that evicts every entry
        assertThat(snapshot(dir)).isEqualTo(before);
        try (Stream<Path> own = Files.list(dir.resolve(CacheDirectory.SUBDIR))) {
            assertThat(own.map(p -> p.getFileName().toString())).containsExactly(CacheDirectory.MARKER);
        }
    }

    @Test
    void itsOwnSubdirectoryIsPrivateAndMarked() throws Exception {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        Path sub = temp.resolve("c").resolve(CacheDirectory.SUBDIR);
        assertThat(cache.dir()).isEqualTo(sub);
        assertThat(sub.resolve(CacheDirectory.MARKER)).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)))
                .isEqualTo("rwx------");
        new DiskCache(temp.resolve("c"), 1 << 20); // and reopening it is fine
    }

    @Test
    void itsOwnStaleTempFilesAreRemovedAtOpen() throws Exception {
        new DiskCache(temp, 1 << 20);
        Path stale = temp.resolve(CacheDirectory.SUBDIR).resolve(DiskCache.key("x") + "42.tmp");
        Path fresh = temp.resolve(CacheDirectory.SUBDIR).resolve(DiskCache.key("y") + "43.tmp");
        Files.write(stale, new byte[10]);
        Files.write(fresh, new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        new DiskCache(temp, 1 << 20);
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists(); // a writer may still be at it
    }

    @Test
    void aSubdirectoryOfTheSameNameThatIsNotACachesIsRefusedAndLeftAlone() throws Exception {
        Path sub = Files.createDirectories(temp.resolve(CacheDirectory.SUBDIR));
        Files.writeString(sub.resolve("thesis.txt"), "mine");
        assertThatThrownBy(() -> new DiskCache(temp, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(sub.toString())
                .hasMessageContaining("no marker file " + CacheDirectory.MARKER)
                .hasMessageContaining("choose another cache directory");
        assertThat(Files.readString(sub.resolve("thesis.txt"))).isEqualTo("mine");
        assertThat(sub.resolve(CacheDirectory.MARKER)).doesNotExist();

        Path empty = Files.createDirectories(
                temp.resolve("other").resolve(CacheDirectory.SUBDIR),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        new DiskCache(temp.resolve("other"), 1 << 20); // empty: adopted
        assertThat(empty.resolve(CacheDirectory.MARKER)).isRegularFile();
    }

    @Test
    void aCacheDirectoryThatIsAFileIsRefusedSayingSo() throws Exception {
        Path file = Files.writeString(temp.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> new DiskCache(file, 1))
                .isInstanceOf(IOException.class)
                .hasMessage(file + " exists and is not a directory; choose another cache directory");
        assertThat(Files.readString(file)).isEqualTo("mine");
    }

    @Test
    void aCacheOthersMayWriteIsRefused() throws Exception {
        new DiskCache(temp, 1 << 20);
        Path sub = temp.resolve(CacheDirectory.SUBDIR);
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> new DiskCache(temp, 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(sub.toString())
                .hasMessageContaining("rwxrwxr-x")
                .hasMessageContaining("chmod 700");
    }

    /**
     * Least recently used goes first, also when an entry is written right after another was read: the kernel stamps a
     * write from a clock up to a tick behind the one a read's touch uses, and every write here rescans the directory,
     * so an order taken from the write's own time evicted the newer entry (HttpStoreTest failed so in CI).
     */
    @Test
    void anEntryWrittenRightAfterAnotherWasReadIsTheNewer() throws Exception {
        int size = 100_000;
        for (int round = 0; round < 20; round++) {
            Path dir = temp.resolve("r" + round);
            DiskCache cache = new DiskCache(dir, (long) (2.5 * (DiskCache.HEADER + 200 + size)));
            String k1 = DiskCache.key("k1");
            String k2 = DiskCache.key("k2");
            String k3 = DiskCache.key("k3");
            assertThat(cache.put(k1, body(size, 1), V)).isTrue();
            assertThat(cache.read(k1)).isNotNull();
            assertThat(cache.put(k2, body(size, 2), V)).isTrue();
            assertThat(cache.put(k3, body(size, 3), V)).isTrue(); // one entry must go: k1, read before k2 was written
            assertThat(cache.validators(k1)).as("round %d: k1 evicted", round).isNull();
            assertThat(cache.read(k2)).as("round %d: k2 kept", round).isNotNull();
            assertThat(cache.read(k3)).as("round %d: k3 kept", round).isNotNull();
        }
    }

    @Test
    void anEntryKeepsItsValidatorsAndAnyDamageIsAMiss() throws Exception {
        DiskCache cache = new DiskCache(temp, 1 << 20);
        String key = DiskCache.key("a");
        ByteBuffer b = body(1000, 7);
        cache.put(key, b, V);
        assertThat(cache.validators(key)).isEqualTo(V);
        DiskCache.Cached c = cache.read(key);
        assertThat(c.body()).isEqualTo(b);
        assertThat(c.validators()).isEqualTo(V);
        cache.put(key, b, Validators.NONE);
        assertThat(cache.read(key).validators()).isEqualTo(Validators.NONE);

        cache.put(key, b, V);
        byte[] raw = Files.readAllBytes(cache.file(key));
        raw[DiskCache.HEADER + 3] ^= 1; // a bit of the validators: covered by the checksum too
        Files.write(cache.file(key), raw);
        assertThat(cache.read(key)).isNull();
        assertThat(cache.file(key)).doesNotExist();
        assertThat(cache.validators(key)).isNull();
    }

    @Test
    void aTruncatedLengthenedOrForeignEntryIsAMissAndIsDeleted() throws Exception {
        DiskCache cache = new DiskCache(temp, 1 << 20);
        ByteBuffer b = body(1000, 9);
        // each damage as a whole-file edit of a good entry; both ways in are checked: validators, then read
        Map<String, UnaryOperator<byte[]>> damages = new LinkedHashMap<>();
        damages.put("cut inside the header", raw -> Arrays.copyOf(raw, DiskCache.HEADER - 1));
        damages.put("cut inside the body", raw -> Arrays.copyOf(raw, raw.length - 1));
        damages.put("one byte appended", raw -> Arrays.copyOf(raw, raw.length + 1));
        damages.put("another magic", raw -> {
            raw[0] ^= 0x20;
            return raw;
        });
        damages.put("a validators length past the body", raw -> {
            ByteBuffer.wrap(raw).putInt(24, raw.length);
            return raw;
        });
        for (Map.Entry<String, UnaryOperator<byte[]>> d : damages.entrySet()) {
            for (boolean validatorsFirst : new boolean[] {true, false}) {
                String key = DiskCache.key(d.getKey() + validatorsFirst);
                cache.put(key, b, V);
                Path file = cache.file(key);
                Files.write(file, d.getValue().apply(Files.readAllBytes(file)));
                if (validatorsFirst) {
                    assertThat(cache.validators(key)).as(d.getKey()).isNull();
                } else {
                    assertThat(cache.read(key)).as(d.getKey()).isNull();
                }
                assertThat(file).as(d.getKey()).doesNotExist();
                assertThat(cache.read(key)).as(d.getKey()).isNull();
                assertThat(cache.size(key)).as(d.getKey()).isEqualTo(-1);
            }
        }
        // a good entry beside them is untouched
        String good = DiskCache.key("good");
        cache.put(good, b, V);
        assertThat(cache.read(good).body()).isEqualTo(b);
    }

    @Test
    void writesThatAllFailAreLoggedAFewTimesThenOnceNotOnePerObject(@TempDir Path temp) throws IOException {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        List<String> lines = cacheLines(() -> {
            for (int i = 0; i < 8; i++) {
                // a non-empty folder where each entry's file goes: the move into place fails, as on a full disk
                String key = DiskCache.key("k" + i);
                Files.createDirectories(cache.file(key).resolve("in-the-way"));
                assertThat(cache.put(key, body(1000, i), V)).isFalse();
            }
        });
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).allSatisfy(l -> assertThat(l).contains("cache: cannot write "));
        assertThat(lines.get(3)).contains("cache: more writes to " + temp.resolve("c"), "not logged one by one");
    }

    @Test
    void aCacheRemovedWhileInUseSaysSoOnceAndForgetsItsEntries(@TempDir Path temp) throws IOException {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        String first = DiskCache.key("first");
        assertThat(cache.put(first, body(1000, 0), V)).isTrue();
        try (var files = Files.walk(cache.dir())) { // as `rm -rf` by a user freeing space mid-run
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
        assertThat(cache.dir()).doesNotExist();
        List<String> lines = cacheLines(() -> {
            for (int i = 1; i < 9; i++) {
                assertThat(cache.put(DiskCache.key("k" + i), body(1000, i), V)).isFalse();
            }
            assertThat(cache.read(first)).isNull();
        });
        assertThat(lines)
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains("cache: " + cache.dir() + " was removed while in use", "served without the cache"));
        assertThat(cache.totalBytes()).isZero();
        assertThat(cache.size(first)).isEqualTo(-1);
    }

    @Test
    void aCacheRemovedAfterThreeLoggedWriteFailuresIsStillReported(@TempDir Path temp) throws IOException {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        List<String> lines = cacheLines(() -> {
            for (int i = 0; i < 3; i++) { // as in writesThatAllFail...: each move into place fails
                String key = DiskCache.key("k" + i);
                Files.createDirectories(cache.file(key).resolve("in-the-way"));
                assertThat(cache.put(key, body(1000, i), V)).isFalse();
            }
            try (var files = Files.walk(cache.dir())) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
            assertThat(cache.put(DiskCache.key("k3"), body(1000, 3), V)).isFalse();
        });
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).contains("cache: " + cache.dir() + " was removed while in use");
    }

    @Test
    void aCacheRemovedWhileInUseIsForgottenAtTheFirstFailedWrite(@TempDir Path temp) throws IOException {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        String first = DiskCache.key("first");
        assertThat(cache.put(first, body(1000, 0), V)).isTrue();
        try (var files = Files.walk(cache.dir())) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
        assertThat(cache.put(DiskCache.key("second"), body(1000, 1), V)).isFalse();
        assertThat(cache.size(first)).isEqualTo(-1); // without reading it: the index knows the files are gone
        assertThat(cache.totalBytes()).isZero();
    }

    @Test
    void aNewerCopyThatCannotBeWrittenForgetsTheOlderEntry(@TempDir Path temp) throws IOException {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        String key = DiskCache.key("k");
        assertThat(cache.put(key, body(1000, 0), V)).isTrue();
        Files.delete(cache.file(key)); // replaced by a folder that is not empty: the move into place fails
        Files.createDirectories(cache.file(key).resolve("in-the-way"));
        assertThat(cache.put(key, body(2000, 1), V)).isFalse();
        assertThat(cache.size(key)).isEqualTo(-1);
        assertThat(cache.totalBytes()).isZero();
    }

    @Test
    void aReadOrWriteInterruptedByACancelIsQuietAndLeavesTheEntryAsGoodAsItWas(@TempDir Path temp) throws IOException {
        DiskCache cache = new DiskCache(temp.resolve("c"), 1 << 20);
        String key = DiskCache.key("k");
        ByteBuffer b = body(1000, 3);
        assertThat(cache.put(key, b, V)).isTrue();
        List<String> lines = cacheLines(() -> {
            try {
                // a fetch cancelled with cancel(true) interrupts the thread reading the entry: its channel closes
                Thread.currentThread().interrupt();
                assertThat(cache.read(key)).isNull();
                assertThat(Thread.interrupted()).isTrue(); // the interrupt is the caller's to see, not swallowed
                Thread.currentThread().interrupt();
                assertThat(cache.validators(key)).isNull();
                assertThat(Thread.interrupted()).isTrue();
                assertThat(cache.read(key).body()).isEqualTo(b); // the entry was not harmed
                Thread.currentThread().interrupt();
                assertThat(cache.put(key, body(2000, 4), V)).isFalse();
                assertThat(Thread.interrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        });
        assertThat(lines).isEmpty();
        assertThat(cache.size(key)).isEqualTo(-1); // the older entry is not the newer body: gone, as on any failure
        assertThat(cache.totalBytes()).isZero();
    }

    private interface CacheCalls {
        void run() throws IOException;
    }

    /** The cache's log lines ({@code cache: ...}, on stderr through the test's SLF4J backend) while {@code calls} run. */
    private static List<String> cacheLines(CacheCalls calls) throws IOException {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            calls.run();
        } finally {
            System.setErr(stderr);
        }
        return err.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("cache:"))
                .toList();
    }
}
