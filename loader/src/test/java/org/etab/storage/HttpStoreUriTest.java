package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** URL building and argument checks; no server needed. */
class HttpStoreUriTest {
    @Test
    void segmentsAreEncodedAndTheQueryIsKept() {
        try (HttpStore store = HttpStore.open(
                URI.create("https://h.example/bucket/echo/?sig=a%2Bb&t=1"),
                HttpStoreOptions.builder().build())) {
            assertThat(store.uri("Videos/0X1 a+b#é.avi").toString())
                    .isEqualTo("https://h.example/bucket/echo/Videos/0X1%20a%2Bb%23%C3%A9.avi?sig=a%2Bb&t=1");
        }
        try (HttpStore store = HttpStore.open(
                URI.create("http://h:8080"), HttpStoreOptions.builder().build())) {
            assertThat(store.uri("a/b.csv").toString()).isEqualTo("http://h:8080/a/b.csv");
        }
    }

    @Test
    void badPathsAndRootsAreRefusedNamingTheValue() {
        try (HttpStore store = HttpStore.open(
                URI.create("http://h/r"), HttpStoreOptions.builder().build())) {
            for (String bad : new String[] {"", "/abs", "a//b", "a/../b", "./a", "a/"}) {
                assertThatThrownBy(() -> store.get(bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'" + bad + "'");
            }
        }
        assertThatThrownBy(() -> HttpStore.open(
                        URI.create("ftp://h/r"), HttpStoreOptions.builder().build()))
                .hasMessageContaining("ftp://h/r");
        assertThatThrownBy(() -> HttpStoreOptions.builder().maxConcurrency(0).build())
                .hasMessage("maxConcurrency >= 1 required but was 0");
        assertThatThrownBy(() -> HttpStoreOptions.builder()
                        .maxAttempts(0)
                        .backoff(Duration.ZERO)
                        .build())
                .hasMessage("maxAttempts >= 1 required but was 0");
    }

    @Test
    void messagesRedactTheQueryAndOptionsHideHeaderValues() {
        RemoteException e =
                new RemoteException(URI.create("https://u:p@h/x.bin?X-Amz-Signature=secret"), 403, 1, "HTTP 403", null);
        assertThat(e.getMessage()).isEqualTo("https://h/x.bin?...: HTTP 403").doesNotContain("secret");
        try (HttpStore store = HttpStore.open(
                URI.create("https://alice:s3cret@h.example:8443/echo?sig=x"),
                HttpStoreOptions.builder().build())) {
            // the user info goes into an Authorization header (HttpStoreBasicAuthTest), the query stays in requests
            assertThat(store.uri("Videos/a b.avi").toString())
                    .isEqualTo("https://h.example:8443/echo/Videos/a%20b.avi?sig=x");
            assertThat(store.displayUrl("Videos/a b.avi"))
                    .isEqualTo("https://h.example:8443/echo/Videos/a%20b.avi?...");
        }
        assertThat(RemoteException.redact(URI.create("http://u:p@[::1]:80/x#frag")))
                .isEqualTo("http://[::1]:80/x");
        assertThat(RemoteException.redact(URI.create("http://u:p@bad_host/x"))).isEqualTo("http://bad_host/x");
        // text that is no URI: all before the last '@' of the authority goes, the query too
        assertThat(RemoteException.redact("http://al/ce:s3c@ret@h/a b?sig=x")).isEqualTo("http://h/a b?...");
        assertThat(RemoteException.redact("http://h/a b")).isEqualTo("http://h/a b");
        assertThatThrownBy(() -> HttpStore.open(
                        URI.create("http://u:p@h/r#sig"),
                        HttpStoreOptions.builder().build()))
                .hasMessage("root must not have a fragment but was http://h/r#...");
        assertThat(HttpStoreOptions.builder()
                        .headers(java.util.Map.of("Authorization", "Bearer s3cret"))
                        .build()
                        .toString())
                .contains("Authorization")
                .doesNotContain("s3cret");
    }

    @Test
    void aRangeOutsideZeroToMaxObjectBytesIsRefusedAtOnceNamingItAndOneAtItsLimitsIsNot() {
        try (HttpStore store = HttpStore.open(
                URI.create("http://h/r"),
                HttpStoreOptions.builder().maxObjectBytes(1000).build())) {
            long[][] bad = {{-1, 10}, {0, 0}, {0, -1}, {991, 10}, {0, 1001}, {Long.MAX_VALUE, 1}, {1, Long.MAX_VALUE}};
            for (long[] r : bad) {
                assertThatThrownBy(() -> store.getRange("a.bin", r[0], r[1]))
                        .as("%d bytes at %d", r[1], r[0])
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("bad range: " + r[1] + " bytes at " + r[0] + " of a.bin");
            }
            // at the limits: accepted (nothing is asked of the server until subscription)
            assertThat(store.getRange("a.bin", 0, 1)).isNotNull();
            assertThat(store.getRange("a.bin", 990, 10)).isNotNull();
            assertThat(store.getRange("a.bin", 0, 1000)).isNotNull();
        }
    }

    @Test
    void everyFetchOfAClosedStoreFailsSayingSo() {
        HttpStore store = HttpStore.open(
                URI.create("http://u:p@h/r?sig=x"), HttpStoreOptions.builder().build());
        var get = store.get("a.bin");
        var range = store.getRange("a.bin", 0, 10);
        var versioned = store.getWithVersion("a.bin", false);
        store.close();
        for (var fetch : java.util.List.of(get, range, versioned)) {
            assertThatThrownBy(fetch::block)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("store closed: http://h/r?...");
        }
    }
}
