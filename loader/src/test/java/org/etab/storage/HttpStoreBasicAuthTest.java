package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Credentials in the root's URL, as curl takes them: sent as Basic authentication, never in a request or message. */
class HttpStoreBasicAuthTest {
    @Test
    void userInfoIsSentAsBasicAuthenticationAndLeftOutOfEveryUrl() throws Exception {
        // "s3:cret+1" percent-encodes its colon; '+' in user info is a plus, not a space
        String expected =
                "Basic " + Base64.getEncoder().encodeToString("alice:s3:cret+1".getBytes(StandardCharsets.UTF_8));
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seen.add(ex.getRequestURI() + " " + auth);
            byte[] body = "FileName\n".getBytes(StandardCharsets.UTF_8);
            boolean ok = expected.equals(auth);
            ex.sendResponseHeaders(ok ? 200 : 401, ok ? body.length : -1);
            if (ok) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try (HttpStore store = HttpStore.open(
                URI.create("http://alice:s3%3Acret+1@127.0.0.1:" + port + "/data?sig=x"),
                HttpStoreOptions.builder().build())) {
            assertThat(StandardCharsets.UTF_8.decode(store.read("FileList.csv")).toString())
                    .isEqualTo("FileName\n");
            assertThat(store.uri("FileList.csv").toString())
                    .isEqualTo("http://127.0.0.1:" + port + "/data/FileList.csv?sig=x");
            assertThat(store.displayUrl("Videos/A.avi"))
                    .isEqualTo("http://127.0.0.1:" + port + "/data/Videos/A.avi?...");
        } finally {
            server.stop(0);
        }
        assertThat(seen).containsExactly("/data/FileList.csv?sig=x " + expected);
    }

    @Test
    void aUserAloneHasAnEmptyPasswordAndAnEmptyUserInfoSendsNothing() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.sendResponseHeaders(200, 1);
            ex.getResponseBody().write('x');
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            for (String root : List.of("http://bob@127.0.0.1:" + port + "/", "http://@127.0.0.1:" + port + "/")) {
                try (HttpStore store = HttpStore.open(
                        URI.create(root), HttpStoreOptions.builder().build())) {
                    store.read("a.csv");
                }
            }
        } finally {
            server.stop(0);
        }
        // as curl: "bob" is "bob:" (RFC 7617 needs the colon); no user info, no header
        assertThat(seen)
                .containsExactly(
                        "Basic " + Base64.getEncoder().encodeToString("bob:".getBytes(StandardCharsets.UTF_8)), "null");
    }

    @Test
    void credentialsGivenTwiceAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> HttpStore.open(
                        URI.create("https://alice:s3cret@h.example/data"),
                        HttpStoreOptions.builder()
                                .headers(Map.of("authorization", "Bearer t0ken"))
                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("root https://h.example/data has user info and the headers have an Authorization: give the "
                        + "credentials once");
    }

    @Test
    void userInfoAlongsideOtherHeadersIsAccepted() {
        try (HttpStore store = HttpStore.open(
                URI.create("https://alice:s3cret@h.example/data"),
                HttpStoreOptions.builder()
                        .headers(Map.of("X-Authorization-Hint", "none", "Accept", "*/*"))
                        .build())) {
            assertThat(store.displayUrl("a.bin")).isEqualTo("https://h.example/data/a.bin");
        }
    }
}
