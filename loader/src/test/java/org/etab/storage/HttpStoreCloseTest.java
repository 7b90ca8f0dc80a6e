package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A store closed while a read is in progress ends the read, as a closed store and without a retry. */
@Timeout(60)
class HttpStoreCloseTest {
    @Test
    void aReadInProgressWhenTheStoreClosesFailsAsClosedWithoutARetry() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
            asked.countDown();
            closed.await(30, TimeUnit.SECONDS); // answers only once the store is closed: too late
            out.write(ScriptedServer.head("503 Service Unavailable", "Content-Length: 0"));
            return false;
        })) {
            HttpStore store = HttpStore.open(
                    URI.create("http://127.0.0.1:" + server.port() + "/"),
                    HttpStoreOptions.builder()
                            .maxAttempts(5)
                            .backoff(Duration.ZERO)
                            .build());
            CompletableFuture<ByteBuffer> read = store.get("object").toFuture();
            assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
            store.close();
            closed.countDown();
            assertThatThrownBy(read::get)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("store closed");
            assertThat(server.requests()).hasSize(1);
        }
    }
}
