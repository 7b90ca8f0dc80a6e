package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cache entries against a real nginx (ETag, Last-Modified, 304 on conditional GETs): an object changed on the server
 * is fetched anew, an entry not written from the server's answer is not trusted, an unchanged one costs a 304 once
 * per store. Each case runs for an index file and for a video.
 */
@Timeout(60)
class HttpStoreRevalidationTest {
    private static Nginx nginx;
    private static int serial;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        nginx = new Nginx(Files.createTempDirectory("etab-nginx-revalidate"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** A fresh object path under its own directory (FileList.csv or Videos/X.avi), so that log lines are its own. */
    private static String fresh(String name) {
        return "r" + (++serial) + "/" + name;
    }

    private static byte[] serve(String path, int size, long seed, Instant modified) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path f = nginx.root().resolve(path);
        Files.createDirectories(f.getParent());
        Files.write(f, b);
        Files.setLastModifiedTime(f, FileTime.from(modified));
        return b;
    }

    private HttpStore store() {
        return HttpStore.open(
                URI.create("http://127.0.0.1:" + nginx.port() + "/"),
                HttpStoreOptions.builder()
                        .maxAttempts(2)
                        .backoff(Duration.ofMillis(10))
                        .cacheDir(temp.resolve("cache"))
                        .cacheMaxBytes(100L << 20)
                        .build());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The status of each request for {@code path} so far, once there are {@code n}. */
    private static List<String> statuses(String path, int n) throws Exception {
        return nginx.awaitLines("/" + path, l -> l.size() >= n).stream()
                .map(l -> l.split(" ")[1])
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FileList.csv", "Videos/0X1A2B.avi"})
    void anObjectChangedOnTheServerReplacesItsCachedCopy(String name) throws Exception {
        String path = fresh(name);
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        byte[] v1 = serve(path, 40_000, 1, t);
        try (HttpStore store = store()) {
            assertThat(bytes(store.read(path))).isEqualTo(v1);
        }
        try (HttpStore store = store()) { // unchanged: one 304, then no request at all
            assertThat(bytes(store.read(path))).isEqualTo(v1);
            assertThat(bytes(store.read(path))).isEqualTo(v1);
        }
        assertThat(statuses(path, 2)).containsExactly("200", "304");

        byte[] v2 = serve(path, 40_000, 2, t.plusSeconds(60)); // same size, new bytes, new mtime (so a new ETag)
        try (HttpStore store = store()) {
            assertThat(bytes(store.read(path))).isEqualTo(v2);
            assertThat(bytes(store.read(path))).isEqualTo(v2);
        }
        try (HttpStore store = store()) { // the cache now holds the new version
            assertThat(bytes(store.read(path))).isEqualTo(v2);
        }
        assertThat(statuses(path, 4)).containsExactly("200", "304", "200", "304");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FileList.csv", "Videos/0X1A2B.avi"})
    void aForgedEntryWithAValidChecksumIsNotTrusted(String name) throws Exception {
        String path = fresh(name);
        Instant t = Instant.parse("2026-11-02T10:00:00Z");
        byte[] real = serve(path, 30_000, 3, t);
        byte[] forged = new byte[30_000];
        new Random(4).nextBytes(forged);
        String key;
        try (HttpStore store = store()) {
            key = store.cacheKey(path);
        }
        // a well-formed entry, checksum right, planted before the store opens, with no validators
        new DiskCache(temp.resolve("cache"), 100L << 20).put(key, ByteBuffer.wrap(forged), Validators.NONE);
        try (HttpStore store = store()) {
            assertThat(store.cache().size(key)).isEqualTo(30_000 + 1); // seen as an entry (validators: "\n")
            assertThat(bytes(store.read(path))).isEqualTo(real);
        }
        assertThat(statuses(path, 1)).containsExactly("200");
        // again with validators that are not the server's: the server answers 200 with the real object
        new DiskCache(temp.resolve("cache"), 100L << 20)
                .put(key, ByteBuffer.wrap(forged), new Validators("\"forged\"", "Mon, 02 Nov 2026 09:00:00 GMT"));
        try (HttpStore store = store()) {
            assertThat(bytes(store.read(path))).isEqualTo(real);
        }
        assertThat(statuses(path, 2)).containsExactly("200", "200");
        DiskCache.Cached kept = new DiskCache(temp.resolve("cache"), 100L << 20).read(key);
        assertThat(bytes(kept.body())).isEqualTo(real); // and the forged entry is gone
    }
}
