package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store against a server that breaks the protocol in ways nginx never does ({@link ScriptedServer}): every
 * object arrives with exactly its own bytes, or fails naming its URL and the reason.
 */
@Timeout(60)
class HttpStoreHostileServerTest {
    @TempDir
    Path temp;

    /** {@code size} seeded random bytes. */
    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The bytes from {@code b}'s position to its limit, {@code b} untouched. */
    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Which of the versions {@code b} holds ("v1", "v2", ...), or "none of them" (e.g. two versions mixed). */
    private static String version(ByteBuffer b, byte[]... versions) {
        byte[] got = bytes(b);
        for (int i = 0; i < versions.length; i++) {
            if (Arrays.equals(got, versions[i])) {
                return "v" + (i + 1);
            }
        }
        return "none of them";
    }

    private static HttpStoreOptions.Builder options() {
        return HttpStoreOptions.builder().maxAttempts(3).backoff(Duration.ofMillis(10));
    }

    private static HttpStore open(ScriptedServer server, HttpStoreOptions options) {
        return HttpStore.open(URI.create("http://127.0.0.1:" + server.port() + "/"), options);
    }

    @Test
    void bytesPastAContentLengthDoNotFailTheNextObjectOnTheSameConnection() throws Exception {
        byte[] a = random(1000, 1);
        byte[] b = random(1000, 2);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    byte[] body = req.target().equals("/a") ? a : b;
                    ByteArrayOutputStream answer = new ByteArrayOutputStream();
                    answer.write(ScriptedServer.head("200 OK", "Content-Length: " + body.length));
                    answer.write(body);
                    if (req.target().equals("/a")) {
                        answer.write("GARBAGE AFTER THE BODY\r\n\r\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(answer.toByteArray()); // one write: the client reads the garbage with the body's end
                    return true;
                });
                HttpStore store = open(server, options().maxConcurrency(1).build())) {
            // b asked for as a completes: on the connection a leaves to the pool, before the garbage is read
            ByteBuffer[] got = store.get("a")
                    .flatMap(x -> store.get("b").map(y -> new ByteBuffer[] {x, y}))
                    .block();
            assertThat(version(got[0], a)).isEqualTo("v1");
            assertThat(version(got[1], b)).isEqualTo("v1");
        }
    }

    @Test
    void aBodyWithoutALengthAfterAWaitForMemoryIsNotTakenForAChangedObject() throws Exception {
        byte[] a = random(600, 3);
        byte[] b = random(100, 4);
        byte[] x = random(500, 5);
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        CountDownLatch xRefused = new CountDownLatch(1);
        CountDownLatch xRefusedAgain = new CountDownLatch(1);
        AtomicInteger xs = new AtomicInteger();
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    if (!req.target().equals("/x")) { // a and b: their reservations held until released
                        byte[] body = req.target().equals("/a") ? a : b;
                        out.write(ScriptedServer.head("200 OK", "Content-Length: " + body.length));
                        out.write(body, 0, 10);
                        out.flush();
                        (body == a ? releaseA : releaseB).await();
                        out.write(body, 10, body.length - 10);
                        return true;
                    }
                    int n = xs.incrementAndGet();
                    if (n == 1) { // x with its length: no room for its 500 bytes, the client hangs up
                        out.write(ScriptedServer.head("200 OK", "Content-Length: " + x.length));
                        out.flush();
                        xRefused.countDown();
                        return true;
                    }
                    // x again, its body delimited by the end of the connection (HTTP/1.0 style, no length): it needs
                    // the bound for such bodies (1000), and b still holds 100 the first time
                    out.write(ScriptedServer.head("200 OK", "Connection: close"));
                    out.write(x);
                    if (n == 2) {
                        xRefusedAgain.countDown();
                    }
                    return false;
                });
                HttpStore store = open(server, options().maxBytesInFlight(1000).build())) {
            var gotA = store.get("a").toFuture();
            var gotB = store.get("b").toFuture();
            while (store.bytesInFlight() < 700) {
                Thread.sleep(5);
            }
            var gotX = store.get("x").toFuture();
            assertThat(xRefused.await(10, TimeUnit.SECONDS)).isTrue();
            awaitWaitingForBytes(store); // the client has turned x's first answer down for lack of memory
            releaseA.countDown();
            assertThat(version(gotA.get(10, TimeUnit.SECONDS), a)).isEqualTo("v1");
            assertThat(xRefusedAgain.await(10, TimeUnit.SECONDS)).isTrue();
            awaitWaitingForBytes(store); // and its second, which needs the bound for bodies without a length
            releaseB.countDown();
            assertThat(version(gotB.get(10, TimeUnit.SECONDS), b)).isEqualTo("v1");
            assertThat(version(gotX.get(10, TimeUnit.SECONDS), x)).isEqualTo("v1");
            assertThat(xs.get()).isEqualTo(3);
        }
    }

    /** Until a download waits for a body reservation (bounded: 10 s). */
    private static void awaitWaitingForBytes(HttpStore store) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.downloadsWaitingForBytes() == 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(store.downloadsWaitingForBytes()).isEqualTo(1);
    }

    @Test
    void aContentEncodingIsRefusedNamingItAndIdentityIsAskedFor() throws Exception {
        byte[] body = random(2000, 5);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(body);
        }
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    out.write(ScriptedServer.head(
                            "200 OK", "Content-Encoding: gzip", "Content-Length: " + zipped.size()));
                    out.write(zipped.toByteArray());
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            assertThatThrownBy(() -> store.get("Videos/x.avi").block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessage("http://127.0.0.1:" + server.port() + "/Videos/x.avi: the server sent the body with "
                            + "Content-Encoding 'gzip', not the object's own bytes (identity was asked for)");
            assertThat(server.requests().get(0).header("Accept-Encoding")).isEqualTo("identity");
        }
    }

    @Test
    void anEmptyContentEncodingIsTheObjectsOwnBytes() throws Exception {
        byte[] body = random(2000, 6);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    out.write(ScriptedServer.head("200 OK", "Content-Encoding: ", "Content-Length: " + body.length));
                    out.write(body);
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(version(store.get("Videos/x.avi").block(), body)).isEqualTo("v1");
        }
    }

    /** Object v1 (ETag "1", or only a Last-Modified), cut after 3000 bytes; then v2 of the same size. */
    private static ScriptedServer replacedMidway(byte[] v1, byte[] v2, boolean etags) throws Exception {
        return new ScriptedServer((req, out) -> {
            boolean old = req.n() == 1;
            byte[] v = old ? v1 : v2;
            String validator = etags
                    ? "ETag: \"" + (old ? 1 : 2) + "\""
                    : "Last-Modified: " + (old ? "Mon, 02 Nov 2026 10:00:00 GMT" : "Mon, 02 Nov 2026 10:05:00 GMT");
            String range = req.header("Range");
            int from = 0;
            int to = v.length - 1;
            if (range != null) { // honours Range, ignores If-Range (as some servers and caches do)
                String[] r = range.substring(6).split("-", -1);
                from = Integer.parseInt(r[0]);
                to = r[1].isEmpty() ? v.length - 1 : Integer.parseInt(r[1]);
                out.write(ScriptedServer.head(
                        "206 Partial Content",
                        validator,
                        "Content-Range: bytes " + from + "-" + to + "/" + v.length,
                        "Content-Length: " + (to - from + 1)));
            } else {
                out.write(ScriptedServer.head("200 OK", validator, "Content-Length: " + v.length));
            }
            out.write(v, from, old ? Math.min(3000, to - from + 1) : to - from + 1);
            return !old;
        });
    }

    /**
     * v1 cut after 3000 bytes of its body, then v2 (same size) for every later request; Range honoured; neither a
     * response nor a 206 names its version (no ETag, no Last-Modified).
     */
    private static ScriptedServer replacedMidwayWithoutValidators(byte[] v1, byte[] v2) throws Exception {
        return new ScriptedServer((req, out) -> {
            boolean old = req.n() == 1;
            byte[] v = old ? v1 : v2;
            String range = req.header("Range");
            int from = 0;
            int to = v.length - 1;
            if (range != null) {
                String[] r = range.substring(6).split("-", -1);
                from = Integer.parseInt(r[0]);
                to = r[1].isEmpty() ? v.length - 1 : Integer.parseInt(r[1]);
                out.write(ScriptedServer.head(
                        "206 Partial Content",
                        "Content-Range: bytes " + from + "-" + to + "/" + v.length,
                        "Content-Length: " + (to - from + 1)));
            } else {
                out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
            }
            out.write(v, from, old ? Math.min(3000, to - from + 1) : to - from + 1);
            return !old;
        });
    }

    @Test
    void anObjectWithoutValidatorsCutMidwayIsFetchedAgainFromItsStartNeverMixedFromTwoVersions() throws Exception {
        // nothing names the version the first bytes are of, so no 206 can be shown to continue it (RFC 9110 combines
        // partial responses only when they share a strong validator): the object is fetched again from byte 0
        byte[] v1 = random(10_000, 12);
        byte[] v2 = random(10_000, 13);
        try (ScriptedServer server = replacedMidwayWithoutValidators(v1, v2);
                HttpStore store = open(server, options().build())) {
            assertThat(version(store.get("v.avi").block(), v1, v2)).isEqualTo("v2");
            assertThat(server.requests()).hasSize(2);
            assertThat(server.requests().get(1).header("Range")).isNull();
        }
    }

    @Test
    void aRangeWithoutValidatorsCutMidwayIsFetchedAgainFromItsFirstByteNeverMixedFromTwoVersions() throws Exception {
        byte[] v1 = random(10_000, 14);
        byte[] v2 = random(10_000, 15);
        try (ScriptedServer server = replacedMidwayWithoutValidators(v1, v2);
                HttpStore store = open(server, options().build())) {
            HttpStore.ByteRange r = store.getRange("v.avi", 1000, 5000).block();
            assertThat(version(r.bytes(), Arrays.copyOfRange(v1, 1000, 6000), Arrays.copyOfRange(v2, 1000, 6000)))
                    .isEqualTo("v2");
            assertThat(server.requests()).hasSize(2);
            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=1000-5999");
        }
    }

    @Test
    void aResumeAnsweredWithAContentRangeBeyondALongIsRetriedWholeNotAParseError() throws Exception {
        byte[] v = random(10_000, 8);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    switch (req.n()) {
                        case 1 -> { // cut short: the client resumes with Range
                            out.write(ScriptedServer.head("200 OK", "ETag: \"1\"", "Content-Length: " + v.length));
                            out.write(v, 0, 3000);
                            return false;
                        }
                        case 2 -> { // numbers no long holds: not the bytes asked for
                            out.write(ScriptedServer.head(
                                    "206 Partial Content",
                                    "ETag: \"1\"",
                                    "Content-Range: bytes 3000-99999999999999999999/99999999999999999999",
                                    "Content-Length: 7000"));
                            out.write(v, 3000, 7000);
                            return true;
                        }
                        default -> {
                            out.write(ScriptedServer.head("200 OK", "ETag: \"1\"", "Content-Length: " + v.length));
                            out.write(v);
                            return true;
                        }
                    }
                });
                HttpStore store = open(server, options().build())) {
            assertThat(version(store.get("v.avi").block(), v)).isEqualTo("v1");
            assertThat(server.requests()).hasSize(3);
            assertThat(server.requests().get(2).header("Range"))
                    .as("fetched whole")
                    .isNull();
        }
    }

    @Test
    void anObjectReplacedBeforeAResumeIsNeverMixedFromTwoVersions() throws Exception {
        for (boolean etags : new boolean[] {true, false}) {
            byte[] v1 = random(10_000, 6);
            byte[] v2 = random(10_000, 7);
            try (ScriptedServer server = replacedMidway(v1, v2, etags);
                    HttpStore store = open(server, options().build())) {
                assertThat(version(store.get("v.avi").block(), v1, v2))
                        .as("ETags: %s", etags)
                        .isEqualTo("v2");
                assertThat(server.requests().get(1).header("If-Range"))
                        .as("the resume names the version it continues")
                        .isEqualTo(etags ? "\"1\"" : "Mon, 02 Nov 2026 10:00:00 GMT");
            }
        }
    }

    @Test
    void aResumeAnsweredWithoutTheETagItNamedIsNeverMixedFromTwoVersions() throws Exception {
        // v1 with ETag "1", cut after 3000 bytes; the resume's 206 carries v2's bytes and no ETag, or only a date
        for (String resumeHeader : new String[] {"X-Nothing: 0", "Last-Modified: Mon, 02 Nov 2026 10:05:00 GMT"}) {
            byte[] v1 = random(10_000, 10);
            byte[] v2 = random(10_000, 11);
            try (ScriptedServer server = new ScriptedServer((req, out) -> {
                        String range = req.header("Range");
                        if (req.n() == 1) {
                            out.write(ScriptedServer.head("200 OK", "ETag: \"1\"", "Content-Length: " + v1.length));
                            out.write(v1, 0, 3000);
                            return false;
                        }
                        if (range != null) {
                            int from = Integer.parseInt(range.substring(6, range.indexOf('-')));
                            out.write(ScriptedServer.head(
                                    "206 Partial Content",
                                    resumeHeader,
                                    "Content-Range: bytes " + from + "-" + (v2.length - 1) + "/" + v2.length,
                                    "Content-Length: " + (v2.length - from)));
                            out.write(v2, from, v2.length - from);
                        } else {
                            out.write(ScriptedServer.head("200 OK", "ETag: \"2\"", "Content-Length: " + v2.length));
                            out.write(v2);
                        }
                        return true;
                    });
                    HttpStore store = open(server, options().build())) {
                assertThat(version(store.get("v.avi").block(), v1, v2))
                        .as("the resume's answer has %s", resumeHeader)
                        .isEqualTo("v2");
                assertThat(server.requests().get(1).header("If-Range")).isEqualTo("\"1\"");
            }
        }
    }

    @Test
    void aRangeOfAnObjectReplacedBeforeItsResumeIsNeverMixedFromTwoVersions() throws Exception {
        byte[] v1 = random(10_000, 8);
        byte[] v2 = random(10_000, 9);
        try (ScriptedServer server = replacedMidway(v1, v2, true);
                HttpStore store = open(server, options().build())) {
            HttpStore.ByteRange r = store.getRange("v.avi", 1000, 5000).block();
            assertThat(version(r.bytes(), Arrays.copyOfRange(v1, 1000, 6000), Arrays.copyOfRange(v2, 1000, 6000)))
                    .isEqualTo("v2");
            assertThat(server.requests().get(1).header("If-Range")).isEqualTo("\"1\"");
        }
    }

    @Test
    void anObjectTooLargeToCacheNeverLeavesItsOlderEntryToBeServed() throws Exception {
        byte[] v1 = random(1000, 10);
        byte[] v2 = random(5000, 11);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
            boolean old = req.n() == 1;
            byte[] v = old ? v1 : v2;
            out.write(ScriptedServer.head("200 OK", "ETag: \"" + (old ? 1 : 2) + "\"", "Content-Length: " + v.length));
            out.write(v);
            return true;
        })) {
            HttpStoreOptions o = options().cacheDir(temp).cacheMaxBytes(3000).build();
            try (HttpStore store = open(server, o)) {
                assertThat(version(store.read("v.avi"), v1, v2)).isEqualTo("v1"); // cached
            }
            try (HttpStore store = open(server, o)) { // replaced on the server by an object above the bound
                assertThat(version(store.read("v.avi"), v1, v2)).isEqualTo("v2");
                assertThat(version(store.read("v.avi"), v1, v2))
                        .as("read again")
                        .isEqualTo("v2");
            }
        }
    }

    @Test
    void anObjectReplacedByOneOfAnotherSizeBeforeAResumeIsFetchedWhole() throws Exception {
        byte[] v1 = random(10_000, 12);
        byte[] v2 = random(12_000, 13);
        for (boolean honoursIfRange : new boolean[] {false, true}) {
            try (ScriptedServer server = new ScriptedServer((req, out) -> {
                        boolean old = req.n() == 1;
                        byte[] v = old ? v1 : v2;
                        String tag = "ETag: \"" + (old ? 1 : 2) + "\"";
                        String range = req.header("Range");
                        boolean partial = range != null && !(honoursIfRange && "\"1\"".equals(req.header("If-Range")));
                        int from = 0;
                        if (partial) {
                            from = Integer.parseInt(range.substring(6).split("-", -1)[0]);
                            out.write(ScriptedServer.head(
                                    "206 Partial Content",
                                    tag,
                                    "Content-Range: bytes " + from + "-" + (v.length - 1) + "/" + v.length,
                                    "Content-Length: " + (v.length - from)));
                        } else {
                            out.write(ScriptedServer.head("200 OK", tag, "Content-Length: " + v.length));
                        }
                        out.write(v, from, old ? 3000 : v.length - from);
                        return !old;
                    });
                    HttpStore store = open(server, options().build())) {
                assertThat(version(store.get("v.avi").block(), v1, v2))
                        .as("If-Range honoured: %s", honoursIfRange)
                        .isEqualTo("v2");
            }
        }
    }
    /** The heap in use after a collection, in bytes (a live buffer of the announced size would show here). */
    private static long heapInUse() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aGigabyteAnnouncedAndAThousandBytesSentTakeNoGigabyteOfHeapAndFailNamingTheUrl() throws Exception {
        CountDownLatch sent = new CountDownLatch(1);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    out.write(ScriptedServer.head("200 OK", "Content-Length: 1000000000"));
                    out.write(random(1000, 5));
                    out.flush();
                    sent.countDown();
                    Thread.sleep(60_000); // stalls: the rest never comes
                    return false;
                });
                HttpStore store = open(
                        server,
                        options()
                                .maxAttempts(1)
                                .requestTimeout(Duration.ofSeconds(30))
                                .readDeadline(Duration.ofSeconds(3))
                                .build())) {
            long before = heapInUse();
            java.util.concurrent.CompletableFuture<ByteBuffer> read =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> store.read("huge.bin"));
            assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500); // the client has the head and the 1000 bytes, and holds its buffer for the rest
            long grew = heapInUse() - before;
            assertThat(grew).as("heap grew by %d bytes", grew).isLessThan(64L << 20);
            assertThatThrownBy(read::join)
                    .cause()
                    .isInstanceOf(RemoteException.class)
                    .hasMessageStartingWith("http://127.0.0.1:" + server.port()
                            + "/huge.bin: not received within the read" + " deadline of 3 s")
                    .hasMessageContaining("1000 of 1000000000 bytes");
        }
    }

    @Test
    void aReadBoundedBelowMaxObjectBytesRefusesALargerObjectBeforeItsBody() throws Exception {
        AtomicInteger sentBodies = new AtomicInteger();
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    if (req.target().equals("/announced.csv")) { // 100 MB announced, then a trickle of rows
                        out.write(ScriptedServer.head("200 OK", "Content-Length: 100000000"));
                        out.flush();
                        for (int i = 0; i < 10; i++) {
                            out.write("row,row,row\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            sentBodies.incrementAndGet();
                        }
                        return false;
                    }
                    out.write(ScriptedServer.head("200 OK", "Connection: close")); // no length: streamed past 1000
                    for (int i = 0; i < 200; i++) {
                        out.write("row,row,row\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    return false;
                });
                HttpStore store = open(server, options().build())) {
            String base = "http://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> store.read("announced.csv", 1000))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageStartingWith(base + "/announced.csv: ")
                    .hasMessageContaining(
                            "the object is 100000000 bytes, more than the 1000 a file of its kind may have");
            assertThat(server.requests()).hasSize(1); // refused, not retried
            assertThatThrownBy(() -> store.read("streamed.csv", 1000))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageStartingWith(base + "/streamed.csv: ")
                    .hasMessageContaining("exceeds 1000 bytes");
            assertThat(bytes(store.get("streamed.csv").block())).hasSize(200 * 12); // unbounded reads still whole
        }
    }

    @Test
    void aRangeOfOneVersionComesWholeWhenReplacedAndNamesTheVersionAServerIgnoringIfRangeSent() throws Exception {
        byte[] v2 = random(10_000, 7);
        AtomicInteger answers = new AtomicInteger();
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    if (answers.incrementAndGet() == 1) { // honours If-Range: another version, sent whole
                        out.write(ScriptedServer.head("200 OK", "ETag: \"v2\"", "Content-Length: " + v2.length));
                        out.write(v2);
                    } else { // ignores If-Range: the range, of another version
                        out.write(ScriptedServer.head(
                                "206 Partial Content",
                                "ETag: \"v2\"",
                                "Content-Range: bytes 100-199/" + v2.length,
                                "Content-Length: 100"));
                        out.write(v2, 100, 100);
                    }
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            HttpStore.ByteRange whole = store.getRange("v", 100, 100, "\"v1\"").block();
            assertThat(whole.isWholeObject()).isTrue();
            assertThat(whole.version()).isEqualTo("\"v2\"");
            assertThat(bytes(whole.bytes())).isEqualTo(v2);
            HttpStore.ByteRange ignored =
                    store.getRange("v", 100, 100, "\"v1\"").block();
            assertThat(ignored.isWholeObject()).isFalse();
            assertThat(ignored.version()).isEqualTo("\"v2\"");
            assertThat(server.requests()).extracting(r -> r.header("if-range")).containsExactly("\"v1\"", "\"v1\"");
        }
    }

    @Test
    void aReadBoundedToOneByteTakesAOneByteObjectAndNoBoundBelowOneIsAccepted() throws Exception {
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    out.write(ScriptedServer.head("200 OK", "Content-Length: 1"));
                    out.write('x');
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(bytes(store.read("one.bin", 1))).isEqualTo(new byte[] {'x'});
            assertThatThrownBy(() -> store.read("one.bin", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxBytes >= 1 required but was 0");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aRangeSentWithAContentEncodingIsRefusedNamingItAndAnIdentityCodingIsTheObjectsOwnBytes() throws Exception {
        byte[] v = random(1000, 22);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    String coding = req.target().equals("/gzip.bin") ? "gzip" : " Identity ";
                    out.write(ScriptedServer.head(
                            "206 Partial Content",
                            "Content-Encoding: " + coding,
                            "Content-Range: bytes 100-199/" + v.length,
                            "Content-Length: 100"));
                    out.write(v, 100, 100);
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            assertThatThrownBy(() -> store.getRange("gzip.bin", 100, 100).block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessage("http://127.0.0.1:" + server.port() + "/gzip.bin: the server sent the body with "
                            + "Content-Encoding 'gzip', not the object's own bytes (identity was asked for)");
            assertThat(bytes(store.getRange("identity.bin", 100, 100).block().bytes()))
                    .isEqualTo(Arrays.copyOfRange(v, 100, 200));
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void anAnswerThatIsNotHttpIsRetriedOnANewConnectionAndNamedShortInTheFailure() throws Exception {
        byte[] v = random(1000, 23);
        String garbage = "NOT-HTTP-" + "x".repeat(200) + " 200 OK" + "\r\n\r\n";
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    if (req.target().equals("/once.bin") && req.n() > 1) {
                        out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                        out.write(v);
                        return true;
                    }
                    out.write(garbage.getBytes(StandardCharsets.US_ASCII));
                    return false;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(bytes(store.get("once.bin").block())).isEqualTo(v);
            assertThat(server.requests()).hasSize(2);
            assertThatThrownBy(() -> store.get("always.bin").block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessageStartingWith("http://127.0.0.1:" + server.port()
                            + "/always.bin: failed after 3 attempts; last: the answer is not HTTP (")
                    .hasMessageMatching("(?s).*\\(.{1,80}\\.\\.\\.\\)$");
            assertThat(server.requests()).hasSize(5);
        }
    }

    @Test
    void aRangeAnsweredWithOtherBytesThanAskedIsFetchedWholeAndCutOut() throws Exception {
        byte[] v = random(10_000, 24);
        // each answers bytes=1000-1099 with a 206 that is not those bytes (its body is what its head says), then 200
        String[][] wrong = {
            {"bytes 999-1098/10000", "100"}, // one byte early
            {"bytes 999-1099/10000", "101"}, // from one byte early to the right end
            {"bytes 1001-1100/10000", "100"}, // one byte late
            {"bytes 1000-1098/10000", "99"}, // one byte short
            {"bytes 1000-1100/10000", "101"}, // one byte long
            {"bytes 1000-1099/10000", "99"}, // a length that is not the range's
            {"bytes 1000-1098/*", "99"}, // one byte short, of an object of unstated size
        };
        for (String[] w : wrong) {
            try (ScriptedServer server = new ScriptedServer((req, out) -> {
                        if (req.header("Range") == null) {
                            out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                            out.write(v);
                            return true;
                        }
                        ContentRange r = ContentRange.parse(w[0]);
                        out.write(ScriptedServer.head(
                                "206 Partial Content", "Content-Range: " + w[0], "Content-Length: " + w[1]));
                        out.write(v, (int) r.start(), Integer.parseInt(w[1]));
                        return true;
                    });
                    HttpStore store = open(server, options().build())) {
                HttpStore.ByteRange got = store.getRange("r.bin", 1000, 100).block();
                assertThat(bytes(got.bytes())).as(w[0]).isEqualTo(Arrays.copyOfRange(v, 1000, 1100));
                assertThat(server.requests())
                        .extracting(q -> q.header("Range"))
                        .as(w[0])
                        .containsExactly("bytes=1000-1099", null);
            }
        }
    }

    @Test
    void aRangeBegunWithA206AndRetriedWholeByAServerIgnoringRangeIsCutOutOfTheWholeObject() throws Exception {
        // a load balancer whose second server ignores Range: the range's reservation does not fit the whole object,
        // whose size did not change
        byte[] v = random(10_000, 25);
        for (String etag : new String[] {"ETag: \"v1\"", "ETag: W/\"v1\"", "X-No-Validator: 1"}) {
            for (int cutAfter : new int[] {0, 40}) {
                try (ScriptedServer server = new ScriptedServer((req, out) -> {
                            if (req.n() == 1) {
                                out.write(ScriptedServer.head(
                                        "206 Partial Content",
                                        etag,
                                        "Content-Range: bytes 1000-1099/10000",
                                        "Content-Length: 100"));
                                out.write(v, 1000, cutAfter);
                                return false;
                            }
                            out.write(ScriptedServer.head("200 OK", etag, "Content-Length: " + v.length));
                            out.write(v);
                            return true;
                        });
                        HttpStore store = open(server, options().build())) {
                    HttpStore.ByteRange got = store.getRange("r.bin", 1000, 100).block();
                    assertThat(bytes(got.bytes()))
                            .as(etag + ", cut after " + cutAfter)
                            .isEqualTo(Arrays.copyOfRange(v, 1000, 1100));
                    assertThat(got.offset()).isEqualTo(1000);
                    assertThat(got.objectSize()).isEqualTo(10_000);
                    assertThat(server.requests()).hasSize(2);
                }
            }
        }
    }

    @Test
    void aOneByteRangeAndARangeEndingTheObjectAreTakenAsSent() throws Exception {
        byte[] v = random(10_000, 25);
        try (ScriptedServer server = ScriptedServer.serving(write("r.bin", v), "404 Not Found", true);
                HttpStore store = open(server, options().build())) {
            HttpStore.ByteRange one = store.getRange("r.bin", 1000, 1).block();
            assertThat(bytes(one.bytes())).isEqualTo(new byte[] {v[1000]});
            assertThat(one.objectSize()).isEqualTo(v.length);
            HttpStore.ByteRange last = store.getRange("r.bin", 9000, 1000).block();
            assertThat(bytes(last.bytes())).isEqualTo(Arrays.copyOfRange(v, 9000, 10_000));
            assertThat(server.requests())
                    .extracting(q -> q.header("Range"))
                    .containsExactly("bytes=1000-1000", "bytes=9000-9999");
        }
    }

    /** Writes {@code body} as {@code name} under a new directory, which it returns. */
    private Path write(String name, byte[] body) throws java.io.IOException {
        Path d = java.nio.file.Files.createDirectories(temp.resolve("served"));
        java.nio.file.Files.write(d.resolve(name), body);
        return d;
    }

    @Test
    void aBodyWithoutALengthEndingShortOfTheLengthAnEarlierAttemptStatedIsRetried() throws Exception {
        byte[] v = random(10_000, 26);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    switch (req.n()) {
                        case 1 -> { // stated, then cut: no validators, so the next attempt starts over
                            out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                            out.write(v, 0, 3000);
                        }
                        case 2 -> { // no length, delimited by the close: ends after 5000 of the 10000 bytes
                            out.write(ScriptedServer.head("200 OK", "Connection: close"));
                            out.write(v, 0, 5000);
                        }
                        default -> {
                            out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                            out.write(v);
                            return true;
                        }
                    }
                    return false;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(bytes(store.get("v.bin").block())).isEqualTo(v);
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void aResumeAnsweredWith416IsRetriedWithoutRange() throws Exception {
        byte[] v = random(10_000, 27);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    if (req.n() == 1) {
                        out.write(ScriptedServer.head("200 OK", "ETag: \"1\"", "Content-Length: " + v.length));
                        out.write(v, 0, 3000);
                        return false;
                    }
                    if (req.header("Range") != null) {
                        out.write(ScriptedServer.head(
                                "416 Range Not Satisfiable",
                                "Content-Range: bytes */" + v.length,
                                "Content-Length: 0"));
                        return true;
                    }
                    out.write(ScriptedServer.head("200 OK", "ETag: \"1\"", "Content-Length: " + v.length));
                    out.write(v);
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(bytes(store.get("v.bin").block())).isEqualTo(v);
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly(null, "bytes=3000-", null);
        }
    }

    /** When a range's resume is refused to the last attempt, the failure names the bytes the resume asked for. */
    @Test
    void aRangesResumeRefusedUntilTheAttemptsRunOutIsNamedByItsBytes() throws Exception {
        byte[] v = random(10_000, 31);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    if (req.n() == 1) { // bytes 1000-5999 asked: 2000 of them sent, then the connection is cut
                        out.write(ScriptedServer.head(
                                "206 Partial Content",
                                "ETag: \"1\"",
                                "Content-Range: bytes 1000-5999/" + v.length,
                                "Content-Length: 5000"));
                        out.write(v, 1000, 2000);
                        return false;
                    }
                    out.write(ScriptedServer.head(
                            "416 Range Not Satisfiable", "Content-Range: bytes */" + v.length, "Content-Length: 0"));
                    return true;
                });
                HttpStore store = open(server, options().maxAttempts(2).build())) {
            assertThatThrownBy(() -> store.getRange("v.avi", 1000, 5000).block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("HTTP 416 for bytes=3000-");
            assertThat(server.requests())
                    .extracting(q -> q.header("Range"))
                    .containsExactly("bytes=1000-5999", "bytes=3000-5999");
        }
    }

    @Test
    void anObjectWithAWeakETagReplacedByOneOfAnotherSizeAfterACutIsFetchedWhole() throws Exception {
        // a weak ETag cannot key a resume (If-Range takes a strong one), so the second attempt starts over from byte 0;
        // its ETag says the object is another version now, which is then delivered whole, as with a strong ETag
        byte[] v1 = random(10_000, 28);
        byte[] v2 = random(12_000, 29);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    boolean old = req.n() == 1;
                    byte[] v = old ? v1 : v2;
                    out.write(ScriptedServer.head(
                            "200 OK", "ETag: W/\"" + (old ? 1 : 2) + "\"", "Content-Length: " + v.length));
                    out.write(v, 0, old ? 3000 : v.length);
                    return !old;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(version(store.get("v.avi").block(), v1, v2)).isEqualTo("v2");
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly(null, null);
        }
    }

    @Test
    void aRangePastTheEndOfAnObjectSentWholeFailsNamingTheBytesAndTheSize() throws Exception {
        byte[] v = random(1000, 30);
        try (ScriptedServer server = new ScriptedServer((req, out) -> { // ignores Range
                    out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                    out.write(v);
                    return true;
                });
                HttpStore store = open(server, options().build())) {
            assertThatThrownBy(() -> store.getRange("v.bin", 900, 200).block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessage("http://127.0.0.1:" + server.port()
                            + "/v.bin: bytes 900-1099 are not in the 1000-byte object");
            assertThat(bytes(store.getRange("v.bin", 900, 100).block().bytes()))
                    .isEqualTo(Arrays.copyOfRange(v, 900, 1000));
        }
    }

    @Test
    void anObjectWithoutValidatorsCutMidwayWhoseSizeThenChangesComesWholeAsTheNewVersion() throws Exception {
        // nothing but the size tells its versions apart: the retry starts from byte 0 and keeps nothing of the old
        // version, so the new one is delivered whole (it used to fail "the object's size changed between attempts")
        byte[] v1 = random(10_000, 31);
        byte[] v2 = random(12_000, 32);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
                    boolean old = req.n() == 1;
                    byte[] v = old ? v1 : v2;
                    out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                    out.write(v, 0, old ? 3000 : v.length);
                    return !old;
                });
                HttpStore store = open(server, options().build())) {
            assertThat(version(store.get("v.bin").block(), v1, v2)).isEqualTo("v2");
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly(null, null);
        }
    }

    @Test
    void aRangeWithoutValidatorsCutMidwayWhoseObjectThenChangesSizeIsTheNewVersionsRangeWithItsSize() throws Exception {
        // the caller tells the versions apart by the size the range names (a video's layout is of one size)
        byte[] v1 = random(10_000, 33);
        byte[] v2 = random(12_000, 34);
        for (boolean ignoresRange : new boolean[] {false, true}) {
            try (ScriptedServer server = new ScriptedServer((req, out) -> {
                        boolean old = req.n() == 1;
                        byte[] v = old ? v1 : v2;
                        if (ignoresRange && !old) {
                            out.write(ScriptedServer.head("200 OK", "Content-Length: " + v.length));
                            out.write(v);
                            return true;
                        }
                        out.write(ScriptedServer.head(
                                "206 Partial Content",
                                "Content-Range: bytes 1000-1999/" + v.length,
                                "Content-Length: 1000"));
                        out.write(v, 1000, old ? 300 : 1000);
                        return !old;
                    });
                    HttpStore store = open(server, options().build())) {
                HttpStore.ByteRange got = store.getRange("v.bin", 1000, 1000).block();
                assertThat(bytes(got.bytes()))
                        .as("ignores Range: " + ignoresRange)
                        .isEqualTo(Arrays.copyOfRange(v2, 1000, 2000));
                assertThat(got.offset()).isEqualTo(1000);
                assertThat(got.objectSize()).isEqualTo(12_000);
                assertThat(got.version()).isNull();
                assertThat(server.requests()).hasSize(2);
            }
        }
    }
}
