package org.etab.datasets.echonet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Times {@link EchoNetReader#read} on real-size synthetic files: 10,030 FileList rows and two traced frames
 * of 21 or 22 rows per video (about 431,000 tracing rows, ~30 MB, written like the real file with
 * 8-decimal coordinates). Prints the first (cold) run and the median of the runs after warm-up.
 *
 * <p>Run: {@code java -cp loader/target/classes:loader/target/test-classes:<fastcsv jar>
 * org.etab.datasets.echonet.IndexTiming [runs]}
 */
public final class IndexTiming {
    static final int VIDEOS = 10_030;

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path dir = Files.createTempDirectory("echonet-timing");
        try {
            long tracingRows = write(dir);
            System.out.printf(
                    "FileList.csv %d rows (%,d bytes), VolumeTracings.csv %d rows (%,d bytes)%n",
                    VIDEOS,
                    Files.size(dir.resolve("FileList.csv")),
                    tracingRows,
                    Files.size(dir.resolve("VolumeTracings.csv")));

            long t0 = System.nanoTime();
            EchoNetIndex first = EchoNetReader.read(dir);
            double cold = (System.nanoTime() - t0) / 1e6;
            if (first.records().size() != VIDEOS || !first.problems().isEmpty()) {
                throw new IllegalStateException(
                        "unexpected index: " + first.records().size() + " records, " + first.problems());
            }
            for (int i = 0; i < 5; i++) {
                EchoNetReader.read(dir); // warm-up
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                EchoNetReader.read(dir);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf(
                    "EchoNetReader.read: cold (first run in the JVM) %.0f ms; warm median %.0f ms "
                            + "(min %.0f, max %.0f, %d runs after 5 warm-up runs); %d records%n",
                    cold,
                    ms[runs / 2],
                    ms[0],
                    ms[runs - 1],
                    runs,
                    first.records().size());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Writes the two synthetic files into {@code dir}; returns the number of tracing rows. */
    static long write(Path dir) throws IOException {
        Random random = new Random(1);
        String[] names = new String[VIDEOS];
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("FileList.csv"), StandardCharsets.UTF_8)) {
            w.write("FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split\n");
            for (int i = 0; i < VIDEOS; i++) {
                names[i] = String.format("0X%016X", random.nextLong());
                String split = i % 10 < 7 ? "TRAIN" : i % 10 < 9 ? "VAL" : "TEST";
                w.write(names[i] + "," + dec(20 + 60 * random.nextDouble()) + "," + dec(10 + 80 * random.nextDouble())
                        + "," + dec(40 + 120 * random.nextDouble()) + ",112,112," + (i % 50 == 0 ? 30 : 50) + ","
                        + (100 + random.nextInt(300)) + "," + split + "\n");
            }
        }
        long rows = 0;
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("VolumeTracings.csv"), StandardCharsets.UTF_8)) {
            w.write("FileName,X1,Y1,X2,Y2,Frame\n");
            for (int i = 0; i < VIDEOS; i++) {
                int es = 20 + random.nextInt(50);
                int ed = es + 10 + random.nextInt(30);
                for (int frame : new int[] {es, ed}) {
                    int n = (i + frame) % 2 == 0 ? 21 : 22;
                    for (int k = 0; k < n; k++) {
                        w.write(names[i] + ".avi," + dec(30 + 50 * random.nextDouble()) + ","
                                + dec(20 + 70 * random.nextDouble()) + "," + dec(30 + 50 * random.nextDouble()) + ","
                                + dec(20 + 70 * random.nextDouble()) + "," + frame + "\n");
                        rows++;
                    }
                }
            }
        }
        return rows;
    }

    /** 8 decimals, like the real VolumeTracings.csv. */
    private static String dec(double v) {
        long fixed = Math.round(v * 1e8);
        String digits = Long.toString(fixed % 100_000_000L + 100_000_000L).substring(1);
        return (fixed / 100_000_000L) + "." + digits;
    }
}
