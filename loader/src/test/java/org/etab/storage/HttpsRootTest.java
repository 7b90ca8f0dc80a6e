package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@code https://} root goes through TLS and fails as an {@code http://} one would, at once and saying why: not
 * inside Netty, waiting out the read deadline (as when reactor-netty's TLS set-up missed the QUIC classes).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsRootTest {
    /** One attempt, and a read deadline far above what a refusal or a failed handshake takes. */
    private static final HttpStoreOptions ONCE = HttpStoreOptions.builder()
            .maxAttempts(1)
            .readDeadline(Duration.ofSeconds(30))
            .build();

    @Test
    void aClosedPortIsRefused() throws Exception {
        int port = Nginx.freePort();
        try (HttpStore store = HttpStore.open(URI.create("https://127.0.0.1:" + port + "/echonet"), ONCE)) {
            assertThatThrownBy(() -> store.read("FileList.csv"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("https://127.0.0.1:" + port + "/echonet/FileList.csv")
                    .hasMessageContaining("Connection refused");
        }
    }

    @Test
    void aServerThatDoesNotSpeakTlsFailsTheHandshake() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (Socket s = plain.accept();
                            OutputStream out = s.getOutputStream()) {
                        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            String root = "https://127.0.0.1:" + plain.getLocalPort() + "/echonet";
            try (HttpStore store = HttpStore.open(URI.create(root), ONCE)) {
                assertThatThrownBy(() -> store.read("FileList.csv"))
                        .isInstanceOf(RemoteException.class)
                        .hasMessageContaining(root + "/FileList.csv")
                        // "not an SSL/TLS record: ...", or "Connection closed while SSL/TLS handshake was in
                        // progress" (which of the two Netty sees first is a race), never a bare ClosedChannelException
                        .hasMessageContaining("SSL/TLS")
                        .hasMessageNotContaining("deadline");
            }
        }
    }
}
