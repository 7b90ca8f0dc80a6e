package org.etab.pipeline;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * <p>Threading: {@link Ahead} is one worker's read-ahead and is confined to that worker's thread; the store is
 * shared and thread-safe. Ownership: fetched bytes are heap buffers owned by the worker until decoded.
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

    /** One worker's fetches started ahead of decoding (a batch at a time). */
    final class Ahead {
        private final Map<Integer, CompletableFuture<ByteBuffer>> pending = new HashMap<>();

        /** Starts fetching a batch's videos; what the previous batch left (cancelled) is dropped. */
        void start(List<SamplePlan> plans, List<EchoNetRecord> records) {
            pending.values().forEach(f -> f.cancel(true));
            pending.clear();
            for (SamplePlan p : plans) {
                if (p.failure() == null) {
                    pending.computeIfAbsent(p.record(), r -> store.get(relative(records.get(r))).toFuture());
                }
            }
        }

        /** The video's bytes, fetched ahead or now; waits at most until the deadline. */
        ByteBuffer take(int record, EchoNetRecord rec, long deadlineNanos) {
            CompletableFuture<ByteBuffer> f = pending.remove(record);
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

        void cancelAll() {
            pending.values().forEach(f -> f.cancel(true));
            pending.clear();
        }
    }
}
