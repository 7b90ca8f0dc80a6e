package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store's redirect rules against a real nginx that redirects within its origin, to another origin
 * ({@value Nginx#OTHER_HOST}, the same nginx on another loopback address), to {@code file:}, in a loop and without end.
 * The access log shows which headers reached which host.
 */
@Timeout(60)
class HttpStoreRedirectTest {
    private static Path dir;
    private static Nginx nginx;
    private static byte[] small;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        dir = Files.createTempDirectory("etab-nginx-redirect");
        nginx = new Nginx(dir);
        Files.createDirectories(nginx.root().resolve("data"));
        small = new byte[10_000];
        new Random(2).nextBytes(small);
        Files.write(nginx.root().resolve("data/small.bin"), small);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static HttpStore store() {
        return HttpStore.open(
                URI.create("http://127.0.0.1:" + nginx.port() + "/data"),
                HttpStoreOptions.builder()
                        .maxAttempts(3)
                        .backoff(Duration.ofMillis(10))
                        .headers(Map.of("X-Api-Key", "key-123", "Authorization", "Bearer tok-456"))
                        .build());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The access log's lines for /data/small.bin requested through {@code host}. */
    private static List<String> smallLines(String host, int atLeast) throws Exception {
        return nginx
                .awaitLines(
                        "/data/small.bin",
                        l -> l.stream()
                                        .filter(x -> x.contains(" " + host + " "))
                                        .count()
                                >= atLeast)
                .stream()
                .filter(x -> x.contains(" " + host + " "))
                .toList();
    }

    @Test
    void aRedirectWithinTheOriginKeepsTheUsersHeaders() throws Exception {
        int before = smallLines("127.0.0.1", 0).size();
        try (HttpStore store = store()) {
            assertThat(bytes(store.read("moved.bin"))).isEqualTo(small);
        }
        List<String> lines = smallLines("127.0.0.1", before + 1);
        assertThat(lines).hasSize(before + 1);
        assertThat(lines.get(before)).endsWith(" 200 \"-\" 10000 \"key-123\" 127.0.0.1 \"Bearer tok-456\"");
    }

    @Test
    void aRedirectToAnotherOriginCarriesNoneOfTheUsersHeaders() throws Exception {
        int before = smallLines(Nginx.OTHER_HOST, 0).size();
        try (HttpStore store = store()) {
            assertThat(bytes(store.read("elsewhere.bin"))).isEqualTo(small);
        }
        assertThat(nginx.lines("/data/elsewhere.bin"))
                .last()
                .asString()
                .endsWith("\"key-123\" 127.0.0.1 \"Bearer tok-456\"");
        List<String> lines = smallLines(Nginx.OTHER_HOST, before + 1);
        assertThat(lines).hasSize(before + 1);
        // the API key reached the root's origin only; the other host got neither it nor the token
        assertThat(lines.get(before)).endsWith(" 200 \"-\" 10000 \"-\" " + Nginx.OTHER_HOST + " \"-\"");
    }

    @Test
    void aRedirectToAFileUrlIsRefusedNamingIt() {
        try (HttpStore store = store()) {
            assertThatThrownBy(() -> store.read("to-file.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("/data/to-file.bin")
                    .hasMessageContaining("refused HTTP 302 redirect to file:///etc/passwd")
                    .hasMessageContaining("only http and https")
                    .satisfies(e -> assertThat(((RemoteException) e).attempts()).isEqualTo(1));
            // a query on such a target may carry a token: hidden as a URL root's is
            assertThatThrownBy(() -> store.read("to-file-signed.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("refused HTTP 302 redirect to file:///etc/passwd?... from")
                    .hasMessageNotContaining("SECRET");
        }
    }

    @Test
    void aRedirectLoopIsRefusedNamingTheChain() throws Exception {
        String base = "http://127.0.0.1:" + nginx.port() + "/data/";
        try (HttpStore store = store()) {
            assertThatThrownBy(() -> store.read("loop-a.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("redirect loop: " + base + "loop-a.bin -> " + base + "loop-b.bin -> " + base
                            + "loop-a.bin");
        }
        assertThat(nginx.awaitLines("/data/loop-b.bin", l -> !l.isEmpty())).hasSize(1); // stopped at once
    }

    @Test
    void endlessRedirectsStopAfterTheMaximumNamingEveryHop() throws Exception {
        String base = "http://127.0.0.1:" + nginx.port() + "/data/";
        try (HttpStore store = store()) {
            assertThatThrownBy(() -> store.read("hop.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("too many redirects (more than " + Redirects.MAX + "): " + base
                            + "hop.bin -> " + base + "hop-.bin -> ")
                    .hasMessageEndingWith(base + "hop" + "-".repeat(Redirects.MAX + 1) + ".bin")
                    .satisfies(e -> assertThat(((RemoteException) e).status()).isEqualTo(302));
        }
    }
}
