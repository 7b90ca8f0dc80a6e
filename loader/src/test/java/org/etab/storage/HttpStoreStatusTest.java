package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.etab.storage.HttpStoreHostileServerTest.bytes;
import static org.etab.storage.HttpStoreHostileServerTest.random;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which answers a download retries and which fail it at once, against a {@link ScriptedServer} that answers each
 * object's first request with the status under test and every later one with the object.
 */
@Timeout(60)
class HttpStoreStatusTest {
    private static final byte[] BODY = random(1000, 21);

    @TempDir
    java.nio.file.Path temp;

    /** The first request for each object gets {@code first} (a status line and its headers), later ones BODY. */
    private static ScriptedServer firstAnswer(String status, String... headers) throws Exception {
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return new ScriptedServer((req, out) -> {
            if (seen.add(req.target())) {
                String[] h = java.util.Arrays.copyOf(headers, headers.length + 1);
                h[headers.length] = "Content-Length: 0";
                out.write(ScriptedServer.head(status, h));
            } else {
                out.write(ScriptedServer.head("200 OK", "Content-Length: " + BODY.length));
                out.write(BODY);
            }
            return true;
        });
    }

    private static HttpStore open(ScriptedServer server) {
        return HttpStore.open(
                URI.create("http://127.0.0.1:" + server.port() + "/"),
                HttpStoreOptions.builder().maxAttempts(3).backoff(Duration.ZERO).build());
    }

    @Test
    void requestTimeoutTooManyRequestsAndEveryServerErrorAreRetried() throws Exception {
        for (String status : new String[] {
            "408 Request Timeout", "429 Too Many Requests", "500 Internal Server Error", "599 Network Timeout"
        }) {
            try (ScriptedServer server = firstAnswer(status);
                    HttpStore store = open(server)) {
                assertThat(bytes(store.get("x.bin").block())).as(status).isEqualTo(BODY);
                assertThat(server.requests()).as(status).hasSize(2);
            }
        }
    }

    @Test
    void otherClientErrorsFailAtOnceNamingTheStatus() throws Exception {
        for (String status : new String[] {"499 Client Closed Request", "409 Conflict", "428 Precondition Required"}) {
            try (ScriptedServer server = firstAnswer(status);
                    HttpStore store = open(server)) {
                assertThatThrownBy(() -> store.get("x.bin").block())
                        .as(status)
                        .isInstanceOf(RemoteException.class)
                        .hasMessage("http://127.0.0.1:" + server.port() + "/x.bin: HTTP " + status);
                assertThat(server.requests()).as(status).hasSize(1);
            }
        }
    }

    @Test
    void aNotModifiedToARequestThatWasNotConditionalFailsAtOnce() throws Exception {
        try (ScriptedServer server = firstAnswer("304 Not Modified", "ETag: \"1\"");
                HttpStore store = open(server)) {
            assertThatThrownBy(() -> store.get("x.bin").block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessage("http://127.0.0.1:" + server.port() + "/x.bin: HTTP 304 Not Modified");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aCachedEntryWithAnETagAloneIsRevalidatedWithIfNoneMatchAndServedOnANotModified() throws Exception {
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
            if ("\"e1\"".equals(req.header("If-None-Match"))) {
                out.write(ScriptedServer.head("304 Not Modified", "ETag: \"e1\""));
            } else {
                out.write(ScriptedServer.head("200 OK", "ETag: \"e1\"", "Content-Length: " + BODY.length));
                out.write(BODY);
            }
            return true;
        })) {
            HttpStoreOptions o = HttpStoreOptions.builder()
                    .maxAttempts(1)
                    .cacheDir(temp)
                    .cacheMaxBytes(1 << 20)
                    .build();
            URI root = URI.create("http://127.0.0.1:" + server.port() + "/");
            try (HttpStore store = HttpStore.open(root, o)) {
                assertThat(bytes(store.read("x.bin"))).isEqualTo(BODY);
            }
            try (HttpStore store = HttpStore.open(root, o)) { // a new store revalidates what it has not read yet
                assertThat(bytes(store.read("x.bin"))).isEqualTo(BODY);
            }
            assertThat(server.requests()).hasSize(2);
            assertThat(server.requests().get(1).header("If-None-Match")).isEqualTo("\"e1\"");
            assertThat(server.requests().get(1).header("If-Modified-Since")).isNull();
        }
    }
}
