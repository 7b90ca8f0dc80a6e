package org.etab.bench.jmh;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.etab.datasets.echonet.EchoNetRecord;
import org.etab.decode.DecodeStats;
import org.etab.decode.GrayFrameSink;
import org.etab.decode.VideoDecoder;
import org.etab.decode.VideoInput;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link VideoDecoder#decode} of the frames a clip needs from a phantom 112x112 MJPEG video: every call opens the
 * file, demuxes, decodes, copies the luma plane out and closes it, as a pipeline worker does per sample.
 *
 * <ul>
 *   <li>{@code decodeNeeded} (n = 1, 8, 32): n frames, every 2nd frame (a 50 fps video sampled at 25 fps) from a
 *       random start; the real path, where only the packets of needed frames reach the decoder.</li>
 *   <li>{@code clip32DecodeAllUpToLast}: the same 32-frame clips (same videos, same starts), but every frame
 *       from 0 up to the clip's last one is requested and decoded, and every 2nd frame from the start kept: what
 *       a grabber that cannot skip packets does (JavaCV's {@code FFmpegFrameGrabber}). The ratio to
 *       {@code decodeNeeded} n=32 is what skipping packets of an intra-only codec buys.</li>
 *   <li>{@code clip32DecodeWholeVideo}: every frame of the video decoded, the clip's 32 kept: the reference
 *       loader's way (decode the whole video, then cut the clip).</li>
 * </ul>
 *
 * <p>Score: calls per second; the secondary results {@code kept} (frames handed on to the clip) and
 * {@code decoded} (pictures the decoder produced) are per second too, so {@code kept} is the useful frames/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecodeBenchmark {
    /** Phantom videos to spread the requests over (all 112x112, 80-220 frames). */
    static final int VIDEOS = 8;

    static final long SEED = 42;
    /** Precomputed (video, start) requests, cycled through. */
    static final int REQUESTS = 64;
    /** Every 2nd frame: a 50 fps video sampled at 25 fps (W1). */
    static final int STEP = 2;

    static final int CLIP = 32;

    /** The phantom and the decoder, for one trial. */
    @State(Scope.Thread)
    public static class Fixture {
        PhantomFixture phantom;
        List<EchoNetRecord> videos;
        VideoDecoder decoder;

        @Setup(Level.Trial)
        public void setUp() {
            phantom = PhantomFixture.write(VIDEOS, SEED);
            videos = phantom.index().records();
            decoder = new VideoDecoder();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (decoder != null) {
                decoder.close();
            }
            if (phantom != null) {
                phantom.close();
            }
        }
    }

    /** Frames per second, as secondary results: kept for the clip, and decoded (kept or not). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Frames {
        public long kept;
        public long decoded;

        @Setup(Level.Iteration)
        public void reset() {
            kept = 0;
            decoded = 0;
        }
    }

    /** Clips of n frames, every 2nd from a random start. */
    @State(Scope.Thread)
    public static class Needed {
        @Param({"1", "8", "32"})
        public int n;

        Path[] files;
        int[][] frames;
        int next;
        final Sink sink = new Sink();

        @Setup(Level.Trial)
        public void plan(Fixture f) {
            Clips clips = Clips.plan(f.videos, n);
            files = clips.files;
            frames = new int[REQUESTS][];
            for (int i = 0; i < REQUESTS; i++) {
                frames[i] = everyStep(clips.starts[i], n);
            }
        }
    }

    /** The same 32-frame clips as {@code Needed} n=32, requested as every frame up to the last one or to the end. */
    @State(Scope.Thread)
    public static class Clip32 {
        Path[] files;
        int[] starts;
        int[][] upToLast;
        int[][] wholeVideo;
        int next;
        final Sink sink = new Sink();

        @Setup(Level.Trial)
        public void plan(Fixture f) {
            Clips clips = Clips.plan(f.videos, CLIP);
            files = clips.files;
            starts = clips.starts;
            upToLast = new int[REQUESTS][];
            wholeVideo = new int[REQUESTS][];
            for (int i = 0; i < REQUESTS; i++) {
                upToLast[i] = range(starts[i] + (CLIP - 1) * STEP + 1);
                wholeVideo[i] = range(clips.lengths[i]);
            }
        }
    }

    /** Counts the frames of the clip among the delivered positions (frame numbers when frames 0.. are requested). */
    static final class Sink implements GrayFrameSink {
        int keepFrom;
        int keepStep = 1;
        int keepUntil = Integer.MAX_VALUE;
        int kept;
        int checksum;

        @Override
        public void accept(int position, byte[] gray, int width, int height) {
            if (position >= keepFrom && position <= keepUntil && (position - keepFrom) % keepStep == 0) {
                kept++;
                checksum += gray[(height / 2) * width + width / 2];
            }
        }
    }

    /** The real path: only the needed frames' packets are decoded. */
    @Benchmark
    public DecodeStats decodeNeeded(Fixture f, Needed s, Frames counters) {
        int i = s.next;
        s.next = (i + 1) % REQUESTS;
        Sink sink = s.sink;
        sink.keepFrom = 0;
        sink.keepStep = 1;
        sink.keepUntil = Integer.MAX_VALUE;
        DecodeStats stats = f.decoder.decode(VideoInput.of(s.files[i]), s.frames[i], sink);
        counters.kept += stats.delivered();
        counters.decoded += stats.framesDecoded();
        return stats;
    }

    /** Baseline: every frame 0..last decoded, every 2nd from the start kept. */
    @Benchmark
    public DecodeStats clip32DecodeAllUpToLast(Fixture f, Clip32 s, Frames counters) {
        return decodeAndKeep(f, s, s.upToLast, counters);
    }

    /** Reference loader's way: the whole video decoded, the clip's frames kept. */
    @Benchmark
    public DecodeStats clip32DecodeWholeVideo(Fixture f, Clip32 s, Frames counters) {
        return decodeAndKeep(f, s, s.wholeVideo, counters);
    }

    private static DecodeStats decodeAndKeep(Fixture f, Clip32 s, int[][] requests, Frames counters) {
        int i = s.next;
        s.next = (i + 1) % REQUESTS;
        Sink sink = s.sink;
        int before = sink.kept;
        sink.keepFrom = s.starts[i];
        sink.keepStep = STEP;
        sink.keepUntil = s.starts[i] + (CLIP - 1) * STEP;
        DecodeStats stats = f.decoder.decode(VideoInput.of(s.files[i]), requests[i], sink);
        counters.kept += sink.kept - before;
        counters.decoded += stats.framesDecoded();
        return stats;
    }

    /** REQUESTS seeded (video, random start) pairs whose clips of n frames, every 2nd, fit in the video. */
    record Clips(Path[] files, int[] starts, int[] lengths) {
        static Clips plan(List<EchoNetRecord> videos, int n) {
            SplittableRandom rnd = new SplittableRandom(SEED);
            int span = (n - 1) * STEP + 1;
            Path[] files = new Path[REQUESTS];
            int[] starts = new int[REQUESTS];
            int[] lengths = new int[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                EchoNetRecord r = videos.get(i % videos.size());
                if (r.frames() < span) {
                    throw new IllegalStateException(r.id() + " has " + r.frames() + " frames, fewer than " + span);
                }
                files[i] = r.video();
                starts[i] = rnd.nextInt(r.frames() - span + 1);
                lengths[i] = r.frames();
            }
            return new Clips(files, starts, lengths);
        }
    }

    static int[] everyStep(int start, int n) {
        int[] f = new int[n];
        for (int k = 0; k < n; k++) {
            f[k] = start + k * STEP;
        }
        return f;
    }

    static int[] range(int n) {
        int[] f = new int[n];
        for (int k = 0; k < n; k++) {
            f[k] = k;
        }
        return f;
    }
}
