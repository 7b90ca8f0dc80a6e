package org.etab.datasets.echonet;

import java.util.List;
import org.etab.decode.DecodeException;
import org.etab.decode.DecodeStats;
import org.etab.decode.GrayFrameSink;
import org.etab.source.SampleException;
import org.etab.source.SamplePlan;

/**
 * Where an EchoNet source's videos come from: local files ({@link LocalVideos}) or objects behind an HTTP(S) root
 * ({@link RemoteVideos}). Either one reads a video whole the first time and then, once it knows where each frame
 * lies, only the bytes of the frames a sample needs.
 *
 * <p>Threading: thread-safe; each decode thread reads through its own {@link Reader}.
 */
interface VideoStore {

    /** A reader for one worker: its own decoder and scratch memory. */
    Reader newReader();

    /** Starts reading a scheduled batch's videos ahead (for stores with latency); the default does nothing. */
    default void prefetch(List<SamplePlan> plans, List<EchoNetRecord> records) {}

    /** Drops what {@link #prefetch} started for these plans and no reader took. */
    default void forget(List<SamplePlan> plans) {}

    /** Videos whose layout is known, so that their samples read only their frames' bytes (tests). */
    int layoutsKnown();

    /**
     * How failures and reports name a record's video: its file, or its URL (no user info, the query hidden); a
     * remote record's path is under a temporary copy of the index, which names nothing the user can find.
     */
    String name(EchoNetRecord record);

    /**
     * One worker's way to a video's frames.
     *
     * <p>Threading: confined to one thread at a time. Ownership: owns its decoder, freed by {@link #close()}.
     */
    interface Reader extends AutoCloseable {
        /**
         * Decodes the frames {@code plan} names from {@code record}'s video into {@code sink}, giving up once
         * {@code System.nanoTime()} passes {@code deadlineNanos}.
         *
         * @throws DecodeException when the video cannot be read or decoded (a timeout is its subclass)
         * @throws org.etab.decode.DatasetException when the video may not be opened (not a regular file under the root)
         * @throws SampleException when its bytes cannot be fetched (stage fetch or timeout)
         */
        DecodeStats read(EchoNetRecord record, SamplePlan plan, GrayFrameSink sink, long deadlineNanos);

        @Override
        void close();
    }
}
