package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The retry policy's arithmetic; the retries themselves run against real servers in {@code HttpStoreTest}. */
class RetriesTest {
    private static Retries retries(Duration backoff) {
        HttpStoreOptions options = HttpStoreOptions.builder().backoff(backoff).build();
        return new Retries(options, new AsyncPermits(1), new AsyncPermits(1), () -> false);
    }

    @Test
    void backoffDoublesPerAttemptWithinHalfToOneAndAHalfTimesAndStopsAtThirtySeconds() {
        Retries r = retries(Duration.ofMillis(100));
        for (int i = 0; i < 200; i++) {
            assertThat(r.backoff(1, null).toMillis()).isBetween(50L, 149L);
            assertThat(r.backoff(3, null).toMillis()).isBetween(200L, 599L);
            assertThat(r.backoff(40, null).toMillis()).isBetween(15_000L, 44_999L); // capped at 30 s before jitter
        }
    }

    @Test
    void aZeroBackoffRetriesAtOnceWhateverTheAttempt() {
        Retries r = retries(Duration.ZERO);
        for (int attempt : new int[] {1, 2, 21, 40}) {
            assertThat(r.backoff(attempt, null)).as("attempt %d", attempt).isZero();
        }
    }

    @Test
    void aServersRetryAfterIsWaitedUpToThirtySeconds() {
        Retries r = retries(Duration.ofMillis(100));
        for (int i = 0; i < 50; i++) {
            assertThat(r.backoff(1, Duration.ofSeconds(2)).toMillis()).isEqualTo(2_000L);
            assertThat(r.backoff(1, Duration.ofHours(1)).toMillis()).isEqualTo(30_000L);
            // the largest number a server can send: as long as an hour, not an ArithmeticException
            assertThat(r.backoff(1, TransientFailure.retryAfter("9223372036854775807"))
                            .toMillis())
                    .isEqualTo(30_000L);
        }
    }

    @Test
    void aDeadlineCountsDownToZeroAndAHugeOneIsNoDeadline() throws Exception {
        Retries.Deadline soon = Retries.deadline(Duration.ofMillis(50));
        assertThat(soon.left()).isLessThanOrEqualTo(Duration.ofMillis(50));
        Thread.sleep(80);
        assertThat(soon.left()).isZero();
        assertThat(Retries.deadline(Duration.ofDays(365L * 1000)).left()).isGreaterThan(Duration.ofDays(365L * 200));
    }

    @Test
    void reasonsReadAsWordsWithoutNettysNativeCallPrefix() {
        assertThat(Retries.reason(
                        new IOException("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:9")))
                .isEqualTo("Connection refused: /127.0.0.1:9");
        assertThat(Retries.reason(new TimeoutException())).isEqualTo("timed out");
        assertThat(Retries.reason(new TimeoutException("no response in 30 s")))
                .isEqualTo("timed out: no response in 30 s");
        assertThat(Retries.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void aClosedChannelWithoutAMessageIsNamedByTheReasonSuppressedInIt() {
        // Netty's TLS handler reports a handshake the server cut short (an https:// root on a plain HTTP port) as a
        // bare ClosedChannelException, the handshake's failure suppressed in it
        ClosedChannelException closed = new ClosedChannelException();
        closed.addSuppressed(new SSLHandshakeException("Connection closed while SSL/TLS handshake was in progress"));
        assertThat(Retries.reason(closed)).isEqualTo("Connection closed while SSL/TLS handshake was in progress");
        assertThat(Retries.reason(new ClosedChannelException())).isEqualTo("ClosedChannelException");
    }
}
