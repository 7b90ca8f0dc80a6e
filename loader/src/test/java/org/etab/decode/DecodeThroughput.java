package org.etab.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Hand-run benchmark (not a test): clips of 32 every-2nd frames from random starts of a 112x112 MJPEG
 * AVI, like EchoNet W1, through {@link VideoDecoder} and through JavaCV's grabber decoding every frame.
 * Prints medians of several timed rounds. Usage: {@code DecodeThroughput [secondsPerRound] [rounds]}, e.g. from
 * {@code loader/} after {@code mvn -o test-compile} and
 * {@code mvn -o dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.etab.decode.DecodeThroughput 3 5}.
 */
public final class DecodeThroughput {
    static final int FRAMES = 150, SIZE = 112, CLIP = 32, STRIDE = 2;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        VideoDecoder.setLogLevel(AV_LOG_QUIET);
        Path dir = Files.createTempDirectory("decode-throughput");
        Path video = speckleVideo(dir.resolve("echo.avi"));
        System.out.printf(
                "video: %s, %d frames %dx%d MJPEG, %d bytes (%.0f B/frame); %d cores visible%n",
                video.getFileName(),
                FRAMES,
                SIZE,
                SIZE,
                Files.size(video),
                Files.size(video) / (double) FRAMES,
                Runtime.getRuntime().availableProcessors());

        report("VideoDecoder, 1 thread", measure(seconds, rounds, 1, () -> packetSkipping(video)));
        report("VideoDecoder, 2 threads", measure(seconds, rounds, 2, () -> packetSkipping(video)));
        byte[] bytes = Files.readAllBytes(video);
        ByteBuffer heap = ByteBuffer.wrap(bytes);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        report("VideoDecoder from memory (heap), 1 thread", measure(seconds, rounds, 1, () -> fromMemory(heap)));
        report("VideoDecoder from memory (direct), 1 thread", measure(seconds, rounds, 1, () -> fromMemory(direct)));
        report("VideoDecoder from layout span (heap), 1 thread", measure(seconds, rounds, 1, () -> fromSpan(heap)));
        report("VideoDecoder from layout span (direct), 1 thread", measure(seconds, rounds, 1, () -> fromSpan(direct)));
        report("VideoDecoder from file again, 1 thread", measure(seconds, rounds, 1, () -> packetSkipping(video)));
        report(
                "FFmpegFrameGrabber decode-all, 1 thread",
                measure(seconds, rounds, 1, () -> grabberDecodeAll(video, false)));
        report(
                "FFmpegFrameGrabber up to last needed, 1 thread",
                measure(seconds, rounds, 1, () -> grabberDecodeAll(video, true)));
        report("open+close only, 1 thread", measure(seconds, rounds, 1, () -> openOnly(video, false)));
        report("open+find_stream_info+close, 1 thread", measure(seconds, rounds, 1, () -> openOnly(video, true)));
        try (var files = Files.list(dir)) {
            files.forEach(p -> p.toFile().delete());
        }
        Files.delete(dir);
    }

    /** One unit of work per call; returns frames delivered. */
    interface Clip {
        int run() throws Exception;
    }

    interface ClipFactory {
        Clip create() throws Exception;
    }

    static Clip packetSkipping(Path video) {
        VideoDecoder decoder = new VideoDecoder(); // one per thread, never closed: the JVM exits
        SplittableRandom random = new SplittableRandom(42);
        int[] frames = new int[CLIP];
        long[] checksum = new long[1];
        GrayFrameSink sink = (p, g, w, h) -> checksum[0] += g[(p * 37) % (w * h)];
        return () -> {
            int start = random.nextInt(FRAMES - (CLIP - 1) * STRIDE);
            for (int k = 0; k < CLIP; k++) frames[k] = start + STRIDE * k;
            return decoder.decode(VideoInput.of(video), frames, sink).delivered();
        };
    }

    /** As {@link #packetSkipping} from the file's bytes in memory (custom AVIO). */
    static Clip fromMemory(ByteBuffer data) {
        VideoDecoder decoder = new VideoDecoder();
        SplittableRandom random = new SplittableRandom(42);
        int[] frames = new int[CLIP];
        long[] checksum = new long[1];
        GrayFrameSink sink = (p, g, w, h) -> checksum[0] += g[(p * 37) % (w * h)];
        return () -> {
            int start = random.nextInt(FRAMES - (CLIP - 1) * STRIDE);
            for (int k = 0; k < CLIP; k++) frames[k] = start + STRIDE * k;
            return decoder.decode(VideoInput.of(data, "echo.avi"), frames, sink).delivered();
        };
    }

    /**
     * As {@link #fromMemory} from a learned {@link VideoLayout}: each clip's packets go straight to the decoder
     * (the whole file serves as the span, so the clip's own bytes are not copied out first).
     */
    static Clip fromSpan(ByteBuffer data) {
        VideoDecoder decoder = new VideoDecoder();
        VideoLayout layout = decoder.layout(VideoInput.of(data, "echo.avi"));
        SplittableRandom random = new SplittableRandom(42);
        int[] frames = new int[CLIP];
        long[] checksum = new long[1];
        GrayFrameSink sink = (p, g, w, h) -> checksum[0] += g[(p * 37) % (w * h)];
        return () -> {
            int start = random.nextInt(FRAMES - (CLIP - 1) * STRIDE);
            for (int k = 0; k < CLIP; k++) frames[k] = start + STRIDE * k;
            return decoder.decode(layout, data, 0, "echo.avi", frames, sink, Long.MAX_VALUE)
                    .delivered();
        };
    }

    static Clip grabberDecodeAll(Path video, boolean stopAtLastNeeded) {
        SplittableRandom random = new SplittableRandom(42);
        return () -> {
            int start = random.nextInt(FRAMES - (CLIP - 1) * STRIDE);
            int last = stopAtLastNeeded ? start + (CLIP - 1) * STRIDE : Integer.MAX_VALUE;
            int picked = 0;
            try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
                g.setPixelFormat(AV_PIX_FMT_GRAY8);
                g.setVideoOption("threads", "1");
                g.start();
                Frame f;
                for (int i = 0; i <= last && (f = g.grabImage()) != null; i++) {
                    if (i >= start && (i - start) % STRIDE == 0 && picked < CLIP) picked++;
                }
                g.stop();
            }
            return picked;
        };
    }

    static Clip openOnly(Path video, boolean findStreamInfo) {
        String url = "file:" + video.toAbsolutePath();
        return () -> {
            AVFormatContext ctx = new AVFormatContext(null);
            if (avformat_open_input(ctx, url, null, (AVDictionary) null) < 0) throw new IllegalStateException();
            if (findStreamInfo) avformat_find_stream_info(ctx, (PointerPointer<?>) null);
            avformat_close_input(ctx);
            return 0;
        };
    }

    /** Median clips/s and frames/s over timed rounds, after a warm-up round. */
    static double[] measure(double seconds, int rounds, int threads, ClipFactory factory) throws Exception {
        double[] clipsPerSecond = new double[rounds];
        double[] framesPerSecond = new double[rounds];
        Clip[] clips = new Clip[threads];
        for (int t = 0; t < threads; t++) clips[t] = factory.create();
        for (int r = -1; r < rounds; r++) {
            AtomicLong clipCount = new AtomicLong();
            AtomicLong frameCount = new AtomicLong();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                Clip clip = clips[t];
                workers[t] = new Thread(() -> {
                    try {
                        while (System.nanoTime() < deadline) {
                            frameCount.addAndGet(clip.run());
                            clipCount.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
            }
            long t0 = System.nanoTime();
            for (Thread w : workers) w.start();
            for (Thread w : workers) w.join();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) {
                clipsPerSecond[r] = clipCount.get() / elapsed;
                framesPerSecond[r] = frameCount.get() / elapsed;
            }
        }
        java.util.Arrays.sort(clipsPerSecond);
        java.util.Arrays.sort(framesPerSecond);
        return new double[] {
            clipsPerSecond[rounds / 2], framesPerSecond[rounds / 2], clipsPerSecond[0], clipsPerSecond[rounds - 1]
        };
    }

    static void report(String what, double[] m) {
        System.out.printf(
                "%-48s %9.0f clips/s (min %.0f, max %.0f)  %9.0f frames delivered/s%n", what, m[0], m[2], m[3], m[1]);
    }

    /** Speckle-like content so JPEG packets are closer to real echo frames than flat test patterns. */
    static Path speckleVideo(Path file) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), SIZE, SIZE, 0)) {
            rec.setFormat("avi");
            rec.setVideoCodec(AV_CODEC_ID_MJPEG);
            rec.setPixelFormat(AV_PIX_FMT_YUVJ420P);
            rec.setFrameRate(50);
            rec.setVideoQuality(3);
            rec.start();
            Frame frame = new Frame(SIZE, SIZE, Frame.DEPTH_UBYTE, 1);
            ByteBuffer buf = (ByteBuffer) frame.image[0];
            for (int n = 0; n < FRAMES; n++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        double dx = x - SIZE / 2.0, dy = y - SIZE / 3.0;
                        double r = Math.sqrt(dx * dx + dy * dy);
                        boolean inSector = dy > 0 && Math.abs(dx) < dy && r < SIZE * 0.65;
                        double wall = Math.exp(-Math.pow((r - 40 - 6 * Math.sin(n * 0.2)) / 5, 2));
                        int v = inSector ? (int) (30 + 150 * wall + random.nextInt(60)) : 0;
                        buf.put(y * frame.imageStride + x, (byte) Math.min(255, v));
                    }
                }
                rec.record(frame, AV_PIX_FMT_GRAY8);
            }
            rec.stop();
        }
        return file;
    }
}
