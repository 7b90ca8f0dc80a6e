package org.etab.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** What every phantom writer shares: the output-directory guard and the seeded helpers. */
public final class Phantoms {
    /** Marks a directory as written by a phantom generator, so that a later run may replace it. */
    public static final String MARKER = ".etab-phantom";

    private static final String PREFIX = "etab-stream phantom ";

    /** The marker is a few short lines; more is not a marker this code wrote. */
    private static final int MARKER_MAX_BYTES = 4096;

    private Phantoms() {}

    private static String firstLine(Path marker) throws IOException {
        if (Files.size(marker) > MARKER_MAX_BYTES) {
            throw new IOException(marker + ": not a phantom marker (over " + MARKER_MAX_BYTES + " bytes)");
        }
        String text = Files.readString(marker, StandardCharsets.US_ASCII);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /**
     * Makes {@code out} ready: creates it, accepts it empty, and refuses a non-empty directory without the marker
     * (it may hold a real dataset) or with the marker of another dataset's phantom (the two would mix).
     *
     * @param out     the phantom's output directory
     * @param dataset the dataset as the marker names it, {@link #writeMarker}'s {@code what} up to any detail in
     *                brackets ("CAMUS dataset": either CAMUS release may replace the other)
     * @return true when {@code out} holds an earlier phantom of this dataset: the caller clears the files it
     *         writes, so that a smaller rerun leaves nothing stale behind
     * @throws IOException if {@code out} exists and is not a directory, is a non-empty directory without the
     *                     {@link #MARKER} file or with another dataset's, or cannot be created or listed
     */
    public static boolean claim(Path out, String dataset) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("phantom output " + out + " exists and is not a directory");
        }
        if (!Files.isDirectory(out)) {
            Files.createDirectories(out);
            return false;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(out)) {
            empty = entries.findAny().isEmpty();
        }
        if (empty) {
            return false;
        }
        if (!Files.isRegularFile(out.resolve(MARKER))) {
            throw new IOException("refusing to write a phantom into non-empty directory " + out + ": it has no "
                    + MARKER + " marker, so it may hold a real dataset; use an empty directory");
        }
        String written = firstLine(out.resolve(MARKER));
        if (!written.startsWith(PREFIX + dataset)) {
            throw new IOException("refusing to write a phantom " + dataset + " into " + out + ": it holds another "
                    + "phantom (" + MARKER + ": '" + written + "'), and the two would mix; use an empty directory");
        }
        return true;
    }

    /**
     * Writes the {@link #MARKER} file saying what wrote {@code out}; call it before anything else, so that a run
     * failing half-way leaves a directory a rerun may clear.
     *
     * @param out   the phantom's output directory, existing
     * @param what  the dataset, as people read it ("CAMUS dataset (MHD layout)")
     * @param seed  the seed the phantom is generated from
     * @param unit  what {@code count} counts ("videos", "patients")
     * @param count how many {@code unit}s the phantom holds
     * @return the marker's size in bytes
     * @throws IOException if the marker cannot be written
     */
    public static long writeMarker(Path out, String what, long seed, String unit, int count) throws IOException {
        String text = PREFIX + what + "; may be overwritten by `etab synth`\n" + "seed=" + seed + "\n" + unit + "="
                + count + "\n";
        Path file = out.resolve(MARKER);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return Files.size(file);
    }

    /**
     * Deletes the files of {@code dir} that match {@code glob} (as {@link Files#newDirectoryStream(Path, String)});
     * nothing when {@code dir} is not a directory. For clearing what an earlier phantom wrote, and only that.
     *
     * @param dir  the directory (not its subdirectories)
     * @param glob the file-name pattern, e.g. {@code "*.avi"}
     * @throws IOException if the directory cannot be listed or a file cannot be deleted (a non-empty
     *                     subdirectory that matches, for one)
     */
    public static void deleteFiles(Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            for (Path f : files) {
                Files.delete(f);
            }
        }
    }

    /** The rows of a CSV file after its header. */
    @FunctionalInterface
    public interface CsvRows {
        /**
         * Writes the rows, each ending with a newline.
         *
         * @param w the file's writer, positioned after the header line; not to be closed
         * @throws IOException if writing fails
         */
        void write(BufferedWriter w) throws IOException;
    }

    /**
     * Writes {@code file} (UTF-8): {@code header}, a newline, then the rows.
     *
     * @param file   the CSV file; replaced if it exists, at once (written beside it, then renamed): a reader never
     *               sees part of it
     * @param header the header line, without its newline
     * @param rows   writes the rows after the header
     * @return the file's size in bytes
     * @throws IOException if the file cannot be written, or {@code rows} throws it
     */
    public static long writeCsv(Path file, String header, CsvRows rows) throws IOException {
        // not Files.createTempFile: its owner-only permissions would stay with the file
        Path part = file.resolveSibling(
                "." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
                w.write(header);
                w.write('\n');
                rows.write(w);
            }
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        return Files.size(file);
    }

    /**
     * A seeded Fisher-Yates permutation of 0..n-1.
     *
     * @param n   the number of positions, {@code >= 0}
     * @param rnd the random source; advanced by {@code n - 1} draws
     * @return a new array holding {@code 0..n-1} once each, in random order
     */
    public static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * SplitMix64's finalizer: nearby seeds give unrelated values.
     *
     * @param z the value to mix, e.g. a seed plus an index
     * @return the mixed value
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
