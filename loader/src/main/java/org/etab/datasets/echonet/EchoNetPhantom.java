package org.etab.datasets.echonet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.etab.source.DatasetPhantom;
import org.etab.synth.MjpegAviWriter;
import org.etab.synth.PhantomHeart;
import org.etab.synth.PhantomRenderer;
import org.etab.synth.PhantomWriter;
import org.etab.synth.Phantoms;

/**
 * Writes a phantom EchoNet-Dynamic dataset in exactly the real layout:
 * <pre>
 * FileList.csv         FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split
 * VolumeTracings.csv   FileName,X1,Y1,X2,Y2,Frame   (FileName with .avi; 2 x 21 rows per video)
 * Videos/&lt;FileName&gt;.avi MJPEG in AVI, 112x112, gray in 3 channels, 50 fps (about 1 in 8 at 30 fps)
 * </pre>
 * plus a small {@value #MARKER} file that marks the directory as a phantom (so that a later run may
 * overwrite it, and a real dataset never is).
 *
 * <p>Each video shows an apical-4-chamber-like sector with speckle and a beating left ventricle: a dark
 * cavity inside a bright myocardium, 80-220 frames, cardiac period 0.6-1.1 s. Two frames are traced:
 * end-diastole (ED) at a volume maximum and end-systole (ES) at the following minimum. Their tracings
 * follow the real format (long axis apex to mitral annulus, then 20 chords perpendicular to it at the
 * disk midpoints, (X1, Y1) on the septal wall) and outline the drawn cavity of that frame; the ES group
 * is written first, as the reference takes the first traced frame as ES. EDV/ESV are the single-plane
 * method of disks on those tracings at {@value #PIXEL_SPACING_CM} cm per pixel, EF = 100 (EDV - ESV) / EDV
 * (roughly 20-75 %). Splits are 75/12.5/12.5 % TRAIN/VAL/TEST.
 *
 * <p>Determinism: the same {@link Options#seed()} and video count give byte-identical files whatever the
 * thread count (each video draws from its own seeded generator; rows are sorted by FileName).
 *
 * <p>Threading: {@link #write} blocks the caller; videos are rendered and encoded on at most
 * {@link Options#threads()} worker threads, which exist only during the call. Instances are immutable
 * and may be shared. Ownership: every FFmpeg context and native frame is created and released inside
 * the worker that encodes one video, also when the write fails; the files belong to the caller.
 */
public final class EchoNetPhantom extends PhantomWriter<EchoNetPhantom.Options, EchoNetPhantom.Summary> {

    /** Pixel spacing used for the volumes, cm: disk volumes in pixels^3 times this cubed give ml. */
    public static final double PIXEL_SPACING_CM = 0.18;

    /** Name of the file that marks a directory as written by this generator. */
    public static final String MARKER = Phantoms.MARKER;

    /** The header line written to {@code FileList.csv}. */
    static final String FILE_LIST_HEADER = "FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split";
    /** The header line written to {@code VolumeTracings.csv}. */
    static final String TRACINGS_HEADER = "FileName,X1,Y1,X2,Y2,Frame";

    /** Fewest frames in a phantom video. */
    public static final int MIN_FRAMES = 80;
    /** Most frames in a phantom video. */
    public static final int MAX_FRAMES = 220;

    /**
     * What to generate; made with {@link #builder()}: {@code Options.builder().videos(200).seed(42).build()}.
     * Defaults: seed 42, one thread per core, qscale 2; {@code videos} has no default.
     */
    public static final class Options {
        private final int videos;
        private final long seed;
        private final int threads;
        private final double qscale;

        private Options(Builder b) {
            this.videos = b.videos;
            this.seed = b.seed;
            this.threads = b.threads;
            this.qscale = b.qscale;
        }

        /** {@return a builder with the defaults above} */
        public static Builder builder() {
            return new Builder();
        }

        /** {@return a builder holding these options, to make a changed copy} */
        public Builder toBuilder() {
            return new Builder().videos(videos).seed(seed).threads(threads).qscale(qscale);
        }

        /** {@return the number of videos, 1..{@value DatasetPhantom#MAX_COUNT}} */
        public int videos() {
            return videos;
        }

        /** {@return the seed all content, names and splits derive from} */
        public long seed() {
            return seed;
        }

        /** {@return the number of worker threads, >= 1 (does not change the output)} */
        public int threads() {
            return threads;
        }

        /** {@return the MJPEG quantiser scale, 1 (best) to 31; EchoNet-like quality is 2-3} */
        public double qscale() {
            return qscale;
        }

        /** Builds {@link Options}; {@link #build()} checks every value. Not thread-safe. */
        public static final class Builder {
            private int videos;
            private long seed = 42;
            private int threads = Runtime.getRuntime().availableProcessors();
            private double qscale = 2;

            private Builder() {}

            /**
             * Sets the number of videos.
             *
             * @param videos number of videos, 1..{@value DatasetPhantom#MAX_COUNT} (required; checked by {@link #build()})
             * @return this builder
             */
            public Builder videos(int videos) {
                this.videos = videos;
                return this;
            }

            /**
             * Sets the seed.
             *
             * @param seed all content, names and splits derive from it
             * @return this builder
             */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /**
             * Sets the number of worker threads.
             *
             * @param threads worker threads, >= 1 (checked by {@link #build()})
             * @return this builder
             */
            public Builder threads(int threads) {
                this.threads = threads;
                return this;
            }

            /**
             * Sets the MJPEG quantiser scale.
             *
             * @param qscale in [1, 31], lower is better quality (checked by {@link #build()})
             * @return this builder
             */
            public Builder qscale(double qscale) {
                this.qscale = qscale;
                return this;
            }

            /**
             * Checks every value and builds the options.
             *
             * @return the options
             * @throws IllegalArgumentException naming the value that is out of range
             */
            public Options build() {
                if (videos < 1 || videos > DatasetPhantom.MAX_COUNT) {
                    throw new IllegalArgumentException(
                            "videos in 1.." + DatasetPhantom.MAX_COUNT + " required but was " + videos);
                }
                if (threads < 1) {
                    throw new IllegalArgumentException("threads >= 1 required but was " + threads);
                }
                if (!(qscale >= 1 && qscale <= 31)) {
                    throw new IllegalArgumentException("qscale in [1, 31] required but was " + qscale);
                }
                return new Options(this);
            }
        }
    }

    /**
     * What {@link #write} produced.
     *
     * @param root   the dataset directory
     * @param videos videos written
     * @param frames frames in all videos
     * @param bytes  bytes of all files written (videos and CSVs)
     */
    public record Summary(Path root, int videos, long frames, long bytes) {}

    /**
     * A writer of the phantom {@code options} describe; nothing is written until {@link #write}.
     *
     * @param options what to generate
     */
    public EchoNetPhantom(Options options) {
        super(options);
    }

    /**
     * As {@link #write(Path)}.
     *
     * @param progress called once per finished video with the number finished so far (1..videos), from
     *                 a worker thread; calls never overlap and the numbers increase
     */
    @Override
    public Summary write(Path out, IntConsumer progress) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(progress, "progress");
        prepare(out);
        long bytes = Phantoms.writeMarker(
                out,
                "EchoNet-Dynamic dataset",
                options().seed(),
                "videos",
                options().videos());
        Path videosDir = Files.createDirectories(out.resolve("Videos"));
        List<Plan> plans = plan();
        List<Result> results = encodeAll(plans, videosDir, progress);
        results.sort(Comparator.comparing(Result::name));
        // FileList.csv last: a set that has it is whole (etab demo writes its phantom set only without it)
        bytes += writeTracings(out, results);
        bytes += writeFileList(out, results);
        long frames = 0;
        for (Result r : results) {
            bytes += r.bytes();
            frames += r.frames();
        }
        return new Summary(out, results.size(), frames, bytes);
    }

    /** Refuses foreign non-empty directories; clears what an earlier phantom wrote. */
    private static void prepare(Path out) throws IOException {
        if (!Phantoms.claim(out, "EchoNet-Dynamic dataset")) {
            return;
        }
        // Only what a phantom writes: a smaller rerun must not leave stale videos behind.
        Files.deleteIfExists(out.resolve("FileList.csv"));
        Files.deleteIfExists(out.resolve("VolumeTracings.csv"));
        Phantoms.deleteFiles(out.resolve("Videos"), "*.avi");
    }

    /** One video to make: decided up front, from the seed only, so that threads cannot change it. */
    private record Plan(String name, long videoSeed, int fps, int frames, String split) {}

    private record Result(
            String name,
            int fps,
            int frames,
            String split,
            long bytes,
            PhantomHeart heart,
            double[][] es,
            double[][] ed) {}

    private List<Plan> plan() {
        int n = options().videos();
        SplittableRandom rnd = new SplittableRandom(options().seed());
        // Exact proportions from seeded permutations, so even 12 videos have every split and a 30 fps one.
        int[] fpsOrder = Phantoms.permutation(n, rnd);
        int[] splitOrder = Phantoms.permutation(n, rnd);
        int fps30 = Math.max(n >= 4 ? 1 : 0, (int) Math.round(n / 8.0));
        int train = (int) Math.round(n * 0.75);
        int val = (int) Math.round(n * 0.125);
        int[] fps = new int[n];
        String[] split = new String[n];
        for (int k = 0; k < n; k++) {
            fps[fpsOrder[k]] = k < fps30 ? 30 : 50;
            split[splitOrder[k]] = k < train ? "TRAIN" : k < train + val ? "VAL" : "TEST";
        }
        List<Plan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // splitmix64 is a bijection, so distinct indices give distinct names for one seed.
            long id = Phantoms.mix64(options().seed() + 0x9E3779B97F4A7C15L * (i + 1));
            String name = "0X" + String.format(Locale.ROOT, "%016X", id);
            int frames = MIN_FRAMES + new SplittableRandom(id).nextInt(MAX_FRAMES - MIN_FRAMES + 1);
            plans.add(new Plan(name, Phantoms.mix64(id), fps[i], frames, split[i]));
        }
        return plans;
    }

    private List<Result> encodeAll(List<Plan> plans, Path videosDir, IntConsumer progress) throws IOException {
        int threads = Math.min(options().threads(), plans.size());
        AtomicInteger workerId = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "etab-synth-" + workerId.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        Object progressLock = new Object();
        try {
            List<Future<Result>> futures = new ArrayList<>(plans.size());
            for (Plan plan : plans) {
                futures.add(pool.submit(() -> {
                    Result r = encode(plan, videosDir);
                    synchronized (progressLock) {
                        progress.accept(done.incrementAndGet());
                    }
                    return r;
                }));
            }
            List<Result> results = new ArrayList<>(plans.size());
            for (Future<Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the phantom into " + videosDir);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("phantom video failed", cause);
        } finally {
            // On failure: stop the other videos and wait until their writers have closed, so that no
            // FFmpeg work outlives this call.
            pool.shutdownNow();
            awaitQuietly(pool);
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES); // one video takes well under a second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Result encode(Plan plan, Path videosDir) throws IOException {
        SplittableRandom rnd = new SplittableRandom(plan.videoSeed());
        PhantomHeart heart = new PhantomHeart(rnd, plan.fps(), plan.frames());
        PhantomRenderer renderer = new PhantomRenderer(heart, rnd);
        Path file = videosDir.resolve(plan.name() + ".avi");
        int size = PhantomRenderer.SIZE;
        byte[] gray = new byte[size * size];
        try (MjpegAviWriter writer =
                new MjpegAviWriter(file, size, size, plan.fps(), options().qscale())) {
            for (int f = 0; f < plan.frames(); f++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("phantom cancelled while writing " + file);
                }
                renderer.render(f, gray);
                writer.write(gray);
            }
        }
        return new Result(
                plan.name(),
                plan.fps(),
                plan.frames(),
                plan.split(),
                Files.size(file),
                heart,
                heart.tracing(heart.esFrame),
                heart.tracing(heart.edFrame));
    }

    /**
     * Single-plane method of disks on one tracing (rows as {@link PhantomHeart#tracing}): the long axis
     * length L from row 0, 20 disks of diameter d_i = chord length and height L / 20.
     *
     * @param t {x1[], y1[], x2[], y2[]} in px, row 0 the long axis, then the chords
     * @return the volume in ml
     */
    public static double diskVolumeMl(double[][] t) {
        double length = Math.hypot(t[2][0] - t[0][0], t[3][0] - t[1][0]);
        int chords = t[0].length - 1;
        double sum = 0;
        for (int k = 1; k <= chords; k++) {
            double d = Math.hypot(t[2][k] - t[0][k], t[3][k] - t[1][k]);
            sum += d * d;
        }
        double cm3 = PIXEL_SPACING_CM * PIXEL_SPACING_CM * PIXEL_SPACING_CM;
        return Math.PI / 4 * sum * (length / chords) * cm3;
    }

    private static long writeFileList(Path out, List<Result> results) throws IOException {
        return Phantoms.writeCsv(out.resolve("FileList.csv"), FILE_LIST_HEADER, w -> {
            for (Result r : results) {
                double esv = diskVolumeMl(r.es());
                double edv = diskVolumeMl(r.ed());
                double ef = 100 * (edv - esv) / edv;
                w.write(String.format(
                        Locale.ROOT,
                        "%s,%.8f,%.8f,%.8f,%d,%d,%d,%d,%s\n",
                        r.name(),
                        ef,
                        esv,
                        edv,
                        PhantomRenderer.SIZE,
                        PhantomRenderer.SIZE,
                        r.fps(),
                        r.frames(),
                        r.split()));
            }
        });
    }

    private static long writeTracings(Path out, List<Result> results) throws IOException {
        return Phantoms.writeCsv(out.resolve("VolumeTracings.csv"), TRACINGS_HEADER, w -> {
            for (Result r : results) {
                writeGroup(w, r.name() + ".avi", r.es(), r.heart().esFrame); // ES first: the reference
                writeGroup(w, r.name() + ".avi", r.ed(), r.heart().edFrame); // reads first = ES, last = ED
            }
        });
    }

    private static void writeGroup(BufferedWriter w, String fileName, double[][] t, int frame) throws IOException {
        for (int k = 0; k < t[0].length; k++) {
            w.write(String.format(
                    Locale.ROOT, "%s,%.4f,%.4f,%.4f,%.4f,%d\n", fileName, t[0][k], t[1][k], t[2][k], t[3][k], frame));
        }
    }
}
