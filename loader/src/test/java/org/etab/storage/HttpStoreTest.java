package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.etab.storage.FaultProxy.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** HttpStore against a real nginx on loopback, behind a fault-injecting relay (no mocks of the client). */
@Timeout(120)
class HttpStoreTest {
    private static final int BIG = 3_000_000;
    private static Path dir;
    private static Nginx nginx;
    private static FaultProxy proxy;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        dir = Files.createTempDirectory("etab-nginx");
        nginx = new Nginx(dir);
        Files.createDirectories(nginx.root().resolve("data"));
        write("big.bin", BIG, 1);
        write("small.bin", 10_000, 2);
        proxy = new FaultProxy(nginx.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    private static byte[] write(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.write(nginx.root().resolve("data").resolve(name), b);
        return b;
    }

    private static byte[] content(String name) throws IOException {
        return Files.readAllBytes(nginx.root().resolve("data").resolve(name));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static URI root() {
        return URI.create("http://127.0.0.1:" + proxy.port() + "/data");
    }

    private static HttpStoreOptions fast() {
        return HttpStoreOptions.builder()
                .maxAttempts(5)
                .backoff(Duration.ofMillis(20))
                .requestTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void aBodyCutMidwayIsResumedWithRangeAndArrivesIntact() throws Exception {
        byte[] expected = write("cut.bin", BIG, 3);
        proxy.script("/data/cut.bin", Fault.cutAfter(1_000_000), Fault.cutAfter(500_000));
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThat(bytes(store.read("cut.bin"))).isEqualTo(expected);
        }
        List<String> lines = nginx.awaitLines("/data/cut.bin", l -> l.size() >= 3);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(" 200 \"-\"");
        assertThat(lines.get(1)).contains(" 206 \"bytes=1000000-\"");
        assertThat(lines.get(2)).contains(" 206 \"bytes=1500000-\" " + (BIG - 1_500_000));
        assertThat(proxy.requests("/data/cut.bin"))
                .extracting(r -> r.header("range"))
                .containsExactly(null, "bytes=1000000-", "bytes=1500000-");
    }

    @Test
    void aServerIgnoringRangeSendsTheWholeObjectAgain() throws Exception {
        byte[] expected = write("norange.bin", 2_000_000, 4);
        proxy.script("/data/norange.bin", Fault.cutAfter(700_000), Fault.stripRange());
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThat(bytes(store.read("norange.bin"))).isEqualTo(expected);
        }
        assertThat(proxy.requests("/data/norange.bin"))
                .extracting(r -> r.header("range"))
                .containsExactly(null, "bytes=700000-");
        assertThat(nginx.awaitLines("/data/norange.bin", l -> l.size() >= 2))
                .allSatisfy(l -> assertThat(l).contains(" 200 \"-\""));
    }

    @Test
    void aRangeIsFetchedWithOneRangeRequest() throws Exception {
        byte[] expected = write("range.bin", BIG, 5);
        try (HttpStore store = HttpStore.open(root(), fast())) {
            HttpStore.ByteRange r =
                    store.getRange("range.bin", 123_456, 200_000).block();
            assertThat(r.offset()).isEqualTo(123_456);
            assertThat(r.objectSize()).isEqualTo(BIG);
            assertThat(bytes(r.bytes())).isEqualTo(java.util.Arrays.copyOfRange(expected, 123_456, 323_456));
        }
        assertThat(proxy.requests("/data/range.bin"))
                .extracting(r -> r.header("range"))
                .containsExactly("bytes=123456-323455");
        assertThat(nginx.awaitLines("/data/range.bin", l -> l.size() >= 1).get(0))
                .contains(" 206 ");
    }

    @Test
    void aRangeCutMidwayIsResumedInsideTheRange() throws Exception {
        byte[] expected = write("rangecut.bin", BIG, 6);
        proxy.script("/data/rangecut.bin", Fault.cutAfter(300_000));
        try (HttpStore store = HttpStore.open(root(), fast())) {
            HttpStore.ByteRange r =
                    store.getRange("rangecut.bin", 1_000_000, 1_000_000).block();
            assertThat(bytes(r.bytes())).isEqualTo(java.util.Arrays.copyOfRange(expected, 1_000_000, 2_000_000));
        }
        assertThat(proxy.requests("/data/rangecut.bin"))
                .extracting(r -> r.header("range"))
                .containsExactly("bytes=1000000-1999999", "bytes=1300000-1999999");
    }

    @Test
    void aServerIgnoringRangeStillYieldsExactlyTheRange() throws Exception {
        byte[] expected = write("rangeless.bin", 1_000_000, 7);
        proxy.script("/data/rangeless.bin", Fault.stripRange());
        try (HttpStore store = HttpStore.open(root(), fast())) {
            HttpStore.ByteRange r =
                    store.getRange("rangeless.bin", 999_000, 1_000).block();
            assertThat(r.objectSize()).isEqualTo(1_000_000);
            assertThat(bytes(r.bytes())).isEqualTo(java.util.Arrays.copyOfRange(expected, 999_000, 1_000_000));
        }
        assertThat(nginx.awaitLines("/data/rangeless.bin", l -> l.size() >= 1).get(0))
                .contains(" 200 \"-\"");
    }

    @Test
    void aRangePastTheEndFailsNamingTheUrlAndTheBytes() {
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThatThrownBy(() -> store.getRange("small.bin", 20_000, 100).block())
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("/data/small.bin")
                    .hasMessageContaining("416")
                    .hasMessageContaining("20000-20099");
        }
    }

    @Test
    void notFoundFailsAtOnceNamingTheUrlAndTheStatus() {
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThatThrownBy(() -> store.read("missing.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining(root() + "/missing.bin")
                    .hasMessageContaining("404")
                    .satisfies(e -> {
                        assertThat(((RemoteException) e).status()).isEqualTo(404);
                        assertThat(((RemoteException) e).attempts()).isEqualTo(1);
                    });
        }
        assertThat(proxy.requests("/data/missing.bin")).hasSize(1);
    }

    @Test
    void unavailableTwiceThenOkSucceeds() throws Exception {
        byte[] expected = write("flaky.bin", 50_000, 5);
        proxy.script("/data/flaky.bin", Fault.status(503), Fault.status(503));
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThat(bytes(store.read("flaky.bin"))).isEqualTo(expected);
        }
        assertThat(proxy.requests("/data/flaky.bin")).hasSize(3);
        assertThat(nginx.awaitLines("/data/flaky.bin", l -> !l.isEmpty())).hasSize(1);
    }

    @Test
    void aServerThatAlwaysFailsExhaustsTheAttemptsAndSaysSo() throws Exception {
        write("down.bin", 1000, 6);
        proxy.always("/data/down.bin", Fault.status(503));
        try (HttpStore store = HttpStore.open(
                root(),
                fast().toBuilder().maxAttempts(3).backoff(Duration.ofMillis(10)).build())) {
            assertThatThrownBy(() -> store.read("down.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining(root() + "/down.bin")
                    .hasMessageContaining("after 3 attempts")
                    .hasMessageContaining("503");
        }
        assertThat(proxy.requests("/data/down.bin")).hasSize(3);
    }

    @Test
    void connectionsDroppedBeforeTheHeadersAreRetried() throws Exception {
        byte[] expected = write("dropped.bin", 20_000, 7);
        proxy.script("/data/dropped.bin", Fault.dropBeforeHeaders(), Fault.dropBeforeHeaders());
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThat(bytes(store.read("dropped.bin"))).isEqualTo(expected);
        }
        assertThat(proxy.requests("/data/dropped.bin")).hasSize(3);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws Exception {
        URI nobody = URI.create("http://127.0.0.1:" + Nginx.freePort() + "/data");
        try (HttpStore store = HttpStore.open(
                nobody,
                fast().toBuilder().maxAttempts(2).backoff(Duration.ofMillis(10)).build())) {
            assertThatThrownBy(() -> store.read("x.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining(nobody + "/x.bin")
                    .hasMessageContaining("after 2 attempts; last: Connection refused")
                    .hasMessageNotContaining("io.netty")
                    .hasMessageNotContaining("failed with error")
                    .hasRootCauseInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aTimeoutTriggersARetry() throws Exception {
        byte[] expected = write("slow.bin", 30_000, 8);
        proxy.script("/data/slow.bin", Fault.delay(3000));
        try (HttpStore store = HttpStore.open(
                root(),
                fast().toBuilder().requestTimeout(Duration.ofMillis(500)).build())) {
            assertThat(bytes(store.read("slow.bin"))).isEqualTo(expected);
        }
        assertThat(proxy.requests("/data/slow.bin")).hasSize(2);
    }

    @Test
    void aBodyTrickledByteByByteFailsTheReadAtItsDeadlineNamingTheUrl() throws Exception {
        // each byte comes well within requestTimeout: only the read's overall deadline ends it
        // 3 s, not less: the JVM's first request (Netty's classes and native transport) can take a second
        HttpStoreOptions deadline = fast().toBuilder()
                .requestTimeout(Duration.ofSeconds(10))
                .readDeadline(Duration.ofSeconds(3))
                .build();
        for (HttpStoreOptions options : List.of(
                deadline,
                deadline.toBuilder().cacheDir(temp).cacheMaxBytes(10 << 20).build())) {
            try (TricklingServer trickle = new TricklingServer(1_000_000, Duration.ofMillis(100));
                    HttpStore store = HttpStore.open(
                            URI.create("http://127.0.0.1:" + trickle.port() + "/data?sig=secret"), options)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> store.read("FileList.csv"))
                        .isInstanceOf(RemoteException.class)
                        .hasMessageStartingWith("http://127.0.0.1:" + trickle.port()
                                + "/data/FileList.csv?...: not received within the read deadline of 3 s"
                                + " (HttpStoreOptions.readDeadline): ")
                        .hasMessageMatching(".*: [1-9]\\d? of 1000000 bytes received in 1 attempt; .*")
                        .hasMessageNotContaining("secret");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as("failed after %d ms", millis).isBetween(2_900L, 15_000L);
                assertThat(trickle.awaitHangUp(Duration.ofSeconds(10)))
                        .as("the request is abandoned, not left trickling")
                        .isTrue();
                assertThat(trickle.targets()).containsExactly("/data/FileList.csv?sig=secret");
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while ((store.requestsInFlight() > 0 || store.bytesInFlight() > 0) && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(store.requestsInFlight()).isZero();
                assertThat(store.bytesInFlight()).isZero();
            }
        }
    }

    @Test
    void theReadDeadlineCoversRetriesAndTheirBackoff() throws Exception {
        write("always-down.bin", 1000, 12);
        proxy.always("/data/always-down.bin", Fault.status(503));
        try (HttpStore store = HttpStore.open(
                root(),
                fast().toBuilder()
                        .maxAttempts(50)
                        .backoff(Duration.ofMillis(200))
                        .readDeadline(Duration.ofSeconds(3))
                        .build())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.read("always-down.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageStartingWith(root()
                            + "/always-down.bin: not received within the read deadline of 3 s"
                            + " (HttpStoreOptions.readDeadline): 0 of ")
                    .satisfies(e -> assertThat(((RemoteException) e).attempts()).isBetween(2, 10));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("failed after %d ms", millis).isBetween(2_900L, 15_000L);
        }
    }

    @Test
    void headersAndTheRootsQueryReachTheServerOnEveryRequest() throws Exception {
        byte[] expected = write("signed.bin", 1_500_000, 9);
        proxy.script("/data/signed.bin", Fault.cutAfter(400_000));
        URI signed = URI.create(root() + "?X-Sig=ab%2Fcd&x=1");
        try (HttpStore store = HttpStore.open(
                signed,
                fast().toBuilder()
                        .headers(Map.of("Authorization", "Bearer tok-123"))
                        .build())) {
            assertThat(store.uri("signed.bin").toString()).isEqualTo(root() + "/signed.bin?X-Sig=ab%2Fcd&x=1");
            assertThat(bytes(store.read("signed.bin"))).isEqualTo(expected);
        }
        List<String> lines = nginx.awaitLines("/data/signed.bin", l -> l.size() >= 2);
        assertThat(lines)
                .hasSize(2)
                .allSatisfy(l -> assertThat(l)
                        .startsWith("/data/signed.bin?X-Sig=ab%2Fcd&x=1 ")
                        .endsWith("\"Bearer tok-123\""));
        assertThat(lines.get(1)).contains(" 206 \"bytes=400000-\"");
    }

    @Test
    void requestsInProgressNeverExceedMaxConcurrency() throws Exception {
        int n = 16;
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(write("conc" + i + ".bin", 200_000, 100 + i));
            proxy.script("/data/conc" + i + ".bin", Fault.delay(150)); // so that requests overlap
        }
        proxy.countOnly("/data/conc");
        int openBefore = proxy.maxOpenConnections();
        try (HttpStore store =
                HttpStore.open(root(), fast().toBuilder().maxConcurrency(3).build())) {
            List<byte[]> got = Flux.range(0, n)
                    .flatMapSequential(i -> store.get("conc" + i + ".bin"), n) // all subscribed at once
                    .map(HttpStoreTest::bytes)
                    .collectList()
                    .block(Duration.ofSeconds(60));
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(store.requestsInFlight()).isZero();
            assertThat(store.peakRequestsInFlight()).isEqualTo(3);
        }
        assertThat(proxy.maxActive()).isBetween(2, 3);
        // the pool's bound: at most 3 connections, plus any an earlier test left closing
        assertThat(proxy.maxOpenConnections()).isLessThanOrEqualTo(3 + openBefore);
    }

    @Test
    void responsesAreReadOnTheStoresOwnEventLoopsAndNoMoreOfThemThanAsked() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (HttpStore store = HttpStore.open(
                root(), fast().toBuilder().ioThreads(2).maxConcurrency(8).build())) {
            long total = Flux.range(0, 40)
                    .flatMap(
                            i -> store.getRange("big.bin", i * 1000L, 50_000)
                                    .doOnNext(r ->
                                            threads.add(Thread.currentThread().getName())),
                            8)
                    .map(r -> (long) r.bytes().remaining())
                    .reduce(0L, Long::sum)
                    .block(Duration.ofSeconds(60));
            assertThat(total).isEqualTo(40 * 50_000L);
        }
        assertThat(threads).isNotEmpty().hasSizeLessThanOrEqualTo(2).allMatch(n -> n.startsWith("etab-http"));
        assertThatThrownBy(() -> fast().toBuilder().ioThreads(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ioThreads");
    }

    @Test
    void bytesInFlightNeverExceedTheBound() throws Exception {
        int n = 12;
        int size = 1_000_000;
        long bound = 2_500_000;
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(write("m" + i + ".bin", size, 200 + i));
        }
        try (HttpStore store = HttpStore.open(
                root(),
                fast().toBuilder()
                        .maxConcurrency(8)
                        .maxObjectBytes(1L << 30)
                        .maxBytesInFlight(bound)
                        .build())) {
            List<byte[]> got = Flux.range(0, n)
                    .flatMapSequential(i -> store.get("m" + i + ".bin").map(HttpStoreTest::bytes), n)
                    .collectList()
                    .block(Duration.ofSeconds(60));
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(store.peakBytesInFlight()).isBetween((long) size, bound);
            assertThat(store.bytesInFlight()).isZero();
            assertThat(store.requestsInFlight()).isZero();
        }
    }

    @Test
    void cancelledGetsReturnTheirReservations() throws Exception {
        write("cancel.bin", BIG, 10);
        proxy.always("/data/cancel.bin", Fault.delay(1000));
        try (HttpStore store = HttpStore.open(
                root(),
                fast().toBuilder()
                        .maxConcurrency(2)
                        .maxObjectBytes(1L << 30)
                        .maxBytesInFlight(BIG)
                        .build())) {
            List<Disposable> running = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                running.add(store.get("cancel.bin").subscribe());
            }
            // the two the cap lets through are in flight once they are sent (a loaded machine may take a while)
            long sent = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.requestsInFlight() < 2 && System.nanoTime() < sent) {
                Thread.sleep(20);
            }
            Thread.sleep(300); // time for a third to go out, were the cap not kept (the answers take 1 s)
            assertThat(store.requestsInFlight()).isEqualTo(2);
            running.forEach(Disposable::dispose);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((store.requestsInFlight() > 0 || store.bytesInFlight() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(store.requestsInFlight()).isZero();
            assertThat(store.bytesInFlight()).isZero();
        }
    }

    @Test
    void anObjectAboveTheCapIsRefusedNamingItsUrl() {
        try (HttpStore store = HttpStore.open(
                root(),
                fast().toBuilder()
                        .maxObjectBytes(1_000_000)
                        .maxBytesInFlight(2_000_000)
                        .build())) {
            assertThatThrownBy(() -> store.read("big.bin"))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining(root() + "/big.bin")
                    .hasMessageContaining(BIG + " bytes, above maxObjectBytes 1000000");
            assertThat(store.bytesInFlight()).isZero();
        }
    }

    @Test
    void redirectsAreFollowed() throws Exception { // the rules: HttpStoreRedirectTest
        try (HttpStore store = HttpStore.open(root(), fast())) {
            assertThat(bytes(store.read("moved.bin"))).isEqualTo(content("small.bin"));
        }
    }

    @Test
    void theCacheServesLaterReadsWithoutARequestAndEvictsTheLeastRecentlyUsed() throws Exception {
        int size = 1_000_000;
        byte[] k1 = write("k1.bin", size, 301);
        byte[] k2 = write("k2.bin", size, 302);
        byte[] k3 = write("k3.bin", size, 303);
        long bound = (long) (2.5 * (size + DiskCache.HEADER));
        Path cacheDir = temp.resolve("cache");
        HttpStoreOptions options =
                fast().toBuilder().cacheDir(cacheDir).cacheMaxBytes(bound).build();
        try (HttpStore store = HttpStore.open(root(), options)) {
            assertThat(bytes(store.read("k1.bin"))).isEqualTo(k1);
            assertThat(bytes(store.read("k1.bin"))).isEqualTo(k1);
            assertThat(bytes(store.read("k2.bin"))).isEqualTo(k2);
            assertThat(bytes(store.read("k3.bin"))).isEqualTo(k3); // k1, least recently used, goes
            assertThat(store.cache().totalBytes()).isLessThanOrEqualTo(bound);
            assertThat(sizeOf(cacheDir.resolve(CacheDirectory.SUBDIR))).isLessThanOrEqualTo(bound);
        }
        try (HttpStore store = HttpStore.open(root(), options)) { // a new store: the cache is on disk
            assertThat(bytes(store.read("k3.bin"))).isEqualTo(k3);
            assertThat(bytes(store.read("k2.bin"))).isEqualTo(k2);
            assertThat(bytes(store.read("k1.bin"))).isEqualTo(k1);
            assertThat(bytes(store.read("k2.bin"))).isEqualTo(k2); // revalidated already: no request
        }
        // k1 fetched twice (first read, after eviction); k2 and k3 once, then revalidated once by the new store
        assertThat(nginx.awaitLines("/data/k1.bin", l -> l.size() >= 2))
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).contains(" 200 \"-\" " + size + " "));
        assertThat(nginx.awaitLines("/data/k2.bin", l -> l.size() >= 2))
                .hasSize(2)
                .last()
                .asString()
                .contains(" 304 \"-\" 0 ");
        assertThat(nginx.awaitLines("/data/k3.bin", l -> l.size() >= 2))
                .hasSize(2)
                .last()
                .asString()
                .contains(" 304 \"-\" 0 ");
    }

    @Test
    void aCorruptCacheFileIsNeverServed() throws Exception {
        byte[] expected = write("corrupt.bin", 100_000, 400);
        Path cacheDir = temp.resolve("cache");
        HttpStoreOptions options =
                fast().toBuilder().cacheDir(cacheDir).cacheMaxBytes(10_000_000).build();
        try (HttpStore store = HttpStore.open(root(), options)) {
            store.read("corrupt.bin");
        }
        Path cached;
        try (var files = Files.list(cacheDir.resolve(CacheDirectory.SUBDIR))) {
            cached =
                    files.filter(f -> f.toString().endsWith(".obj")).findFirst().orElseThrow();
        }
        byte[] raw = Files.readAllBytes(cached);
        raw[raw.length / 2] ^= 1;
        Files.write(cached, raw); // same size, one bit flipped
        try (HttpStore store = HttpStore.open(root(), options)) {
            // revalidated (304: same object), then found corrupt on reading and fetched again
            assertThat(bytes(store.read("corrupt.bin"))).isEqualTo(expected);
            Files.write(cached, java.util.Arrays.copyOf(Files.readAllBytes(cached), 5000)); // truncated
            assertThat(bytes(store.read("corrupt.bin"))).isEqualTo(expected);
        }
        assertThat(nginx.awaitLines("/data/corrupt.bin", l -> l.size() >= 4))
                .extracting(l -> l.split(" ")[1])
                .containsExactly("200", "304", "200", "200");
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
