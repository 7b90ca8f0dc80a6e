package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A root's user info as Basic credentials, the root without it, and the percent-encoding of path segments. */
class StoreUrlsTest {
    private static String decodedBasic(String rawUserInfo) {
        String header = StoreUrls.basic(rawUserInfo);
        assertThat(header).startsWith("Basic ");
        return new String(Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8);
    }

    private static String encoded(String segment) {
        StringBuilder out = new StringBuilder();
        StoreUrls.encodeSegment(segment, out);
        return out.toString();
    }

    @Test
    void userInfoIsPercentDecodedAndAUserAloneGetsAnEmptyPassword() {
        assertThat(decodedBasic("user:pa%3Ass+word")).isEqualTo("user:pa:ss+word");
        assertThat(decodedBasic("user")).isEqualTo("user:");
        // An empty user with a password: the colon at index 0 is the separator, none is added.
        assertThat(decodedBasic(":secret")).isEqualTo(":secret");
    }

    @Test
    void theRootLosesOnlyItsUserInfo() {
        assertThat(StoreUrls.withoutUserInfo(URI.create("http://u:p@host:8080/a/b@c/")))
                .isEqualTo(URI.create("http://host:8080/a/b@c/"));
        assertThat(StoreUrls.withoutUserInfo(URI.create("https://@host/"))).isEqualTo(URI.create("https://host/"));
    }

    @Test
    void unreservedCharactersStayAndTheirNeighboursAreEncoded() {
        assertThat(encoded("azAZ09-._~")).isEqualTo("azAZ09-._~");
        // The characters just outside each unreserved range: ` { @ [ / :
        assertThat(encoded("`{@[/:")).isEqualTo("%60%7B%40%5B%2F%3A");
        assertThat(encoded("a b%é")).isEqualTo("a%20b%25%C3%A9");
    }
}
