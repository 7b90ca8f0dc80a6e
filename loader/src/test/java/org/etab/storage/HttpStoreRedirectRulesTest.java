package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redirect rules that nginx's configuration in {@link HttpStoreRedirectTest} does not reach, against a
 * {@link ScriptedServer}: every redirect status, a hop to another port of the same host, a redirect without a
 * Location or with one that is no URL, one to another scheme.
 */
@Timeout(60)
class HttpStoreRedirectRulesTest {
    private static final byte[] BODY = "the object".getBytes(StandardCharsets.US_ASCII);

    /** Answers {@code /<status>} with that status and a Location of {@code /object}, and {@code /object} with 200. */
    private static ScriptedServer redirecting(String location) throws Exception {
        return new ScriptedServer((req, out) -> {
            if (req.target().equals("/object")) {
                out.write(ScriptedServer.head("200 OK", "Content-Length: " + BODY.length));
                out.write(BODY);
            } else {
                String status = req.target().substring(1) + " Moved";
                out.write(
                        location == null
                                ? ScriptedServer.head(status, "Content-Length: 0")
                                : ScriptedServer.head(status, "Location: " + location, "Content-Length: 0"));
            }
            return true;
        });
    }

    private static HttpStore store(ScriptedServer server) {
        return HttpStore.open(
                URI.create("http://127.0.0.1:" + server.port() + "/"),
                HttpStoreOptions.builder()
                        .maxAttempts(2)
                        .backoff(Duration.ofMillis(10))
                        .headers(Map.of("X-Api-Key", "key-123"))
                        .build());
    }

    private static byte[] read(HttpStore store, String path) {
        var b = store.read(path);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void everyRedirectStatusIsFollowed() throws Exception {
        try (ScriptedServer server = redirecting("/object");
                HttpStore store = store(server)) {
            for (String status : new String[] {"301", "302", "303", "307", "308"}) {
                assertThat(read(store, status)).as(status).isEqualTo(BODY);
            }
        }
    }

    @Test
    void otherStatusesWithALocationAreNotRedirects() throws Exception {
        try (ScriptedServer server = redirecting("/object");
                HttpStore store = store(server)) {
            for (String status : new String[] {"300", "304", "305", "306"}) {
                assertThatThrownBy(() -> store.read(status))
                        .as(status)
                        .isInstanceOf(RemoteException.class)
                        .hasMessageEndingWith("/" + status + ": HTTP " + status + " Moved");
            }
        }
    }

    @Test
    void aHopToAnotherPortOfTheSameHostCarriesNoneOfTheUsersHeaders() throws Exception {
        try (ScriptedServer other = redirecting(null);
                ScriptedServer root = redirecting("http://127.0.0.1:" + other.port() + "/object");
                HttpStore store = store(root)) {
            assertThat(read(store, "302")).isEqualTo(BODY);
            assertThat(root.requests().get(0).header("X-Api-Key")).isEqualTo("key-123");
            assertThat(other.requests()).singleElement().satisfies(r -> {
                assertThat(r.target()).isEqualTo("/object");
                assertThat(r.header("X-Api-Key")).isNull();
            });
        }
    }

    @Test
    void aRedirectWithoutALocationFailsSayingSo() throws Exception {
        try (ScriptedServer server = redirecting(null);
                HttpStore store = store(server)) {
            assertThatThrownBy(() -> store.read("302"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageEndingWith("/302: HTTP 302 redirect without a Location header");
        }
    }

    @Test
    void aRedirectToALocationThatIsNoUrlFailsNamingItAndTheUrlThatSentIt() throws Exception {
        try (ScriptedServer server = redirecting("http://bad host/x y");
                HttpStore store = store(server)) {
            String from = "http://127.0.0.1:" + server.port() + "/302";
            assertThatThrownBy(() -> store.read("302"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessage(
                            from + ": HTTP 302 redirect to a malformed Location 'http://bad host/x y' from " + from);
        }
    }

    @Test
    void aRedirectToAnotherSchemeWithAHostIsRefusedNamingItWithoutItsUserInfo() throws Exception {
        try (ScriptedServer server = redirecting("ftp://user:secret@127.0.0.1/x.bin");
                HttpStore store = store(server)) {
            String from = "http://127.0.0.1:" + server.port() + "/302";
            assertThatThrownBy(() -> store.read("302"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessage(from + ": refused HTTP 302 redirect to ftp://127.0.0.1/x.bin from " + from
                            + ": only http and https URLs are followed");
        }
    }
}
