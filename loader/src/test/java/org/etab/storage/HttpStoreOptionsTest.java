package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpStoreOptionsTest {

    @Test
    void toBuilderGivesAnEqualCopyThatChangesIndependently() {
        HttpStoreOptions o = HttpStoreOptions.builder()
                .headers(Map.of("Authorization", "Bearer t"))
                .maxConcurrency(8)
                .requestTimeout(Duration.ofSeconds(5))
                .readDeadline(Duration.ofSeconds(7))
                .maxAttempts(2)
                .backoff(Duration.ZERO)
                .maxObjectBytes(1 << 20)
                .maxBytesInFlight(4 << 20)
                .cacheDir(Path.of("cache"))
                .cacheMaxBytes(1 << 30)
                .ioThreads(2)
                .build();
        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
        HttpStoreOptions changed = o.toBuilder().maxConcurrency(9).build();
        assertThat(changed.maxConcurrency()).isEqualTo(9);
        assertThat(o.maxConcurrency()).isEqualTo(8);
        assertThat(o.toBuilder().readDeadline(Duration.ofSeconds(8)).build()).isNotEqualTo(o);
    }

    @Test
    void theReadDeadlineIsFiveMinutesByDefaultAndMustBePositive() {
        assertThat(HttpStoreOptions.builder().build().readDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() ->
                        HttpStoreOptions.builder().readDeadline(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readDeadline > 0 required but was PT0S");
        assertThatThrownBy(() -> HttpStoreOptions.builder().readDeadline(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("readDeadline");
    }

    @Test
    void timeoutsAndBackoffsTooLongToCountInMillisecondsAreRefusedWhenBuilt() {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        assertThatThrownBy(
                        () -> HttpStoreOptions.builder().requestTimeout(forever).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestTimeout in (0, PT24H] required but was " + forever);
        assertThatThrownBy(() -> HttpStoreOptions.builder().backoff(forever).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoff in [0, PT30S] required but was " + forever);
        HttpStoreOptions longest = HttpStoreOptions.builder()
                .requestTimeout(HttpStoreOptions.MAX_TIMEOUT)
                .backoff(HttpStoreOptions.MAX_BACKOFF)
                .readDeadline(forever) // no deadline: accepted
                .build();
        assertThat(longest.requestTimeout()).isEqualTo(Duration.ofDays(1));
        // a store opens with the longest values (its connect timeout is counted in milliseconds)
        HttpStore.open(java.net.URI.create("http://127.0.0.1:9/"), longest).close();
    }

    @Test
    void theHeadersAreCopiedAndBuildNamesABadValue() {
        Map<String, String> headers = new HashMap<>(Map.of("X-Token", "a"));
        HttpStoreOptions o = HttpStoreOptions.builder().headers(headers).build();
        headers.put("X-Other", "b");
        assertThat(o.headers()).containsOnlyKeys("X-Token");
        assertThatThrownBy(
                        () -> HttpStoreOptions.builder().cacheDir(Path.of("c")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cacheMaxBytes >= 1")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> HttpStoreOptions.builder().ioThreads(0).build())
                .hasMessageContaining("ioThreads >= 1 required but was 0");
    }

    @Test
    void aNullHeaderNameOrValueIsRefusedNamingIt() {
        Map<String, String> noValue = new HashMap<>();
        noValue.put("X-Api-Key", null);
        assertThatThrownBy(() -> HttpStoreOptions.builder().headers(noValue).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("headers: the value of X-Api-Key is null");
        Map<String, String> noName = new HashMap<>();
        noName.put(null, "v");
        assertThatThrownBy(() -> HttpStoreOptions.builder().headers(noName).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("headers: a header name is null");
    }

    @Test
    void aHeaderValueWithALineBreakOrNulIsRefusedNamingTheHeaderButNotTheValue() {
        // sent as is, "a\r\nInjected: b" put a header of its own on the wire (past the one-Authorization check)
        for (String value : new String[] {"a\r\nInjected: b", "token\n", "a\rb", "a\0b"}) {
            assertThatThrownBy(() -> HttpStoreOptions.builder()
                            .headers(Map.of("X-Token", value))
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("header X-Token: its value has a CR, LF or NUL character, which would end the header"
                            + " line (the value is not shown: header values may be credentials)");
        }
        assertThat(HttpStoreOptions.builder()
                        .headers(Map.of("X-Token", "a b\tc"))
                        .build()
                        .headers())
                .containsEntry("X-Token", "a b\tc");
    }

    @Test
    void eachBoundAcceptsItsLimitAndRefusesOnePastIt() {
        HttpStoreOptions least = HttpStoreOptions.builder()
                .maxConcurrency(1)
                .maxAttempts(1)
                .backoff(Duration.ofMillis(1))
                .maxObjectBytes(1)
                .maxBytesInFlight(1)
                .cacheDir(Path.of("c"))
                .cacheMaxBytes(1)
                .build();
        assertThat(least.maxConcurrency()).isEqualTo(1);
        assertThat(least.maxAttempts()).isEqualTo(1);
        assertThat(least.backoff()).isEqualTo(Duration.ofMillis(1));
        assertThat(least.maxObjectBytes()).isEqualTo(1);
        assertThat(least.maxBytesInFlight()).isEqualTo(1);
        assertThat(least.cacheDir()).isEqualTo(Path.of("c"));
        assertThat(least.cacheMaxBytes()).isEqualTo(1);
        long largest = Integer.MAX_VALUE - 8; // the largest heap buffer
        assertThat(HttpStoreOptions.builder().maxObjectBytes(largest).build().maxObjectBytes())
                .isEqualTo(largest);
        String objectBound = "maxObjectBytes in [1, " + largest + "] required but was ";
        assertThatThrownBy(() ->
                        HttpStoreOptions.builder().maxObjectBytes(largest + 1).build())
                .hasMessage(objectBound + (largest + 1));
        assertThatThrownBy(() -> HttpStoreOptions.builder().maxObjectBytes(0).build())
                .hasMessage(objectBound + 0);
        assertThatThrownBy(() -> HttpStoreOptions.builder().maxBytesInFlight(0).build())
                .hasMessage("maxBytesInFlight >= 1 required but was 0");
    }
}
