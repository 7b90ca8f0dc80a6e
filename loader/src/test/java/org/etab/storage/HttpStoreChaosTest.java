package org.etab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The store against a server that keeps HTTP's rules for ranges and validators but fails at random (a body cut
 * short, a connection dropped, 503, a delay, Range ignored, If-Range ignored as a broken cache does) while its
 * objects are replaced by new versions, as a property test: whatever happens, every read delivers the bytes of one
 * version of its object (whole, or the range asked for), names that version truthfully, and otherwise fails only
 * once its attempts are spent. Each trial is a pure function of its seed; a failure names the seed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HttpStoreChaosTest {
    private static final int TRIALS = Integer.getInteger("etab.chaos.trials", 12);
    private static final int MAX_ATTEMPTS = 12;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final ZonedDateTime EPOCH = ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    /** What names an object's versions on the wire. */
    private enum Naming {
        STRONG_ETAG,
        WEAK_ETAG,
        LAST_MODIFIED,
        ETAG_AND_DATE,
        NONE
    }

    /** What the server does to one request besides answering it. */
    private enum Fault {
        NONE,
        CUT,
        DROP,
        UNAVAILABLE,
        DELAY,
        IGNORE_RANGE,
        IGNORE_IF_RANGE
    }

    /** The faults by weight: cuts, and If-Range ignored, make the resumes whose versions could mix. */
    private static final List<Fault> FAULTS = List.of(
            Fault.CUT,
            Fault.CUT,
            Fault.CUT,
            Fault.DROP,
            Fault.UNAVAILABLE,
            Fault.DELAY,
            Fault.IGNORE_RANGE,
            Fault.IGNORE_IF_RANGE,
            Fault.IGNORE_IF_RANGE,
            Fault.IGNORE_IF_RANGE);

    /** One object: its versions, in the order the server serves them, and how they are named. */
    private static final class Obj {
        final String path;
        final byte[][] versions;
        final Naming naming;
        final AtomicInteger current = new AtomicInteger();

        Obj(String path, byte[][] versions, Naming naming) {
            this.path = path;
            this.versions = versions;
            this.naming = naming;
        }

        String etag(int v) {
            return switch (naming) {
                case STRONG_ETAG, ETAG_AND_DATE -> "\"" + path + "-" + v + "\"";
                case WEAK_ETAG -> "W/\"" + path + "-" + v + "\"";
                default -> null;
            };
        }

        String date(int v) {
            return naming == Naming.LAST_MODIFIED || naming == Naming.ETAG_AND_DATE
                    ? DateTimeFormatter.RFC_1123_DATE_TIME.format(EPOCH.plusDays(v))
                    : null;
        }

        /** The version's name as {@code If-Range} takes it (strong ETag, else date), as ByteRange.version() says. */
        String ifRange(int v) {
            String etag = etag(v);
            return etag != null && !etag.startsWith("W/") ? etag : date(v);
        }

        int minSize() {
            return Arrays.stream(versions).mapToInt(b -> b.length).min().orElseThrow();
        }
    }

    @TempDir
    Path temp;

    @Test
    void everyReadIsOneVersionsBytesNamedTruly() throws Exception {
        long base = Long.getLong("etab.chaos.seed", 20261206L);
        for (int i = 0; i < TRIALS; i++) {
            long seed = base + i;
            try {
                trial(seed, temp);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
        }
    }

    private static void trial(long seed, Path temp) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Obj> objects = new ConcurrentHashMap<>();
        for (int o = 0; o < 4; o++) {
            int versions = r.nextInt(8) == 0 ? 1 : r.nextInt(2, 5);
            boolean sameSize = r.nextBoolean();
            int size = r.nextInt(1, 40_000);
            byte[][] v = new byte[versions][];
            for (int k = 0; k < versions; k++) {
                v[k] = HttpStoreHostileServerTest.random(sameSize ? size : r.nextInt(1, 40_000), r.nextLong());
            }
            String path = "o" + o;
            objects.put(path, new Obj(path, v, Naming.values()[r.nextInt(Naming.values().length)]));
        }
        double faultRate = r.nextDouble(0.2, 0.6);
        double replaceRate = r.nextDouble(0.05, 0.3);
        AtomicBoolean frozen = new AtomicBoolean();
        Path cacheDir = r.nextBoolean() ? Files.createDirectory(temp.resolve("cache-" + seed)) : null;
        long cacheMaxBytes = r.nextLong(30_000, 400_000); // a few objects: eviction, entries replaced
        try (ScriptedServer server = new ScriptedServer(
                (req, out) -> answer(objects, seed, faultRate, frozen.get() ? 0 : replaceRate, req, out))) {
            // a run while the objects keep changing, then (on the same cache) one after a last change
            for (int run = 0; run < 2; run++) {
                if (run == 1) {
                    frozen.set(true);
                    objects.values().forEach(o -> o.current.updateAndGet(v -> (v + 1) % o.versions.length));
                }
                HttpStoreOptions.Builder options = HttpStoreOptions.builder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .backoff(Duration.ofMillis(1))
                        .requestTimeout(Duration.ofSeconds(2))
                        .maxConcurrency(1 + r.nextInt(4));
                if (cacheDir != null) {
                    options.cacheDir(cacheDir).cacheMaxBytes(cacheMaxBytes);
                }
                try (HttpStore store =
                        HttpStore.open(URI.create("http://127.0.0.1:" + server.port() + "/"), options.build())) {
                    List<Mono<String>> reads = new ArrayList<>();
                    for (int n = 0; n < 32; n++) {
                        reads.add(read(store, objects.get("o" + r.nextInt(4)), r.split(), frozen.get()));
                    }
                    List<String> problems = Flux.merge(Flux.fromIterable(reads), 4)
                            .filter(p -> !p.isEmpty())
                            .collectList()
                            .block(Duration.ofSeconds(120));
                    assertThat(problems)
                            .as("run " + run + (cacheDir == null ? "" : ", cached") + ": reads that broke the contract")
                            .isEmpty();
                }
            }
        }
    }

    /** One random read; its result checked against the object's versions: "" when it keeps the contract. */
    private static Mono<String> read(HttpStore store, Obj obj, SplittableRandom r, boolean frozen) {
        int kind = r.nextInt(4);
        int min = obj.minSize();
        long offset = r.nextInt(min);
        long length = 1 + r.nextInt((int) (min - offset));
        Mono<String> check;
        String what;
        switch (kind) {
            case 0 -> {
                what = "get";
                check = store.get(obj.path).map(b -> whole(obj, b, null, false, what, frozen));
            }
            case 1 -> {
                what = "getWithVersion";
                check = store.getWithVersion(obj.path, false).map(b -> checkRange(obj, b, 0, -1, what, frozen));
            }
            case 2 -> {
                what = "getRange " + length + " at " + offset;
                check = store.getRange(obj.path, offset, length)
                        .map(b -> checkRange(obj, b, offset, length, what, frozen));
            }
            default -> {
                // a range of the version a whole read named, as a video's later clips are read
                what = "getRange " + length + " at " + offset + " of a known version";
                check = store.getWithVersion(obj.path, false).flatMap(w -> {
                    String known = checkRange(obj, w, 0, -1, what + " (its whole read)", frozen);
                    return store.getRange(obj.path, offset, length, w.version())
                            .map(b -> known
                                    + checkRange(obj, b, offset, length, what, frozen)
                                    + (b.isWholeObject()
                                                    && length != b.objectSize()
                                                    && w.version() != null
                                                    && w.version().equals(b.version())
                                            ? what + ": the whole object of the version asked for, not the range"
                                            : ""));
                });
            }
        }
        return check.onErrorResume(RemoteException.class, e -> {
            String failed = what + " " + obj.path + " (" + obj.naming + ", " + obj.versions.length + " versions) ";
            if (!e.getMessage().contains(obj.path)) {
                return Mono.just(failed + "failed without naming it: " + e.getMessage());
            }
            // every fault is one a retry gets past: only spent attempts may end a read
            return Mono.just(
                    e.attempts() >= MAX_ATTEMPTS
                            ? ""
                            : failed + "gave up after " + e.attempts() + " attempts: " + e.getMessage());
        });
    }

    /** A whole object: one version's bytes exactly, its name as that version's when one is given. */
    private static String whole(Obj obj, ByteBuffer bytes, String name, boolean named, String what, boolean frozen) {
        byte[] got = HttpStoreHostileServerTest.bytes(bytes);
        for (int v = 0; v < obj.versions.length; v++) {
            if (Arrays.equals(got, obj.versions[v])) {
                if (frozen && v != obj.current.get()) {
                    return what + " " + obj.path + " (" + obj.naming + "): version " + v + ", stale: the server has "
                            + obj.current.get() + " since before this run";
                }
                if (named && !java.util.Objects.equals(name, obj.ifRange(v))) {
                    return what + " " + obj.path + ": version " + v + "'s bytes named " + name + ", not "
                            + obj.ifRange(v);
                }
                return "";
            }
        }
        return what + " " + obj.path + " (" + obj.naming + "): " + got.length + " bytes of no single version";
    }

    private static String checkRange(
            Obj obj, HttpStore.ByteRange b, long offset, long length, String what, boolean frozen) {
        if (length < 0 || b.isWholeObject()) {
            if (b.offset() != 0 || b.objectSize() != b.bytes().remaining()) {
                return what + " " + obj.path + ": whole object at " + b.offset() + " of " + b.objectSize();
            }
            return whole(obj, b.bytes(), b.version(), true, what, frozen);
        }
        if (b.offset() != offset || b.bytes().remaining() != length) {
            return what + " " + obj.path + ": got " + b.bytes().remaining() + " bytes at " + b.offset();
        }
        byte[] got = HttpStoreHostileServerTest.bytes(b.bytes());
        for (int v = 0; v < obj.versions.length; v++) {
            if (frozen && v != obj.current.get()) {
                continue; // ranges are never cached: the server's version, always
            }
            byte[] expected = Arrays.copyOfRange(obj.versions[v], (int) offset, (int) (offset + length));
            boolean named = b.version() == null || b.version().equals(obj.ifRange(v));
            boolean sized = b.objectSize() == -1 || b.objectSize() == obj.versions[v].length;
            if (Arrays.equals(got, expected) && named && sized) {
                return "";
            }
        }
        return what + " " + obj.path + " (" + obj.naming + "): bytes, name " + b.version() + " and size "
                + b.objectSize() + " of no single version";
    }

    /** An entity tag for the weak comparison If-None-Match uses. */
    private static String weak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    /** The server: HTTP's rules for Range, If-Range and validators, with the trial's faults and replacements. */
    private static boolean answer(
            Map<String, Obj> objects,
            long seed,
            double faultRate,
            double replaceRate,
            ScriptedServer.Request req,
            OutputStream out)
            throws java.io.IOException, InterruptedException {
        Obj obj = objects.get(req.target().substring(1));
        if (obj == null) {
            out.write(ScriptedServer.head("404 Not Found", "Content-Length: 0"));
            return true;
        }
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + req.n());
        if (r.nextDouble() < replaceRate) {
            // the next version, then back to the first: an object that keeps changing (a rollback included)
            obj.current.updateAndGet(v -> (v + 1) % obj.versions.length);
        }
        Fault fault = r.nextDouble() < faultRate ? FAULTS.get(r.nextInt(FAULTS.size())) : Fault.NONE;
        int v = obj.current.get();
        byte[] body = obj.versions[v];
        switch (fault) {
            case DROP -> {
                return false;
            }
            case UNAVAILABLE -> {
                out.write(ScriptedServer.head("503 Service Unavailable", "Content-Length: 0"));
                return true;
            }
            case DELAY -> Thread.sleep(r.nextInt(1, 30));
            default -> {}
        }
        List<String> headers = new ArrayList<>();
        if (obj.etag(v) != null) {
            headers.add("ETag: " + obj.etag(v));
        }
        if (obj.date(v) != null) {
            headers.add("Last-Modified: " + obj.date(v));
        }
        String ifNoneMatch = req.header("If-None-Match");
        String ifModifiedSince = req.header("If-Modified-Since");
        boolean notModified = ifNoneMatch != null
                ? obj.etag(v) != null && weak(ifNoneMatch).equals(weak(obj.etag(v)))
                : ifModifiedSince != null && ifModifiedSince.equals(obj.date(v)); // exact, as nginx by default
        if (notModified) {
            headers.add("Content-Length: 0");
            out.write(ScriptedServer.head("304 Not Modified", headers.toArray(String[]::new)));
            return true;
        }
        Matcher range = RANGE.matcher(String.valueOf(req.header("Range")));
        String ifRange = req.header("If-Range");
        boolean rangeApplies = range.matches()
                && fault != Fault.IGNORE_RANGE
                && (ifRange == null || ifRange.equals(obj.ifRange(v)) || fault == Fault.IGNORE_IF_RANGE);
        String status = "200 OK";
        int first = 0;
        int last = body.length - 1;
        if (rangeApplies) {
            first = Integer.parseInt(range.group(1));
            if (first >= body.length) {
                headers.add("Content-Range: bytes */" + body.length);
                headers.add("Content-Length: 0");
                out.write(ScriptedServer.head("416 Range Not Satisfiable", headers.toArray(String[]::new)));
                return true;
            }
            if (!range.group(2).isEmpty()) {
                last = (int) Math.min(last, Long.parseLong(range.group(2)));
            }
            status = "206 Partial Content";
            headers.add("Content-Range: bytes " + first + "-" + last + "/" + body.length);
        }
        int length = last - first + 1;
        headers.add("Content-Length: " + length);
        out.write(ScriptedServer.head(status, headers.toArray(String[]::new)));
        if (fault == Fault.CUT) {
            out.write(body, first, r.nextInt(length));
            return false;
        }
        out.write(body, first, length);
        return true;
    }
}
