package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries a store trusts ({@link CachedFetches}) at the edges: one exactly as large as a read's bound, one evicted
 * since it was trusted. The server ({@link ScriptedServer#serving}) sends no validators, so every request it gets is
 * a fetch of the whole object, counted.
 */
@Timeout(60)
class HttpStoreCacheBoundsTest {
    @TempDir
    Path temp;

    private byte[] serve(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.createDirectories(temp.resolve("www"));
        Files.write(temp.resolve("www").resolve(name), b);
        return b;
    }

    private HttpStore open(ScriptedServer server, long cacheMaxBytes) {
        return HttpStore.open(
                URI.create("http://127.0.0.1:" + server.port() + "/"),
                HttpStoreOptions.builder()
                        .maxAttempts(2)
                        .backoff(Duration.ofMillis(10))
                        .cacheDir(temp.resolve("cache"))
                        .cacheMaxBytes(cacheMaxBytes)
                        .build());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void aTrustedEntryAsLargeAsTheReadsBoundIsServedFromDisk() throws Exception {
        byte[] x = serve("x.bin", 1000, 1);
        try (ScriptedServer server = ScriptedServer.serving(temp.resolve("www"), "404 Not Found", false);
                HttpStore store = open(server, 1 << 20)) {
            assertThat(bytes(store.read("x.bin"))).isEqualTo(x); // fetched and stored: trusted from now on
            long entry = store.cache().size(store.cacheKey("x.bin")); // the body and its (empty) validators
            assertThat(bytes(store.read("x.bin", entry))).isEqualTo(x);
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aTrustedEntryEvictedSinceIsFetchedAgain() throws Exception {
        byte[] a = serve("a.bin", 1000, 1);
        byte[] b = serve("b.bin", 1000, 2);
        try (ScriptedServer server = ScriptedServer.serving(temp.resolve("www"), "404 Not Found", false);
                HttpStore store = open(server, 1500)) { // room for one of them
            assertThat(bytes(store.read("a.bin"))).isEqualTo(a);
            assertThat(bytes(store.read("b.bin"))).isEqualTo(b); // a is evicted
            assertThat(bytes(store.read("a.bin"))).isEqualTo(a);
            assertThat(server.requests())
                    .extracting(ScriptedServer.Request::target)
                    .containsExactly("/a.bin", "/b.bin", "/a.bin");
        }
    }
}
