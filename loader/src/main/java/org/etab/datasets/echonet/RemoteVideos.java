package org.etab.datasets.echonet;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.etab.decode.AviIndex;
import org.etab.decode.Deadline;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeStats;
import org.etab.decode.DecodeTimeoutException;
import org.etab.decode.GrayFrameSink;
import org.etab.decode.VideoDecoder;
import org.etab.decode.VideoInput;
import org.etab.decode.VideoLayout;
import org.etab.source.SampleException;
import org.etab.source.SamplePlan;
import org.etab.source.Stage;
import org.etab.storage.HttpStore;
import org.etab.storage.RemoteException;
import reactor.core.publisher.Mono;

/**
 * EchoNet videos on remote storage: each record's video is the object at its path relative to the index root
 * (e.g. {@code Videos/0X1A.avi}), fetched through an {@link HttpStore} (bounded concurrency and memory, retries).
 *
 * <p>Clip ranges: the first time a video is used it is fetched whole (one download, however many of its clips ask
 * for it while it is in flight), and a reader learns its {@link VideoLayout} (where each frame lies) from those bytes. From then on, when {@code clipRanges} is on, a sample fetches only the
 * bytes from its clip's first frame to its last with one Range request (about a third of an EchoNet video for a
 * 32-frame clip at half the frame rate) and decodes those packets directly. A video whose codec is not intra-only
 * is fetched whole every time.
 *
 * <p>Replaced videos: a layout is kept with the version of the object it was learned from (its strong ETag, else its
 * Last-Modified date), and each clip's Range request carries it as {@code If-Range}. A server whose object has been
 * replaced since (same size or not) answers with the whole new object: the clip is decoded from it and its layout
 * learned anew. A range that comes back from another version all the same (a server that ignores {@code If-Range}:
 * another ETag or date on the 206), or with another object size, is dropped and the video fetched whole again (a
 * cached copy revalidated). So an old layout never cuts frames out of a new object. The limit: a server that sends
 * neither a strong ETag nor a Last-Modified gives nothing to tell versions apart by but the size, and a same-size
 * replacement there goes unseen until a clip fails to decode with the old layout (an MJPEG frame must begin with a
 * JPEG start-of-image marker); so does one the server's validators miss (nginx's ETag is the file's mtime in seconds
 * and its size). That clip fails; the layout is dropped and the video fetched whole again for its next clip.
 *
 * <p>Threading: thread-safe; fetches start on the scheduling thread and are taken on decode threads, each through its
 * own {@link Reader}. Ownership: fetched bytes are heap buffers held here until a reader takes them or the batch is
 * forgotten.
 */
final class RemoteVideos implements VideoStore {
    /**
     * A fetched video: the whole file ({@code offset} 0; {@code layout} its own, or null when its headers do not give
     * it), or the bytes at {@code offset} of a clip's frames; {@code version} is the object's (see
     * {@link HttpStore.ByteRange#version()}).
     */
    private record Fetched(ByteBuffer bytes, long offset, VideoLayout layout, String version) {}

    /** A layout and the version of the object it was learned from (null: the server named none). */
    private record Known(VideoLayout layout, String version) {}

    /** Reads whole videos' headers on the threads that complete their downloads (a 128 KiB window each). */
    private static final ThreadLocal<AviIndex> INDEX = ThreadLocal.withInitial(AviIndex::new);

    private final HttpStore store;
    private final Path indexRoot;
    private final boolean clipRanges;
    /** Layouts learned from whole fetches, with their objects' versions, by object path; absent until learned, or never for whole-only videos. */
    private final Map<String, Known> layouts = new ConcurrentHashMap<>();

    private final Map<String, Boolean> wholeOnly = new ConcurrentHashMap<>();
    /** Videos whose layout was dropped when their bytes did not decode: fetched whole and revalidated next. */
    private final Set<String> relearn = ConcurrentHashMap.newKeySet();
    /** A fetch started when its batch was scheduled, and when. */
    private record Ahead(CompletableFuture<Fetched> fetch, long startedNanos) {}

    /**
     * A scheduled plan as a key, by identity: the fetch started for one scheduled sample is that sample's, whatever
     * {@link SamplePlan}'s own equality says (two epochs in flight can schedule equal plans for one video).
     */
    private record Scheduled(SamplePlan plan) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Scheduled s && s.plan == plan;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(plan);
        }
    }

    /** Fetches started when batches were scheduled; a reader takes its own sample's or fetches now. */
    private final Map<Scheduled, Ahead> ahead = new ConcurrentHashMap<>();
    /**
     * Whole fetches in flight, by object path: the clips of one video scheduled before its layout is known (a batch
     * of its clips, overlapping epochs) share one download, and decoders only read the shared bytes.
     */
    private final Map<String, Mono<Fetched>> wholeInFlight = new ConcurrentHashMap<>();

    RemoteVideos(HttpStore store, Path indexRoot, boolean clipRanges) {
        this.store = store;
        this.indexRoot = indexRoot;
        this.clipRanges = clipRanges;
    }

    /** The object path of a record's video, relative to the store's root. */
    private String relative(EchoNetRecord rec) {
        return indexRoot.relativize(rec.video()).toString().replace('\\', '/');
    }

    /** The URL for messages, failures and the report: no user info, its query (a signature, a token) hidden. */
    @Override
    public String name(EchoNetRecord rec) {
        return store.displayUrl(relative(rec));
    }

    @Override
    public VideoStore.Reader newReader() {
        return new Reader();
    }

    /**
     * One decode thread's decoder, fed the fetched bytes: a whole video, or the span of a clip's frames. A whole plain
     * MJPEG AVI is decoded from its frames' bytes too, its layout read from its own headers and index when it was
     * downloaded ({@link #wholeFetched}); any other whole video goes through the container.
     */
    private final class Reader implements VideoStore.Reader {
        private final VideoDecoder decoder = new VideoDecoder();

        @Override
        public DecodeStats read(EchoNetRecord rec, SamplePlan plan, GrayFrameSink sink, long deadlineNanos) {
            Fetched f = take(plan, rec, deadlineNanos);
            if (f.layout() != null) { // a clip's span, or a whole video whose headers gave its layout
                try {
                    return decoder.decode(
                            f.layout(), f.bytes(), f.offset(), name(rec), plan.frames(), sink, deadlineNanos);
                } catch (DecodeTimeoutException e) {
                    throw e;
                } catch (DecodeException e) {
                    forget(relative(rec), f.layout());
                    throw e;
                }
            }
            VideoLayout[] fromIndex = {null};
            DecodeStats stats = decoder.decode(
                    VideoInput.of(f.bytes(), name(rec)), plan.frames(), sink, deadlineNanos, l -> fromIndex[0] = l);
            learn(rec, f, decoder, fromIndex[0], deadlineNanos);
            return stats;
        }

        @Override
        public void close() {
            decoder.close();
        }
    }

    /** Starts fetching the videos of a scheduled batch (the store bounds requests and bytes in flight). */
    @Override
    public void prefetch(List<SamplePlan> plans, List<EchoNetRecord> records) {
        for (SamplePlan p : plans) {
            if (p.failure() == null) {
                ahead.computeIfAbsent(
                        new Scheduled(p),
                        k -> new Ahead(fetch(p, records.get(p.record())).toFuture(), System.nanoTime()));
            }
        }
    }

    /** Cancels and drops what was started for these plans and not taken. */
    @Override
    public void forget(List<SamplePlan> plans) {
        for (SamplePlan p : plans) {
            Ahead a = ahead.remove(new Scheduled(p));
            if (a != null) {
                a.fetch().cancel(true);
            }
        }
    }

    /**
     * The video's bytes (whole, or the clip's span), fetched ahead or now. The wait ends at the sample's deadline, or
     * earlier for a fetch started ahead: at its start plus the sample's time budget, so that the fetches of a batch,
     * started together, time out together against a slow server rather than one sample timeout after another.
     */
    private Fetched take(SamplePlan plan, EchoNetRecord rec, long deadlineNanos) {
        long now = System.nanoTime();
        Ahead a = ahead.remove(new Scheduled(plan));
        CompletableFuture<Fetched> f = a != null ? a.fetch() : fetch(plan, rec).toFuture();
        try {
            if (deadlineNanos == Deadline.NONE) {
                return f.get();
            }
            long budget = deadlineNanos - now; // the sample has just begun: about its whole timeout
            long until = a != null ? Math.min(deadlineNanos, a.startedNanos() + budget) : deadlineNanos;
            return f.get(Math.max(0, until - now), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SampleException(
                    Stage.TIMEOUT,
                    name(rec) + ": not fetched within the sample's timeout"
                            + (a != null ? " since its fetch began with its batch" : ""),
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            // the store's errors name the URL (signature hidden) already
            String reason = cause instanceof RemoteException ? cause.getMessage() : name(rec) + ": " + cause;
            throw new SampleException(Stage.FETCH, reason, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SampleException(Stage.FETCH, name(rec) + ": interrupted while fetching", e);
        }
    }

    /**
     * After a whole video whose headers gave no layout was decoded through the container: keeps its layout, the one
     * FFmpeg's index gave ({@code fromIndex}) or else one learned with {@code decoder} (one demuxing pass over the bytes in memory, once per video), so that its next
     * clips are fetched as ranges, within the sample's deadline (past it, the video is fetched whole from then on).
     * Never fails the sample.
     */
    private void learn(
            EchoNetRecord rec, Fetched fetched, VideoDecoder decoder, VideoLayout fromIndex, long deadlineNanos) {
        String key = relative(rec);
        if (!clipRanges || fetched.layout() != null || layouts.containsKey(key) || wholeOnly.containsKey(key)) {
            return;
        }
        VideoLayout layout = fromIndex;
        try {
            if (layout == null) {
                layout = decoder.layout(VideoInput.of(fetched.bytes(), name(rec)), deadlineNanos);
            }
        } catch (DecodeException e) {
            // broken further on than this clip read (whole fetches report it where it matters), or a scan past the
            // deadline, which would be as slow next time: fetched whole from now on
            layout = null;
        }
        if (layout == null) {
            wholeOnly.put(key, Boolean.TRUE);
        } else {
            layouts.putIfAbsent(key, new Known(layout, fetched.version())); // learned from these bytes: their version
        }
    }

    /**
     * Drops a layout whose bytes did not decode: the object may have been replaced unseen (a server without validators,
     * the same size), so the video's next clip fetches it whole, revalidated, and learns it again rather than failing
     * the same way for the rest of the run.
     */
    private void forget(String key, VideoLayout failed) {
        Known known = layouts.get(key);
        if (known != null && known.layout() == failed && layouts.remove(key, known)) {
            relearn.add(key);
        }
    }

    /** Videos whose layout is known (their clips are fetched as ranges). */
    @Override
    public int layoutsKnown() {
        return layouts.size();
    }

    private Mono<Fetched> fetch(SamplePlan plan, EchoNetRecord rec) {
        String key = relative(rec);
        Known known = clipRanges ? layouts.get(key) : null;
        long[] span = known == null ? null : known.layout().span(plan.frames());
        if (span == null) {
            return whole(key, relearn.remove(key));
        }
        return store.getRange(key, span[0], span[1] - span[0], known.version())
                .flatMap(r -> {
                    boolean sameSize = r.objectSize() < 0
                            || r.objectSize() == known.layout().fileSize();
                    if (Objects.equals(r.version(), known.version()) && sameSize) {
                        return Mono.just(new Fetched(r.bytes(), r.offset(), known.layout(), known.version()));
                    }
                    // replaced since its layout was learned: the old layout must not cut frames out of these bytes
                    layouts.remove(key, known);
                    return r.isWholeObject()
                            ? Mono.just(wholeFetched(key, r.bytes(), r.version())) // If-Range sent it whole
                            : whole(key, true);
                })
                .onErrorResume(e -> e instanceof RemoteException re && re.status() == 416, e -> {
                    layouts.remove(key, known); // shorter than it was: learn it again
                    return whole(key, true);
                });
    }

    /**
     * The whole video, shared with the other clips that ask for it while it is in flight; {@code revalidate}: the
     * server was seen to serve another version than a cached copy may be (a download of its own).
     */
    private Mono<Fetched> whole(String key, boolean revalidate) {
        if (revalidate) {
            return download(key, true);
        }
        return Mono.defer(() -> wholeInFlight.computeIfAbsent(key, this::sharedDownload));
    }

    /**
     * One download for every subscriber until it ends; it is not cancelled when one of them cancels (its clip
     * forgotten), so it runs to its end, bounded by the store, and then leaves the in-flight map.
     */
    private Mono<Fetched> sharedDownload(String key) {
        AtomicReference<Mono<Fetched>> self = new AtomicReference<>();
        Mono<Fetched> shared = download(key, false)
                .doFinally(signal -> wholeInFlight.remove(key, self.get()))
                .share();
        self.set(shared);
        return shared;
    }

    private Mono<Fetched> download(String key, boolean revalidate) {
        return store.getWithVersion(key, revalidate).map(r -> wholeFetched(key, r.bytes(), r.version()));
    }

    /**
     * A whole video with the layout its own headers and index give ({@link AviIndex}; null: decoded through the
     * container, and learned there), learned here for its later clips: before the download ends, so that the clips
     * scheduled after it fetch ranges rather than the whole video again.
     */
    private Fetched wholeFetched(String key, ByteBuffer bytes, String version) {
        VideoLayout layout = INDEX.get().read(bytes);
        if (layout != null && clipRanges) {
            layouts.putIfAbsent(key, new Known(layout, version)); // learned from these bytes: their version
        }
        return new Fetched(bytes, 0, layout, version);
    }
}
