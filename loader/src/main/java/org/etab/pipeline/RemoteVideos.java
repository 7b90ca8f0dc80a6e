package org.etab.pipeline;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.etab.dataset.EchoNetRecord;
import org.etab.dataset.remote.HttpStore;
import org.etab.dataset.remote.RemoteException;

/**
 * EchoNet videos on remote storage: each record's video is the object at its path relative to the index root
 * (e.g. {@code Videos/0X1A.avi}), fetched through an {@link HttpStore} (bounded concurrency and memory, retries).
 *
 * <p>Threading: thread-safe; fetches start on the scheduling thread and are taken on decode threads.
 * Ownership: fetched bytes are heap buffers held here until a worker takes them or the batch is forgotten.
 */
final class RemoteVideos {
    private final HttpStore store;
    private final Path indexRoot;

    RemoteVideos(HttpStore store, Path indexRoot) {
        this.store = store;
        this.indexRoot = indexRoot;
    }

    /** The object path of a record's video, relative to the store's root. */
    String relative(EchoNetRecord rec) {
        return indexRoot.relativize(rec.video()).toString().replace('\\', '/');
    }

    /** The URL for messages, its query (a presigned signature, a token) hidden. */
    String name(EchoNetRecord rec) {
        String url = store.uri(relative(rec)).toString();
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    /** Fetches started when batches were scheduled, by plan; a worker takes its plan's or fetches now. */
    private final Map<SamplePlan, CompletableFuture<ByteBuffer>> ahead = new ConcurrentHashMap<>();

    /** Starts fetching the videos of a scheduled batch (the store bounds requests and bytes in flight). */
    void start(List<SamplePlan> plans, List<EchoNetRecord> records) {
        for (SamplePlan p : plans) {
            if (p.failure() == null) {
                ahead.computeIfAbsent(p, k -> store.get(relative(records.get(k.record()))).toFuture());
            }
        }
    }

    /** Cancels and drops what was started for these plans and not taken. */
    void forget(List<SamplePlan> plans) {
        for (SamplePlan p : plans) {
            CompletableFuture<ByteBuffer> f = ahead.remove(p);
            if (f != null) {
                f.cancel(true);
            }
        }
    }

    /** The video's bytes, fetched ahead or now; waits at most until the deadline. */
    ByteBuffer take(SamplePlan plan, EchoNetRecord rec, long deadlineNanos) {
        CompletableFuture<ByteBuffer> f = ahead.remove(plan);
        if (f == null) {
            f = store.get(relative(rec)).toFuture();
        }
        try {
            long wait = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            return wait == Long.MAX_VALUE ? f.get() : f.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SampleException("timeout", name(rec) + ": not fetched before the sample's deadline", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            // the store's errors name the URL (signature hidden) already
            String reason = cause instanceof RemoteException ? cause.getMessage() : name(rec) + ": " + cause;
            throw new SampleException("fetch", reason, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SampleException("fetch", name(rec) + ": interrupted while fetching", e);
        }
    }
}
